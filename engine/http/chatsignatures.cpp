#include "chatsignatures.h"

#include "../core/ids.h"

#include <QMessageAuthenticationCode>

namespace salesflow::http {

namespace {

Error unsigned401(const QString &message)
{
    return Error{QStringLiteral("auth.bad_signature"), message, 401};
}

/// One platform's check: the secret configured, the signature as sent, and what it signs.
Result<Caller> check(const QString &platform, const char *secretVariable, const QByteArray &secret,
                     const QByteArray &sent, QByteArray expected)
{
    if (secret.isEmpty())
        return unsigned401(QStringLiteral("%1 webhooks are not configured: set %2, or send an ingest token")
                               .arg(platform, QLatin1String(secretVariable)));
    if (!ids::sameInConstantTime(expected, sent.trimmed()))
        return unsigned401(QStringLiteral("the %1 signature does not match this body").arg(platform));
    return Caller::webhook(platform.toLower() + QStringLiteral("-webhook"));
}

QByteArray hmac(QCryptographicHash::Algorithm a, const QByteArray &secret, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, secret, a);
}

} // namespace

std::optional<Result<Caller>> verifyChatSignature(const ChatWebhookSecrets &secrets, const Request &request)
{
    const QByteArray &body = request.body;
    if (const QByteArray sent = request.header("X-Hub-Signature"); !sent.isEmpty()) {
        QByteArray expected("sha1=");
        expected += hmac(QCryptographicHash::Sha1, secrets.intercom, body).toHex();
        return check(QStringLiteral("Intercom"), "INTERCOM_CLIENT_SECRET", secrets.intercom, sent, expected);
    }
    if (const QByteArray sent = request.header("X-Front-Signature"); !sent.isEmpty()) {
        QByteArray signedText = request.header("X-Front-Request-Timestamp");
        signedText += ':';
        signedText += body;
        return check(QStringLiteral("Front"), "FRONT_APP_SECRET", secrets.front, sent,
                     hmac(QCryptographicHash::Sha256, secrets.front, signedText).toBase64());
    }
    if (const QByteArray sent = request.header("X-Zendesk-Webhook-Signature"); !sent.isEmpty()) {
        QByteArray signedText = request.header("X-Zendesk-Webhook-Signature-Timestamp");
        signedText += body;
        return check(QStringLiteral("Zendesk"), "ZENDESK_WEBHOOK_SECRET", secrets.zendesk, sent,
                     hmac(QCryptographicHash::Sha256, secrets.zendesk, signedText).toBase64());
    }
    return std::nullopt;
}

} // namespace salesflow::http
