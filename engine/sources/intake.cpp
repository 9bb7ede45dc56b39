#include "intake.h"

#include "chatwebhooks.h"
#include "inboundmail.h"
#include "mailtext.h"

#include <QJsonDocument>

#include "../core/ids.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace salesflow::sources {

namespace {

using json = nlohmann::json;

constexpr int kMaxJsonDepth = 64;

const QStringList kSources = {QStringLiteral("form"), QStringLiteral("email"),   QStringLiteral("transcript"),
                              QStringLiteral("chat"), QStringLiteral("product"), QStringLiteral("hubspot")};

bool isJsonType(const QByteArray &t)
{
    return t == "application/json" || (t.startsWith("application/") && t.endsWith("+json"));
}

QList<QByteArray> acceptedTypes(const QString &source)
{
    if (source == QLatin1String("form"))
        return {"application/json", "application/x-www-form-urlencoded"};
    if (source == QLatin1String("email"))
        return {"message/rfc822", "application/json", "multipart/form-data", "application/x-www-form-urlencoded"};
    if (source == QLatin1String("transcript"))
        return {"text/vtt", "application/x-subrip", "text/srt", "text/plain", "application/json"};
    return {"application/json"};
}

Error badRequest(const QString &msg)
{
    return Error{QStringLiteral("ingest.malformed"), msg, 400};
}

/// Any nlohmann error: a syntax error (with its byte offset) or an out-of-range number such as
/// 6e46665 (found by the fuzzer: it is not a parse_error and must not escape).
QString jsonError(const json::exception &e)
{
    if (const auto *pe = dynamic_cast<const json::parse_error *>(&e))
        return QStringLiteral("payload is not valid JSON: %1 (at byte %2)")
            .arg(QString::fromUtf8(pe->what()))
            .arg(pe->byte);
    return QStringLiteral("payload is not valid JSON: %1").arg(QString::fromUtf8(e.what()));
}

/// True when the JSON text nests arrays and objects deeper than `limit` (strings are skipped).
/// One pass, no allocation: checked before parsing, because everything that walks a parsed tree
/// (a copy, dump(), the destructor) recurses, and a tree 60,000 levels deep overflows a stack.
bool nestsDeeperThan(const QByteArray &text, int limit)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

/// Untrusted JSON, parsed: a 400 for a syntax error (with its offset), an out-of-range number,
/// or nesting deeper than kMaxJsonDepth.
Result<json> parseJson(const QByteArray &text)
{
    if (nestsDeeperThan(text, kMaxJsonDepth))
        return badRequest(
            QStringLiteral("payload nests arrays or objects more than %1 levels deep").arg(kMaxJsonDepth));
    try {
        return json::parse(text.constBegin(), text.constEnd());
    } catch (const json::exception &e) {
        return badRequest(jsonError(e));
    }
}

/// True when `text` holds a control character (U+0000–U+001F, U+007F): ids and keys are stored
/// and shown as text, and PostgreSQL text cannot hold U+0000 at all.
bool hasControl(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

QString str(const json &o, std::initializer_list<const char *> keys)
{
    if (!o.is_object())
        return {};
    for (const char *k : keys) {
        auto it = o.find(k);
        if (it == o.end())
            continue;
        if (it->is_string() && !it->get_ref<const std::string &>().empty())
            return QString::fromStdString(it->get<std::string>());
        if (it->is_number_integer())
            return QString::number(it->get<qint64>());
    }
    return {};
}

QString hubspotCompositeKey(const json &e)
{
    // reference/hubspot/NOTES.md §11.5: eventId alone is not unique.
    auto field = [&](const char *k) -> QString {
        auto it = e.find(k);
        if (it == e.end() || it->is_null())
            return {};
        return it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString::fromStdString(it->dump());
    };
    QStringList parts;
    for (const char *k :
         {"portalId", "subscriptionId", "objectId", "subscriptionType", "propertyName", "propertyValue", "occurredAt"})
        parts << field(k);
    // Conversations: two messages of one thread differ only by messageId (appended only when
    // present, so the keys of events stored before it was added stay the same).
    if (!field("messageId").isEmpty())
        parts << field("messageId");
    return QString::fromLatin1(ids::sha256Hex(parts.join(QChar(0x1f)).toUtf8()));
}

/// A mail service's post is the message it carries: its Message-ID (the same mail through two
/// services, or a retry, is one event), else the service's own id of it.
QString serviceMailKey(const InboundMail &mail)
{
    if (!mail.messageId.isEmpty())
        return QStringLiteral("message-id:") + mail.messageId;
    if (!mail.vendorId.isEmpty())
        return mail.vendor + QStringLiteral("-id:") + mail.vendorId;
    return {};
}

/// A chat platform's delivery keyed by the platform's id of it (the same id on every retry);
/// empty for the chat form or a delivery without one (then a hash of the payload).
Result<QString> chatDeliveryKey(const QByteArray &payload)
{
    // Most chat posts are the chat form itself: parsed a second time only when a platform's mark
    // is in it (Intercom, Zendesk, Front: readChatWebhook's shapes).
    if (!payload.contains("notification_event") && !payload.contains("zen:event-type:")
        && !payload.contains("zendesk_ticket") && !payload.contains("\"target\""))
        return QString();
    const QJsonObject doc = QJsonDocument::fromJson(payload).object();
    auto delivery = readChatWebhook(doc);
    if (!delivery)
        return QString();
    if (!*delivery)
        return badRequest(delivery->error().message);
    const ChatDelivery &d = delivery->value();
    return d.deliveryId.isEmpty() ? QString() : d.vendor + QStringLiteral("-delivery:") + d.deliveryId;
}

} // namespace

bool isKnownSource(const QString &source)
{
    return kSources.contains(source);
}

QStringList knownSources()
{
    return kSources;
}

QByteArray contentTypeForFile(const QString &fileName)
{
    if (fileName.endsWith(QLatin1String(".eml")))
        return "message/rfc822";
    if (fileName.endsWith(QLatin1String(".vtt")))
        return "text/vtt";
    if (fileName.endsWith(QLatin1String(".srt")))
        return "application/x-subrip";
    if (fileName.endsWith(QLatin1String(".urlencoded")))
        return "application/x-www-form-urlencoded";
    return "application/json";
}

QByteArray mediaType(const QByteArray &contentType)
{
    const qsizetype semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.left(semi)).trimmed().toLower();
}

