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
    QList<Result<sources::Normalised>> parsed = eachParsed(jobs, [&](const queue::Job &job) {
        const int row = rowOf.value(job.eventId, -1);
        if (row < 0)
            return Result<sources::Normalised>(
                permanentError("permanent.missing", QStringLiteral("event %1 has no raw row").arg(job.eventId)));
        return parseRow(raw.value(), row, conn);
    });
    // The batch's contacts and companies, read (and the missing ones made) together.
    QList<const sources::Normalised *> named;
    for (const auto &n : std::as_const(parsed)) {
        if (n)
            named.append(&n.value());
    }
    auto linked = store::EntityRepository::precreateAll(conn, named);
    if (!linked)
        return QList<Result<StageOutput>>(jobs.size(), linked.error());
    QList<Result<StageOutput>> out;
    auto write = std::make_shared<Rows>();
    qsizetype next = 0;
    for (qsizetype i = 0; i < jobs.size(); ++i)
        out.append(parsed[i] ? Result<StageOutput>(
                       outputFor(jobs[i].eventId, std::move(parsed[i]).value(), linked->at(next++), write))
                             : Result<StageOutput>(parsed[i].error()));
    return out;
}

template<typename ParseOne>
QList<Result<sources::Normalised>> NormaliseStage::eachParsed(const QList<queue::Job> &jobs, ParseOne parseOne)
{
    QList<Result<sources::Normalised>> out;
    out.reserve(jobs.size());
    for (const queue::Job &job : jobs) {
        LogScope scope({{}, {}, job.eventId, {}});
        out.append(parseOne(job));
    }
    return out;
}

Result<sources::Normalised> NormaliseStage::parseRow(const store::Rows &raw, int row, store::Connection &conn) const
{
    auto parsed = parse(raw, row, conn);
    if (!parsed)
        return parsed.error();
    sources::Normalised n = std::move(parsed).value();
    if (!n.occurredAtMs)
        n.occurredAtMs = raw.int64(row, 3);
    return n;
}

Status NormaliseStage::Rows::apply(store::Connection &c, const QList<int> &parts)
{
    QList<store::EntityRepository::ToStore> chosen;
    for (int part : parts)
        chosen.append({events.at(part).eventId, &events.at(part).normalised, events.at(part).known});
    return store::EntityRepository::storeNormalisedAll(c, chosen);
}

StageOutput NormaliseStage::outputFor(const QString &eventId, sources::Normalised n,
                                      const store::EntityRepository::Linked &known, const std::shared_ptr<Rows> &write)
{
    StageOutput out;
    out.newStatus = EventStatus::Normalised;
    out.nextStage = QStringLiteral("enrich");
    out.detail = n.kind;
    out.batchWrite = write;
    out.batchPart = int(write->events.size());
    write->events.append({eventId, std::move(n), known});
    return out;
}

Result<StageOutput> NormaliseStage::normalise(const queue::Job &job, const store::Rows &raw, int row,
                                              store::Connection &conn)
{
    auto n = parseRow(raw, row, conn);
    if (!n)
        return n.error();
    auto linked = store::EntityRepository::precreate(conn, n.value());
    if (!linked)
        return linked.error();
    return outputFor(job.eventId, std::move(n).value(), linked.value(), std::make_shared<Rows>());
}

} // namespace salesflow::pipeline
