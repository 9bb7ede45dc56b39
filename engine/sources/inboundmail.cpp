// Inbound-mail webhooks (inboundmail.h). Field names as the services document them:
// SendGrid Inbound Parse: email (raw MIME, "POST the raw, full MIME message"), else headers,
//   from, to, cc, subject, text, html, charsets (JSON: field -> charset), envelope, attachment files;
// Mailgun routes: body-mime (raw MIME, a URL ending in "mime"), else from, To, Cc, subject,
//   body-plain, body-html, Date, Message-Id, In-Reply-To, References, message-headers, attachment-N;
// Postmark inbound JSON: FromFull, ToFull, CcFull, Subject, Date, MessageID, TextBody, HtmlBody,
//   Headers [{Name, Value}], Attachments [{Name, ContentType, ContentLength}].
#include "inboundmail.h"

#include "gmimeref.h"
#include "intake.h"
#include "jsonutil.h"
#include "mailtext.h"
#include "textdecode.h"

#include <QUrlQuery>

namespace salesflow::sources {

namespace {

struct Field
{
    QString name;
    QByteArray value;
    QString fileName; ///< set for a file part (an attachment), whose value is not text
};

using Fields = QList<Field>;

const Field *find(const Fields &fields, const char *name)
{
    for (const Field &f : fields)
        if (f.fileName.isEmpty() && f.name.compare(QLatin1String(name), Qt::CaseInsensitive) == 0)
            return &f;
    return nullptr;
}

bool has(const Fields &fields, const char *name)
{
    return find(fields, name) != nullptr;
}

QByteArray partBytes(GMimeObject *part)
{
    GObjectRef<GMimeStream> out{g_mime_stream_mem_new()};
    if (GMIME_IS_PART(part)) {
        if (GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part)))
            g_mime_data_wrapper_write_to_stream(content, out.p); // transfer encoding undone
    } else if (GMIME_IS_MESSAGE_PART(part)) {
        if (GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part)))
            g_mime_object_write_to_stream(GMIME_OBJECT(m), nullptr, out.p);
    }
    return streamBytes(out.p);
}

/// A multipart/form-data body's fields, read by GMime (RFC 7578 is MIME multipart).
Result<Fields> multipartFields(const QByteArray &contentType, const QByteArray &payload)
{
    ensureGMime();
    const QByteArray whole = "Content-Type: " + contentType + "\r\n\r\n" + payload;
    GObjectRef<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(whole.constData(), size_t(whole.size()))};
    GObjectRef<GMimeParser> parser{g_mime_parser_new_with_stream(stream.p)};
    GObjectRef<GMimeObject> root{g_mime_parser_construct_part(parser.p, nullptr)};
    if (!root.p || !GMIME_IS_MULTIPART(root.p))
        return parseError(QStringLiteral("email: the multipart/form-data body cannot be read (its Content-Type "
                                         "needs the boundary parameter)"));
    Fields out;
    GMimeMultipart *parts = GMIME_MULTIPART(root.p);
    for (int i = 0; i < g_mime_multipart_get_count(parts); ++i) {
        GMimeObject *part = g_mime_multipart_get_part(parts, i);
        const char *name = g_mime_object_get_content_disposition_parameter(part, "name");
        const char *file = g_mime_object_get_content_disposition_parameter(part, "filename");
        if (!name && !file)
            continue; // not a form field (RFC 7578 §4.2 requires a name)
        out.append({QString::fromUtf8(name ? name : ""), file ? QByteArray() : partBytes(part),
                    QString::fromUtf8(file ? file : "")});
    }
    if (out.isEmpty())
        return parseError(QStringLiteral("email: the multipart/form-data body has no fields"));
    return out;
}

Fields urlencodedFields(const QByteArray &payload)
{
    Fields out;
    const QUrlQuery q(QString::fromLatin1(QByteArray(payload).replace('+', ' ')));
    for (const auto &[k, v] : q.queryItems(QUrl::FullyDecoded))
        out.append({k, v.toUtf8(), {}});
    return out;
}

/// A field as text: in the charset SendGrid names for it in `charsets`, else UTF-8 (or what the
/// bytes say they are when they are not UTF-8).
QString fieldText(const Fields &fields, const char *name, const QJsonObject &charsets = {})
{
    const Field *f = find(fields, name);
    if (!f)
        return {};
    const QByteArray declared = charsets.value(QLatin1String(name)).toString().toLatin1();
    QString used;
    return decodeUnknownText(f->value, declared, &used);
}

QJsonArray fileNames(const Fields &fields)
{
    QJsonArray out;
    for (const Field &f : fields)
        if (!f.fileName.isEmpty())
            out.append(f.fileName);
    return out;
}