namespace {

/// The source is known, the content type is one it takes, and there is a body.
Status checkAdmissible(const IngestItem &item, const QByteArray &type)
{
    if (!isKnownSource(item.source))
        return Error{QStringLiteral("ingest.unknown_source"),
                     QStringLiteral("unknown source '%1'; known sources: %2")
                         .arg(item.source, kSources.join(QStringLiteral(", "))),
                     404};
    if (type.isEmpty())
        return Error{QStringLiteral("ingest.content_type"),
                     QStringLiteral("a Content-Type header is required for source '%1'").arg(item.source), 415};
    if (!acceptedTypes(item.source).contains(type)) {
        QStringList accepted;
        for (const QByteArray &t : acceptedTypes(item.source))
            accepted << QString::fromLatin1(t);
        return Error{QStringLiteral("ingest.content_type"),
                     QStringLiteral("content type '%1' is not accepted for source '%2'; use one of: %3")
                         .arg(QString::fromLatin1(type), item.source, accepted.join(QStringLiteral(", "))),
                     415};
    }
    if (item.payload.trimmed().isEmpty())
        return badRequest(QStringLiteral("the request body is empty"));
    return Done{};
}

/// A mail service's or chat platform's webhook, keyed by what it carries; empty for anything else.
Result<QString> webhookKey(const IngestItem &item, const QByteArray &type)
{
    if (item.source == QLatin1String("email") && type != "message/rfc822") {
        if (auto service = readInboundMail(item.contentType, item.payload)) {
            if (!*service)
                return badRequest(service->error().message);
            return serviceMailKey(service->value());
        }
    }
    if (item.source == QLatin1String("chat") && isJsonType(type))
        return chatDeliveryKey(item.payload);
    return QString();
}

/// A JSON payload, checked, and the source's natural id in it (empty when it has none).
Result<QString> jsonNaturalKey(const IngestItem &item)
{
    auto parsed = parseJson(item.payload);
    if (!parsed)
        return parsed.error();
    const json &doc = parsed.value();
    if (!doc.is_object() && !(item.source == QLatin1String("product") && doc.is_array())
        && !(item.source == QLatin1String("transcript") && doc.is_array()))
        return badRequest(QStringLiteral("payload must be a JSON object for source '%1'").arg(item.source));
    const auto prefixed = [](const QString &kind, const QString &id) { return id.isEmpty() ? id : kind + id; };
    if (item.source == QLatin1String("product"))
        return prefixed(QStringLiteral("messageId:"), str(doc, {"messageId"}));
    if (item.source == QLatin1String("form"))
        return prefixed(QStringLiteral("submission:"), str(doc, {"submission_id", "submissionId", "conversionId"}));
    if (item.source == QLatin1String("email"))
        return prefixed(QStringLiteral("message-id:"), str(doc, {"message_id", "messageId"}));
    if (item.source == QLatin1String("hubspot"))
        return QString(QStringLiteral("event:") + hubspotCompositeKey(doc));
    return QString();
}

/// The source's natural id: a webhook's, a JSON payload's, or a raw message's Message-ID.
Result<QString> naturalKey(const IngestItem &item, const QByteArray &type)
{
    auto natural = webhookKey(item, type);
    if (!natural || !natural->isEmpty())
        return natural;
    if (isJsonType(type))
        return jsonNaturalKey(item);
    if (type == "message/rfc822") {
        const QString id = rawMessageId(item.payload);
        return id.isEmpty() ? id : QStringLiteral("message-id:") + id;
    }
    return QString();
}

} // namespace

