// Email: a raw RFC 5322 message (message/rfc822), parsed with GMime 3 — multipart/alternative
// and mixed, quoted-printable and base64, encoded-word headers, charsets converted to UTF-8 — or
// the JSON form {from, to, cc, subject, date, message_id, text, html, in_reply_to, references}.
// The text to enrich prefers text/plain, else HTML turned into readable text; quoted replies
// and signatures are trimmed from it; attachments are listed, not enriched.
#include "gmimeref.h"
#include "identity.h"
#include "inboundmail.h"
#include "intake.h"
#include "jsonutil.h"
#include "mailtext.h"
#include "textdecode.h"

#include <QRegularExpression>

#include <cstring>
#include <optional>

namespace salesflow::sources {

namespace {

QString takeString(char *s)
{
    const QString out = QString::fromUtf8(s ? s : "");
    g_free(s);
    return out;
}

} // namespace

/// Readable text from mail HTML: no scripts or styles, block ends as line breaks, no tags.
QString htmlToText(const QString &html)
{
    static const QRegularExpression dropped(QStringLiteral("<(script|style|head)\\b[^>]*>.*?</\\1\\s*>"),
                                            QRegularExpression::CaseInsensitiveOption
                                                | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression quoteBlock(QStringLiteral("<blockquote\\b.*?</blockquote\\s*>"),
                                               QRegularExpression::CaseInsensitiveOption
                                                   | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression breaks(QStringLiteral("<(br|/p|/div|/li|/tr|/h[1-6]|p|div)\\b[^>]*>"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    QString s = html;
    s.replace(dropped, QString());
    s.replace(quoteBlock, QString()); // quoted replies in HTML mail
    s.replace(QLatin1Char('\n'), QLatin1Char(' '));
    s.replace(breaks, QStringLiteral("\n"));
    s.replace(tags, QString());
    return tidy(decodeCharacterReferences(s));
}

/// Cuts quoted replies ("> …", "On … wrote:", Outlook's "-----Original Message-----" or
/// "From: … Sent: …" block) and the signature ("-- ", "Sent from my …") from a mail body.
QString trimReply(const QString &body)
{
    static const QRegularExpression wrote(
        QStringLiteral("^(On|Am|Le|El) .{4,200}(wrote|schrieb|a écrit|escribió):?\\s*$"));
    static const QRegularExpression outlook(QStringLiteral("^(-{2,}\\s*Original Message\\s*-{2,}|From: .+)$"),
                                            QRegularExpression::CaseInsensitiveOption);
    QStringList kept;
    const QStringList lines
        = QString(body).replace(QLatin1String("\r\n"), QLatin1String("\n")).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString l = lines[i];
        const QString joined = i + 1 < lines.size() ? l + QLatin1Char(' ') + lines[i + 1].trimmed() : l;
        if (l == QLatin1String("-- ") || l == QLatin1String("--") || l.startsWith(QLatin1String("Sent from my ")))
            break;
        if (wrote.match(l.trimmed()).hasMatch() || wrote.match(joined.trimmed()).hasMatch())
            break;
        if (outlook.match(l.trimmed()).hasMatch()
            && (l.contains(QLatin1String("Original Message"), Qt::CaseInsensitive)
                || lines.value(i + 1).startsWith(QLatin1String("Sent:"))))
            break;
        if (l.trimmed().startsWith(QLatin1Char('>')))
            continue;
        kept << l;
    }
    return tidy(kept.join(QLatin1Char('\n')));
}

namespace {

struct Walk
{
    QString plain, html;
    QJsonArray attachments;
};

void visit(GMimeObject *, GMimeObject *part, gpointer data)
{
    auto *w = static_cast<Walk *>(data);
    if (!GMIME_IS_PART(part))
        return;
    GMimePart *p = GMIME_PART(part);
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    const QString type = takeString(g_mime_content_type_get_mime_type(ct));
    if (g_mime_part_is_attachment(p) || !GMIME_IS_TEXT_PART(part)) {
        GObjectRef<GMimeStream> sink{g_mime_stream_null_new()};
        if (GMimeDataWrapper *content = g_mime_part_get_content(p))
            g_mime_data_wrapper_write_to_stream(content, sink.p);
        const char *name = g_mime_part_get_filename(p);
        w->attachments.append(QJsonObject{{QStringLiteral("filename"), QString::fromUtf8(name ? name : "")},
                                          {QStringLiteral("content_type"), type},
                                          {QStringLiteral("size"), qint64(GMIME_STREAM_NULL(sink.p)->written)}});
        return;
    }
    const QString text = takeString(g_mime_text_part_get_text(GMIME_TEXT_PART(part)));
    if (g_mime_content_type_is_type(ct, "text", "html")) {
        if (w->html.isEmpty())
            w->html = text;
    } else if (w->plain.isEmpty()) {
        w->plain = text;
    }
}

QStringList addresses(InternetAddressList *list, QStringList *names = nullptr)
{
    QStringList out;
    if (!list)
        return out;
    for (int i = 0; i < internet_address_list_length(list); ++i) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            const QString email
                = normaliseEmail(QString::fromUtf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))));
            if (!email.isEmpty()) {
                out << email;
                if (names)
                    *names << QString::fromUtf8(internet_address_get_name(a) ? internet_address_get_name(a) : "");
            }
        }
    }
    return out;
}