/// Message-ID, Date, In-Reply-To and References from a block of header lines, read by GMime.
QJsonObject headerFacts(const QByteArray &headerBlock)
{
    ensureGMime();
    const QByteArray message = headerBlock + "\r\n\r\n";
    GObjectRef<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(message.constData(), size_t(message.size()))};
    GObjectRef<GMimeParser> parser{g_mime_parser_new_with_stream(stream.p)};
    GObjectRef<GMimeMessage> msg{g_mime_parser_construct_message(parser.p, nullptr)};
    QJsonObject out;
    if (!msg.p)
        return out;
    const std::pair<const char *, const char *> wanted[] = {
        {"Message-ID", "message_id"}, {"Date", "date"}, {"In-Reply-To", "in_reply_to"}, {"References", "references"}};
    for (const auto &[header, key] : wanted)
        if (const char *v = g_mime_object_get_header(GMIME_OBJECT(msg.p), header))
            out.insert(QLatin1String(key), QString::fromUtf8(v).simplified());
    return out;
}

/// "a@x, "B, Inc" <b@y>" as a list of addresses (GMime reads the RFC 5322 address list).
QJsonArray addressList(const QString &text)
{
    ensureGMime();
    QJsonArray out;
    const QByteArray utf8 = text.toUtf8();
    InternetAddressList *list = internet_address_list_parse(nullptr, utf8.constData());
    if (!list)
        return out;
    for (int i = 0; i < internet_address_list_length(list); ++i) {
        char *s = internet_address_to_string(internet_address_list_get_address(list, i), nullptr, FALSE);
        out.append(QString::fromUtf8(s));
        g_free(s);
    }
    g_object_unref(list);
    return out;
}

/// The Message-ID as the header has it ("<id@host>"), the form the door keys raw messages by.
QString messageIdOf(const QJsonObject &facts)
{
    return facts.value(QLatin1String("message_id")).toString().trimmed();
}

/// The parsed form's Message-ID: the header form ("<id@host>") keys the event like a raw
/// message's; the attribute holds the bare id, as for a message read by GMime.
void settleMessageId(InboundMail &m)
{
    m.messageId = messageIdOf(m.parsed);
    QString bare = m.messageId;
    if (bare.startsWith(QLatin1Char('<')) && bare.endsWith(QLatin1Char('>')))
        bare = bare.mid(1, bare.size() - 2);
    if (!bare.isEmpty())
        m.parsed.insert(QStringLiteral("message_id"), bare);
}

/// A raw message a service posted whole: its Message-ID read from its own header.
Result<InboundMail> wholeMessage(const QString &vendor, const Field &field)
{
    if (field.value.trimmed().isEmpty())
        return parseError(QStringLiteral("email: the %1 field \"%2\" is empty").arg(vendor, field.name));
    InboundMail m;
    m.vendor = vendor;
    m.rawMime = field.value;
    m.messageId = rawMessageId(field.value); // its head only: the message is parsed at normalise
    return m;
}

Result<InboundMail> sendgrid(const Fields &fields)
{
    if (const Field *raw = find(fields, "email"))
        return wholeMessage(QStringLiteral("sendgrid"), *raw);
    const QJsonObject charsets
        = QJsonDocument::fromJson(find(fields, "charsets") ? find(fields, "charsets")->value : QByteArray()).object();
    InboundMail m;
    m.vendor = QStringLiteral("sendgrid");
    m.parsed = headerFacts(fieldText(fields, "headers").toUtf8());
    m.parsed.insert(QStringLiteral("from"), fieldText(fields, "from", charsets));
    m.parsed.insert(QStringLiteral("to"), addressList(fieldText(fields, "to", charsets)));
    m.parsed.insert(QStringLiteral("cc"), addressList(fieldText(fields, "cc", charsets)));
    m.parsed.insert(QStringLiteral("subject"), fieldText(fields, "subject", charsets));
    m.parsed.insert(QStringLiteral("text"), fieldText(fields, "text", charsets));
    m.parsed.insert(QStringLiteral("html"), fieldText(fields, "html", charsets));
    settleMessageId(m);
    m.attachments = fileNames(fields);
    return m;
}

Result<InboundMail> mailgun(const Fields &fields)
{
    if (const Field *raw = find(fields, "body-mime"))
        return wholeMessage(QStringLiteral("mailgun"), *raw);
    InboundMail m;
    m.vendor = QStringLiteral("mailgun");
    m.parsed.insert(QStringLiteral("from"), fieldText(fields, "from"));
    m.parsed.insert(QStringLiteral("to"), addressList(fieldText(fields, "To")));
    m.parsed.insert(QStringLiteral("cc"), addressList(fieldText(fields, "Cc")));
    m.parsed.insert(QStringLiteral("subject"), fieldText(fields, "subject"));
    m.parsed.insert(QStringLiteral("text"), fieldText(fields, "body-plain"));
    m.parsed.insert(QStringLiteral("html"), fieldText(fields, "body-html"));
    const std::pair<const char *, const char *> headers[] = {
        {"Message-Id", "message_id"}, {"Date", "date"}, {"In-Reply-To", "in_reply_to"}, {"References", "references"}};
    for (const auto &[field, key] : headers)
        if (has(fields, field))
            m.parsed.insert(QLatin1String(key), fieldText(fields, field).simplified());
    settleMessageId(m);
    m.attachments = fileNames(fields);
    return m;
}

