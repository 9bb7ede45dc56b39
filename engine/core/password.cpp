#include "password.h"

#include <sodium.h>

namespace salesflow::password {

namespace {

bool ready()
{
    static const bool ok = sodium_init() >= 0;
    return ok;
}

/// A hash of a random password, made once: verified against when the user does not exist.
const QByteArray &dummy()
{
    static const QByteArray encoded = [] {
        char out[crypto_pwhash_STRBYTES] = {};
        unsigned char random[32];
        randombytes_buf(random, sizeof random);
        if (crypto_pwhash_str(out, reinterpret_cast<const char *>(random), sizeof random,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE)
            != 0)
            return QByteArray();
        return QByteArray(out);
    }();
    return encoded;
}

} // namespace

Result<QString> hash(const QByteArray &password)
{
    if (!ready())
        return makeError("password.crypto", QStringLiteral("the password library could not start"), 500);
    if (password.isEmpty())
        return makeError("password.empty", QStringLiteral("the password is empty"), 400);
    if (password.size() > 1024)
        return makeError("password.long", QStringLiteral("the password is longer than 1024 bytes"), 400);
    char out[crypto_pwhash_STRBYTES] = {};
    if (crypto_pwhash_str(out, password.constData(), quint64(password.size()), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0)
        return makeError("password.memory", QStringLiteral("not enough memory to hash the password"), 503);
    return QString::fromLatin1(out);
}

bool verify(const QString &encoded, const QByteArray &password)
{
    if (!ready() || password.size() > 1024)
        return false;
    const QByteArray stored = encoded.isEmpty() ? dummy() : encoded.toLatin1();
    if (stored.isEmpty())
        return false;
    const bool match
        = crypto_pwhash_str_verify(stored.constData(), password.constData(), quint64(password.size())) == 0;
    return match && !encoded.isEmpty();
}

void wipe(QByteArray &password)
{
    if (!password.isEmpty())
        sodium_memzero(password.data(), size_t(password.size()));
    password.clear();
}

} // namespace salesflow::password