Normalised finish(const QString &subject, const QStringList &from, const QStringList &fromNames, const QStringList &to,
                  const QStringList &cc, const QString &plain, const QString &html, qint64 date)
{
    Normalised n;
    n.kind = QStringLiteral("email");
    n.subject = subject.trimmed();
    n.occurredAtMs = date;
    const QString body = !plain.trimmed().isEmpty() ? plain : htmlToText(html);
    n.text = trimReply(body);
    if (n.text.isEmpty())
        n.text = tidy(body); // everything was quoted: keep it rather than nothing
    // The prospect: the sender, unless the sender is one of us — then the first outside recipient.
    const QStringList own
        = qEnvironmentVariable("SALESFLOW_OWN_DOMAINS").toLower().split(QLatin1Char(','), Qt::SkipEmptyParts);
    auto outside = [&](const QString &e) { return !own.contains(e.section(QLatin1Char('@'), 1)); };
    const QString sender = from.value(0);
    if (sender.isEmpty()) {
        // No usable From: nobody to link (a recipient may be us or them); the text is kept.
    } else if (outside(sender)) {
        n.contactEmail = sender;
        const QString name = fromNames.value(0);
        n.actor = name.isEmpty() ? sender : QStringLiteral("%1 <%2>").arg(name, sender);
    } else {
        for (const QString &r : to + cc) {
            if (outside(r)) {
                n.contactEmail = r;
                break;
            }
        }
        n.actor = sender.isEmpty() ? n.contactEmail : sender;
    }
    n.companyDomain = companyDomainOf(n.contactEmail);
    n.attributes.insert(QStringLiteral("from"), QJsonArray::fromStringList(from));
    n.attributes.insert(QStringLiteral("to"), QJsonArray::fromStringList(to));
    if (!cc.isEmpty())
        n.attributes.insert(QStringLiteral("cc"), QJsonArray::fromStringList(cc));
    n.attributes.insert(QStringLiteral("body_format"),
                        !plain.trimmed().isEmpty() ? QStringLiteral("text") : QStringLiteral("html"));
    return n;
}

Result<Normalised> fromMessage(GMimeMessage *msg, int depth);

/// The Subject as RFC 2047 reads it (GMime 3.2 loses the words after one ending in '=' padding).
QString subjectOf(GMimeMessage *msg)
{
    GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(GMIME_OBJECT(msg)), "Subject");
    const char *raw = h ? g_mime_header_get_raw_value(h) : nullptr;
    return raw ? decodeHeaderText(QByteArray(raw)) : QString();
}

/// A message with a body that is itself a message (a forward sent as message/rfc822): the
/// embedded message, read as if sent directly, with who forwarded it.
std::optional<Result<Normalised>> forwarded(GMimeMessage *msg, const QStringList &from, int depth)
{
    GMimeObject *body = g_mime_message_get_mime_part(msg);
    if (!body || !GMIME_IS_MESSAGE_PART(body))
        return std::nullopt;
    GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(body));
    if (!inner || depth >= 5)
        return Result<Normalised>(
            parseError(QStringLiteral("email: the message/rfc822 body holds no readable message")));
    Result<Normalised> n = fromMessage(inner, depth + 1);
    if (n && !from.isEmpty())
        n->attributes.insert(QStringLiteral("forwarded_by"), from.first());
    return n;
}

/// The From mailboxes, display names decoded as RFC 2047 reads them (see joinEncodedWords).
QStringList senders(GMimeMessage *msg, QStringList *names)
{
    GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(GMIME_OBJECT(msg)), "From");
    const char *raw = h ? g_mime_header_get_raw_value(h) : nullptr;
    if (!raw || !strstr(raw, "=?"))
        return addresses(g_mime_message_get_from(msg), names);
    InternetAddressList *list = internet_address_list_parse(nullptr, joinEncodedWords(QByteArray(raw)).constData());
    const QStringList out = addresses(list, names);
    if (list)
        g_object_unref(list);
    return out;
}