/// A post with no words and no files is not a mail anybody sent.
Result<InboundMail> withBody(Result<InboundMail> m, const char *fields)
{
    if (m && m->rawMime.isEmpty() && m->attachments.isEmpty()
        && m->parsed.value(QLatin1String("text")).toString().trimmed().isEmpty()
        && m->parsed.value(QLatin1String("html")).toString().trimmed().isEmpty())
        return parseError(
            QStringLiteral("email: the %1 post has no message: %2 are empty").arg(m->vendor, QLatin1String(fields)));
    return m;
}

bool isMailgun(const Fields &f)
{
    return has(f, "body-mime") || (has(f, "body-plain") && (has(f, "message-headers") || has(f, "recipient")));
}

bool isSendgrid(const Fields &f)
{
    return (has(f, "envelope") || has(f, "charsets")) && (has(f, "email") || has(f, "text") || has(f, "html"));
}

std::optional<Result<InboundMail>> fromFields(const Result<Fields> &fields)
{
    if (!fields)
        return Result<InboundMail>(fields.error());
    if (isMailgun(fields.value()))
        return withBody(mailgun(fields.value()), "body-mime, body-plain and body-html");
    if (isSendgrid(fields.value()))
        return withBody(sendgrid(fields.value()), "email, text and html");
    return Result<InboundMail>(
        parseError(QStringLiteral("email: a form post is read as SendGrid Inbound Parse (fields envelope, charsets "
                                  "and email or text/html) or a Mailgun route (body-mime, or body-plain with "
                                  "message-headers); this one has neither")));
}

QString mailbox(const QJsonObject &full)
{
    const QString email = full.value(QLatin1String("Email")).toString();
    const QString name = full.value(QLatin1String("Name")).toString();
    return name.isEmpty() ? email : QStringLiteral("\"%1\" <%2>").arg(QString(name).remove(QLatin1Char('"')), email);
}

QJsonArray mailboxes(const QJsonValue &fullList)
{
    QJsonArray out;
    for (const QJsonValue &v : fullList.toArray())
        out.append(mailbox(v.toObject()));
    return out;
}

Result<InboundMail> postmark(const QJsonObject &o)
{
    InboundMail m;
    m.vendor = QStringLiteral("postmark");
    QByteArray headerBlock;
    for (const QJsonValue &h : o.value(QLatin1String("Headers")).toArray())
        headerBlock += h[QLatin1String("Name")].toString().toUtf8() + ": "
            + h[QLatin1String("Value")].toString().toUtf8() + "\r\n";
    m.parsed = headerFacts(headerBlock);
    const QJsonObject from = o.value(QLatin1String("FromFull")).toObject();
    m.parsed.insert(QStringLiteral("from"), from.isEmpty() ? firstText(o, {"From"}) : mailbox(from));
    m.parsed.insert(QStringLiteral("to"), mailboxes(o.value(QLatin1String("ToFull"))));
    m.parsed.insert(QStringLiteral("cc"), mailboxes(o.value(QLatin1String("CcFull"))));
    m.parsed.insert(QStringLiteral("subject"), firstText(o, {"Subject"}));
    m.parsed.insert(QStringLiteral("text"), o.value(QLatin1String("TextBody")).toString());
    m.parsed.insert(QStringLiteral("html"), o.value(QLatin1String("HtmlBody")).toString());
    if (!m.parsed.contains(QLatin1String("date")))
        m.parsed.insert(QStringLiteral("date"), firstText(o, {"Date"}));
    settleMessageId(m);
    m.vendorId = firstText(o, {"MessageID"});
    for (const QJsonValue &a : o.value(QLatin1String("Attachments")).toArray())
        m.attachments.append(a[QLatin1String("Name")].toString());
    if (m.parsed.value(QLatin1String("text")).toString().isEmpty()
        && m.parsed.value(QLatin1String("html")).toString().isEmpty() && m.attachments.isEmpty())
        return parseError(QStringLiteral("email: the Postmark message has neither TextBody nor HtmlBody"));
    return m;
}

} // namespace

std::optional<Result<InboundMail>> readInboundMail(const QByteArray &contentType, const QByteArray &payload)
{
    const QByteArray type = mediaType(contentType);
    if (type == "multipart/form-data")
        return fromFields(multipartFields(contentType, payload));
    if (type == "application/x-www-form-urlencoded")
        return fromFields(urlencodedFields(payload));
    if (type != "application/json" || !payload.contains("\"MessageID\""))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(payload).object();
    if (!o.contains(QLatin1String("FromFull")) && !o.contains(QLatin1String("TextBody"))
        && !o.contains(QLatin1String("HtmlBody")))
        return std::nullopt;
    return postmark(o);
}

} // namespace salesflow::sources