Result<QString> admit(const IngestItem &item)
{
    const QByteArray type = mediaType(item.contentType);
    if (Status ok = checkAdmissible(item, type); !ok)
        return ok.error();
    const QString prefix = item.source + QLatin1Char(':');
    if (!item.idempotencyKey.isEmpty()) {
        if (item.idempotencyKey.size() > 255)
            return badRequest(QStringLiteral("Idempotency-Key is longer than 255 bytes"));
        if (hasControl(QString::fromUtf8(item.idempotencyKey)))
            return badRequest(QStringLiteral("Idempotency-Key holds control characters; send printable text"));
        return QString(prefix + QStringLiteral("key:") + QString::fromUtf8(item.idempotencyKey));
    }
    auto found = naturalKey(item, type);
    if (!found)
        return found.error();
    QString natural = found.value();
    if (hasControl(natural)) {
        return badRequest(QStringLiteral("the event's id (%1) holds control characters such as U+0000; send "
                                         "printable text")
                              .arg(natural.section(QLatin1Char(':'), 0, 0)));
    }
    // A natural id longer than an index entry should hold is kept as its hash: still the same key
    // for the same id, and never refused by the store.
    if (natural.size() > 200)
        natural = natural.section(QLatin1Char(':'), 0, 0) + QStringLiteral(":sha256:")
            + QString::fromLatin1(ids::sha256Hex(natural.toUtf8()));
    if (!natural.isEmpty())
        return QString(prefix + natural);
    return QString(prefix + QStringLiteral("sha256:") + QString::fromLatin1(ids::sha256Hex(item.payload)));
}

