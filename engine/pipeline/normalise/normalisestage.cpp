#include "normalisestage.h"

#include "../../api/types.h"
#include "../../sources/normalised.h"
#include "../../store/entityrepository.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::pipeline {

Result<sources::Normalised> NormaliseStage::parse(const store::Rows &raw, store::Connection &conn) const
{
    if (raw.text(0, 0) == QLatin1String("hubspot")) {
        if (auto chat = m_conversations.chatFormFor(raw.bytes(0, 2), conn)) {
            if (!*chat)
                return chat->error();
            auto n = sources::parseChat(chat->value());
            if (n) {
                const QJsonObject event = QJsonDocument::fromJson(raw.bytes(0, 2)).object();
                n->attributes.insert(QStringLiteral("received_via"), QStringLiteral("hubspot"));
                n->attributes.insert(QStringLiteral("hubspot_message_id"), event.value(QLatin1String("messageId")));
                n->attributes.insert(QStringLiteral("message_type"), event.value(QLatin1String("messageType")));
            }
            return n;
        }
    }
    return sources::normalise(raw.text(0, 0), raw.bytes(0, 1), raw.bytes(0, 2));
}

Result<StageOutput> NormaliseStage::run(const queue::Job &job, store::Connection &conn)
{
    auto raw
        = conn.exec("SELECT source, content_type, payload, received_at FROM raw_events WHERE id = $1", {job.eventId});
    if (!raw)
        return raw.error();
    if (raw->isEmpty())
        return permanentError("permanent.missing", QStringLiteral("event %1 has no raw row").arg(job.eventId));
    auto parsed = parse(raw.value(), conn);
    if (!parsed)
        return parsed.error();
    sources::Normalised n = std::move(parsed).value();
    if (!n.occurredAtMs)
        n.occurredAtMs = raw->int64(0, 3);
    auto linked = store::EntityRepository::precreate(conn, n);
    if (!linked)
        return linked.error();
    StageOutput out;
    out.newStatus = EventStatus::Normalised;
    out.nextStage = QStringLiteral("enrich");
    const QString eventId = job.eventId;
    out.detail = n.kind;
    out.apply = [eventId, n, known = linked.value()](store::Connection &c) -> Status {
        return store::EntityRepository::storeNormalised(c, eventId, n, known);
    };
    return out;
}

} // namespace salesflow::pipeline