Result<Normalised> fromMessage(GMimeMessage *msg, int depth)
{
    QStringList fromNames;
    const QStringList from = senders(msg, &fromNames);
    if (auto inner = forwarded(msg, from, depth))
        return *inner;
    Walk walk;
    g_mime_message_foreach(msg, visit, &walk);
    if (GMimeObject *body = g_mime_message_get_mime_part(msg);
        body && walk.plain.isEmpty() && walk.html.isEmpty() && walk.attachments.isEmpty())
        visit(nullptr, body, &walk); // a single-part message
    if (walk.plain.trimmed().isEmpty() && walk.html.trimmed().isEmpty() && walk.attachments.isEmpty())
        return parseError(QStringLiteral("email: the message has no text body"));
    GDateTime *date = g_mime_message_get_date(msg);
    Normalised n
        = finish(subjectOf(msg), from, fromNames, addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO)),
                 addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC)), walk.plain, walk.html,
                 date ? g_date_time_to_unix(date) * 1000 : 0);
    if (const char *id = g_mime_message_get_message_id(msg))
        n.attributes.insert(QStringLiteral("message_id"), QString::fromUtf8(id));
    for (const char *h : {"In-Reply-To", "References"}) {
        if (const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), h))
            n.attributes.insert(QString::fromLatin1(h).toLower().replace(QLatin1Char('-'), QLatin1Char('_')),
                                QString::fromUtf8(v).simplified());
    }
    if (!walk.attachments.isEmpty())
        n.attributes.insert(QStringLiteral("attachments"), walk.attachments);
    return n;
}

} // namespace

namespace {

/// The JSON form {from, to, cc, subject, date, message_id, text, html, in_reply_to, references}.
Result<Normalised> fromJsonForm(const QJsonObject &o)
{
    auto list = [&](const char *k) {
        QStringList out;
        const QJsonValue v = o.value(QLatin1String(k));
        for (const QJsonValue &e : v.isArray() ? v.toArray() : QJsonArray{v}) {
            const QString email = normaliseEmail(text(e));
            if (!email.isEmpty())
                out << email;
        }
        return out;
    };
    const QStringList from = list("from"); // none usable: normalised unlinked
    if (!o.value(QLatin1String("text")).isString() && !o.value(QLatin1String("html")).isString())
        return parseError(QStringLiteral("email: the JSON form needs \"text\" or \"html\""));
    const QString fromField = text(o.value(QLatin1String("from")));
    const QString fromName = fromField.contains(QLatin1Char('<'))
        ? fromField.section(QLatin1Char('<'), 0, 0).remove(QLatin1Char('"')).trimmed()
        : QString();
    Normalised n = finish(firstText(o, {"subject"}), from, {fromName}, list("to"), list("cc"),
                          o.value(QLatin1String("text")).toString(), o.value(QLatin1String("html")).toString(),
                          parseTimestamp(firstText(o, {"date"})));
    for (const char *k : {"message_id", "in_reply_to", "references"}) {
        if (!text(o.value(QLatin1String(k))).isEmpty())
            n.attributes.insert(QLatin1String(k), o.value(QLatin1String(k)));
    }
    return n;
}

/// A raw RFC 5322 message, through GMime.
Result<Normalised> fromRaw(const QByteArray &payload)
{
    ensureGMime();
    QString repair;
    const QByteArray message = tidyMessageHead(payload, &repair);
    GObjectRef<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(message.constData(), size_t(message.size()))};
    GObjectRef<GMimeParser> parser{g_mime_parser_new_with_stream(stream.p)};
    GObjectRef<GMimeMessage> msg{g_mime_parser_construct_message(parser.p, nullptr)};
    if (!msg.p)
        return parseError(QStringLiteral("email: not an RFC 5322 message (no header block could be read)"));
    auto n = fromMessage(msg.p, 0);
    if (n && !repair.isEmpty())
        n->attributes.insert(QStringLiteral("repaired"), repair);
    return n;
}

/// A mail service's webhook: the message it carries, with the service and what it listed.
Result<Normalised> fromService(const InboundMail &mail)
{
    auto n = mail.rawMime.isEmpty() ? fromJsonForm(mail.parsed) : fromRaw(mail.rawMime);
    if (!n)
        return n;
    n->attributes.insert(QStringLiteral("received_via"), mail.vendor);
    if (!mail.vendorId.isEmpty())
        n->attributes.insert(QStringLiteral("service_message_id"), mail.vendorId);
    if (!mail.attachments.isEmpty() && !n->attributes.contains(QLatin1String("attachments")))
        n->attributes.insert(QStringLiteral("attachments"), mail.attachments);
    return n;
}

} // namespace

Result<Normalised> parseEmail(const QByteArray &contentType, const QByteArray &payload)
{
    if (auto service = readInboundMail(contentType, payload))
        return *service ? fromService(service->value()) : Result<Normalised>(service->error());
    if (mediaType(contentType) == "application/json") {
        auto o = jsonObject(payload, "email");
        if (!o)
            return o.error();
        return fromJsonForm(o.value());
    }
    return fromRaw(payload);
}

} // namespace salesflow::sources
