#include "webhooksignature.h"

#include "../core/ids.h"

#include <QMessageAuthenticationCode>

namespace salesflow::hubspot {

QByteArray signatureV3(const QByteArray &secret, const QByteArray &method, const QByteArray &uri,
                       const QByteArray &body, const QByteArray &timestamp)
{
    return QMessageAuthenticationCode::hash(method + canonicalUri(uri) + body + timestamp, secret,
                                            QCryptographicHash::Sha256)
        .toBase64();
}

QByteArray canonicalUri(const QByteArray &uri)
{
    static const struct
    {
        const char *escape;
        char ch;
    } decoded[] = {{"%3A", ':'},  {"%2F", '/'}, {"%3F", '?'}, {"%40", '@'}, {"%21", '!'}, {"%24", '$'},
                   {"%27", '\''}, {"%28", '('}, {"%29", ')'}, {"%2A", '*'}, {"%2C", ','}, {"%3B", ';'}};
    QByteArray out;
    out.reserve(uri.size());
    for (qsizetype i = 0; i < uri.size(); ++i) {
        if (uri[i] == '%' && i + 2 < uri.size()) {
            const QByteArray esc = uri.mid(i, 3).toUpper();
            bool hit = false;
            for (const auto &d : decoded) {
                if (esc == d.escape) {
                    out += d.ch;
                    i += 2;
                    hit = true;
                    break;
                }
            }
            if (hit)
                continue;
        }
        out += uri[i];
    }
    return out;
}

Status verifyV3(const QByteArray &secret, const QByteArray &method, const QByteArray &uri, const QByteArray &body,
                const QByteArray &timestamp, const QByteArray &signature, qint64 nowMs)
{
    auto unauthorized = [](const QString &msg) { return Error{QStringLiteral("auth.bad_signature"), msg, 401}; };
    if (secret.isEmpty())
        return unauthorized(QStringLiteral("HubSpot webhooks are not configured: set HUBSPOT_CLIENT_SECRET"));
    if (signature.isEmpty() || timestamp.isEmpty())
        return unauthorized(QStringLiteral("missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp"));
    bool ok = false;
    const qint64 ts = timestamp.toLongLong(&ok);
    if (!ok)
        return unauthorized(QStringLiteral("X-HubSpot-Request-Timestamp is not epoch milliseconds"));
    // HubSpot's rule: reject a timestamp more than 5 minutes old; one from the future is no
    // better (a captured delivery with a forged clock), so the window is |now − timestamp|.
    if (qAbs(nowMs - ts) > 300000)
        return unauthorized(QStringLiteral("X-HubSpot-Request-Timestamp is more than 5 minutes from now"));
    const QByteArray expected = signatureV3(secret, method, uri, body, timestamp);
    if (!ids::sameInConstantTime(expected, signature))
        return unauthorized(QStringLiteral("the HubSpot v3 signature does not match"));
    return Done{};
}

} // namespace salesflow::hubspot
