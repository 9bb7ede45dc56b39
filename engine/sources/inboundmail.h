#pragma once
// Inbound-mail services' webhooks, as they post them to /v1/events/email: SendGrid Inbound Parse
// and Mailgun routes (multipart/form-data or url-encoded fields, the raw MIME message in
// `email` / `body-mime` when so configured) and Postmark's inbound JSON. Stored raw like any
// email; read here into the message they carry.

#include "../api/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace salesflow::sources {

struct InboundMail
{
    QString vendor; ///< sendgrid | mailgun | postmark
    /// The message exactly as received, when the service posted it whole; else empty.
    QByteArray rawMime;
    /// Else the service's parsed fields as the email JSON form {from, to, cc, subject, date,
    /// message_id, in_reply_to, references, text, html}.
    QJsonObject parsed;
    QString messageId; ///< the Message-ID header (the dedup key), empty when the mail had none
    QString vendorId; ///< the service's own id of the message (Postmark's MessageID), if any
    QJsonArray attachments; ///< file names the service listed beside the fields
};

/// nullopt when the body is not a service's webhook (the email JSON form, a raw message);
/// a 400-style parse error when it is one but cannot be read (no message in it, a broken
/// multipart body) — said in words that name the service and the field.
std::optional<Result<InboundMail>> readInboundMail(const QByteArray &contentType, const QByteArray &payload);

} // namespace salesflow::sources