/// A Segment batch ({"batch": [...], "context": {...}}) becomes one event per message, each
/// deduplicated by its own messageId; the batch's context is merged into each message's (the
/// message's own keys win).
static Result<QList<IngestItem>> explodeSegmentBatch(const IngestItem &item)
{
    auto parsed = parseJson(item.payload);
    if (!parsed)
        return parsed.error();
    json doc = std::move(parsed).value();
    if (!doc.is_object() || !doc.contains("batch"))
        return QList<IngestItem>{item};
    const json &batch = doc["batch"];
    if (!batch.is_array() || batch.empty())
        return badRequest(QStringLiteral("a Segment batch needs a non-empty \"batch\" array"));
    QList<IngestItem> out;
    for (size_t i = 0; i < batch.size(); ++i) {
        if (!batch[i].is_object())
            return badRequest(QStringLiteral("batch[%1] of the Segment batch is not an object").arg(i));
        json message = batch[i];
        if (doc.contains("context") && doc["context"].is_object()) {
            // The batch's context is every message's; a message's own keys win.
            json merged = doc["context"];
            if (message.contains("context") && message["context"].is_object())
                for (auto it = message["context"].begin(); it != message["context"].end(); ++it)
                    merged[it.key()] = it.value();
            message["context"] = std::move(merged);
        }
        IngestItem e = item;
        e.payload = QByteArray::fromStdString(message.dump());
        if (!item.idempotencyKey.isEmpty())
            e.idempotencyKey = item.idempotencyKey + '#' + QByteArray::number(qulonglong(i));
        out.append(e);
    }
    return out;
}

Result<QList<IngestItem>> explode(const IngestItem &item)
{
    if (item.source == QLatin1String("product") && isJsonType(mediaType(item.contentType))
        && item.payload.contains("\"batch\""))
        return explodeSegmentBatch(item);
    if (item.source != QLatin1String("hubspot") || !isJsonType(mediaType(item.contentType)))
        return QList<IngestItem>{item};
    auto parsed = parseJson(item.payload);
    if (!parsed)
        return parsed.error();
    json doc = std::move(parsed).value();
    if (doc.is_object())
        return QList<IngestItem>{item};
    if (!doc.is_array())
        return badRequest(QStringLiteral("a HubSpot delivery is a JSON array of subscription events"));
    if (doc.empty())
        return badRequest(QStringLiteral("the HubSpot delivery is an empty array"));
    QList<IngestItem> out;
    for (size_t i = 0; i < doc.size(); ++i) {
        if (!doc[i].is_object())
            return badRequest(QStringLiteral("element %1 of the HubSpot delivery is not an object").arg(i));
        IngestItem e = item;
        e.payload = QByteArray::fromStdString(doc[i].dump());
        // An Idempotency-Key names the whole delivery; each element gets its own key.
        if (!item.idempotencyKey.isEmpty())
            e.idempotencyKey = item.idempotencyKey + '#' + QByteArray::number(qulonglong(i));
        out.append(e);
    }
    return out;
}

Result<QList<IngestItem>> splitBatch(const QString &source, const QByteArray &body)
{
    auto parsed = parseJson(body);
    if (!parsed)
        return parsed.error();
    json doc = std::move(parsed).value();
    if (!doc.is_array())
        return badRequest(QStringLiteral("a batch is a JSON array of events"));
    if (doc.empty())
        return badRequest(QStringLiteral("the batch is empty"));
    if (doc.size() > 1000)
        return Error{QStringLiteral("ingest.batch_too_large"),
                     QStringLiteral("a batch holds at most 1000 events (got %1)").arg(doc.size()), 413};
    QList<IngestItem> out;
    for (const json &e : doc) {
        IngestItem item;
        item.source = source;
        if (e.is_string()) {
            item.payload = QByteArray::fromStdString(e.get<std::string>());
            if (source == QLatin1String("email"))
                item.contentType = "message/rfc822";
            else if (source == QLatin1String("transcript"))
                item.contentType = item.payload.trimmed().startsWith("WEBVTT") ? "text/vtt" : "application/x-subrip";
            else
                item.contentType = "text/plain"; // refused by admit() with a clear 415 for JSON sources
        } else {
            item.contentType = "application/json";
            item.payload = QByteArray::fromStdString(e.dump());
        }
        out.append(item);
    }
    return out;
}

} // namespace salesflow::sources
