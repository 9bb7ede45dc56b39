#include "normalisestage.h"

#include "../../api/types.h"
#include "../../sources/normalised.h"
#include "../../store/entityrepository.h"
#include "../../store/pgarray.h"

#include <QHash>

#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::pipeline {

Result<sources::Normalised> NormaliseStage::parse(const store::Rows &raw, int row, store::Connection &conn) const
{
    if (raw.text(row, 0) == QLatin1String("hubspot")) {
        if (auto chat = m_conversations.chatFormFor(raw.bytes(row, 2), conn)) {
            if (!*chat)
                return chat->error();
            auto n = sources::parseChat(chat->value());
            if (n) {
                const QJsonObject event = QJsonDocument::fromJson(raw.bytes(row, 2)).object();
                n->attributes.insert(QStringLiteral("received_via"), QStringLiteral("hubspot"));
                n->attributes.insert(QStringLiteral("hubspot_message_id"), event.value(QLatin1String("messageId")));
                n->attributes.insert(QStringLiteral("message_type"), event.value(QLatin1String("messageType")));
            }
            return n;
        }
    }
    return sources::normalise(raw.text(row, 0), raw.bytes(row, 1), raw.bytes(row, 2));
}

Result<StageOutput> NormaliseStage::run(const queue::Job &job, store::Connection &conn)
{
    auto raw
        = conn.exec("SELECT source, content_type, payload, received_at FROM raw_events WHERE id = $1", {job.eventId});
    if (!raw)
        return raw.error();
    if (raw->isEmpty())
        return permanentError("permanent.missing", QStringLiteral("event %1 has no raw row").arg(job.eventId));
    return normalise(job, raw.value(), 0, conn);
}

QList<Result<StageOutput>> NormaliseStage::runBatch(const QList<queue::Job> &jobs, store::Connection &conn)
{
    if (conn.dialect() != store::Dialect::Postgres || jobs.size() < 2)
        return IStage::runBatch(jobs, conn);
    QList<QString> ids;
    for (const queue::Job &job : jobs)
        ids << job.eventId;
    auto raw = conn.exec("SELECT source, content_type, payload, received_at, id FROM raw_events"
                         " WHERE id = ANY($1::text[])",
                         {store::pgTextArray(ids)});
    if (!raw) // the store's trouble is every job's: each retries
        return QList<Result<StageOutput>>(jobs.size(), raw.error());
    QHash<QString, int> rowOf;
    for (int i = 0; i < raw->size(); ++i)
        rowOf.insert(raw->text(i, 4), i);
    return eachJob(jobs, [&](const queue::Job &job) -> Result<StageOutput> {
        const int row = rowOf.value(job.eventId, -1);
        if (row < 0)
            return permanentError("permanent.missing", QStringLiteral("event %1 has no raw row").arg(job.eventId));
        return normalise(job, raw.value(), row, conn);
    });
}

Result<StageOutput> NormaliseStage::normalise(const queue::Job &job, const store::Rows &raw, int row,
                                              store::Connection &conn)
{
    auto parsed = parse(raw, row, conn);
    if (!parsed)
        return parsed.error();
    sources::Normalised n = std::move(parsed).value();
    if (!n.occurredAtMs)
        n.occurredAtMs = raw.int64(row, 3);
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
