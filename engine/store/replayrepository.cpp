#include "replayrepository.h"

#include "../api/json.h"
#include "../core/clock.h"
#include "../core/ids.h"
#include "auditlog.h"

#include <QJsonDocument>

namespace salesflow::store {

namespace {

constexpr int kSelectBatch = 1000;
constexpr qint64 kSelectingStaleMs = 60 * 1000;

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Error notFound(qint64 id)
{
    return makeError("replay.not_found", QStringLiteral("no replay with id %1").arg(id), 404);
}

const QByteArray kInfoColumns = "SELECT id, requested_by, request, status, total, done, failed, changed, created_at,"
                                " started_at, finished_at, resumed, error, input_tokens, output_tokens, cost_usd"
                                " FROM replays ";

ReplayInfo infoFrom(const Rows &r, int i)
{
    ReplayInfo v;
    v.id = QString::number(r.int64(i, 0));
    v.requestedBy = r.text(i, 1);
    v.request = json::fromJson<ReplayRequest>(QJsonDocument::fromJson(r.bytes(i, 2)).object());
    v.status = r.text(i, 3);
    v.total = r.int64(i, 4);
    v.done = r.int64(i, 5);
    v.failed = r.int64(i, 6);
    v.changed = r.int64(i, 7);
    v.createdAtMs = r.int64(i, 8);
    v.startedAtMs = r.int64(i, 9);
    v.finishedAtMs = r.int64(i, 10);
    v.resumed = int(r.int64(i, 11));
    v.error = r.text(i, 12);
    v.inputTokens = r.int64(i, 13);
    v.outputTokens = r.int64(i, 14);
    v.costUsd = r.real(i, 15);
    return v;
}

/// The filter of a request as SQL over raw_events (parameters from $3 on).
QByteArray filterSql(const ReplayRequest &r, QVariantList &params)
{
    QByteArray sql;
    auto where = [&](const QVariant &value, const char *condition) {
        params << value;
        sql += QByteArray(" AND ") + condition + QByteArray::number(params.size());
    };
    if (r.sinceMs > 0)
        where(ids::lowerBound(r.sinceMs), "id >= $");
    if (r.untilMs > 0)
        where(ids::lowerBound(r.untilMs), "id < $");
    if (!r.status.isEmpty())
        where(r.status, "status = $");
    if (!r.source.isEmpty())
        where(r.source, "source = $");
    return sql;
}

/// One batch of the filter's events after `afterId`; answers how many were taken and the last id.
Result<QPair<qint64, QString>> selectBatch(Connection &c, qint64 id, qint64 seq, const QString &afterId,
                                           const ReplayRequest &request)
{
    QVariantList params{id, seq, afterId};
    const QByteArray filter = filterSql(request, params);
    auto ins = c.exec("INSERT INTO replay_items (replay_id, seq, event_id)"
                      " SELECT $1, $2 + ROW_NUMBER() OVER (ORDER BY s.id), s.id FROM (SELECT id FROM raw_events"
                      " WHERE id > $3"
                          + filter + " ORDER BY id LIMIT " + QByteArray::number(kSelectBatch) + ") s",
                      params);
    if (!ins)
        return ins.error();
    auto last = c.exec("SELECT event_id FROM replay_items WHERE replay_id = $1 ORDER BY seq DESC LIMIT 1", {id});
    if (!last)
        return last.error();
    return qMakePair(ins->affected, last->isEmpty() ? afterId : last->text(0, 0));
}

Error stoppedWhileSelecting(qint64 id)
{
    return makeError("replay.stopped", QStringLiteral("replay %1 was stopped while choosing its events").arg(id), 409);
}

/// One batch of the selection, and the replay marked alive (a starter that died leaves it stale);
/// fails when the replay is no longer choosing (cancelled, or judged interrupted).
Status selectStep(Connection &c, qint64 id, qint64 seq, const QString &after, const ReplayRequest &request,
                  Result<QPair<qint64, QString>> &batch)
{
    batch = selectBatch(c, id, seq, after, request);
    if (!batch)
        return batch.error();
    auto alive = c.exec("UPDATE replays SET updated_at = $2 WHERE id = $1 AND status = 'selecting'", {id, nowMs()});
    if (!alive)
        return alive.error();
    if (alive->affected == 0)
        return stoppedWhileSelecting(id);
    return Done{};
}

/// The ids given one by one; those that name no event are skipped items.
Result<qint64> selectIds(Connection &c, qint64 id, const QStringList &eventIds)
{
    qint64 seq = 0;
    for (qsizetype from = 0; from < eventIds.size(); from += kSelectBatch) {
        Status s = inTransaction(c, [&]() -> Status {
            for (const QString &eventId : eventIds.mid(from, kSelectBatch)) {
                auto known = c.exec("SELECT 1 FROM raw_events WHERE id = $1", {eventId});
                if (!known)
                    return known.error();
                const bool missing = known->isEmpty();
                auto ins = c.exec("INSERT INTO replay_items (replay_id, seq, event_id, state, error)"
                                  " VALUES ($1, $2, $3, $4, $5)",
                                  {id, ++seq, eventId, missing ? QStringLiteral("skipped") : QStringLiteral("pending"),
                                   missing ? QVariant(QStringLiteral("no event has this id")) : QVariant()});
                if (!ins)
                    return ins.error();
            }
            return Done{};
        });
        if (!s)
            return s.error();
    }
    return seq;
}

} // namespace

Result<qint64> ReplayRepository::create(Connection &c, const ReplayRequest &request, const QString &actor, qint64 nowMs)
{
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    const QString requestJson = compact(json::toJson(request));
    auto r = c.exec("INSERT INTO replays (requested_by, request, status, created_at, updated_at, dry_run, from_stage,"
                    " prompt_version) VALUES ($1, $2, 'selecting', $3, $3, $4, $5, $6) RETURNING id",
                    {actor, requestJson, nowMs, request.dryRun ? 1 : 0, request.fromStage, request.promptVersion});
    if (!r)
        return r.error();
    const qint64 id = r->int64(0, 0);
    const QString what = request.dryRun ? QStringLiteral("dry run") : QStringLiteral("replay");
    if (Status s = writeAudit(c, {}, actor, QStringLiteral("replay.start"), {}, requestJson,
                              QStringLiteral("%1 %2 started").arg(what).arg(id), nowMs);
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return id;
}

Result<qint64> ReplayRepository::select(Connection &c, qint64 id, const ReplayRequest &request, qint64 nowMs)
{
    qint64 total = 0;
    if (!request.eventIds.isEmpty()) {
        auto n = selectIds(c, id, request.eventIds);
        if (!n)
            return n.error();
        total = n.value();
    } else {
        for (QString after;;) {
            Result<QPair<qint64, QString>> batch = Error{};
            if (Status s
                = inTransaction(c, [&]() -> Status { return selectStep(c, id, total, after, request, batch); });
                !s)
                return s.error();
            total += batch->first;
            after = batch->second;
            if (batch->first < kSelectBatch)
                break;
        }
    }
    auto r = c.exec("UPDATE replays SET status = 'running', total = $2, started_at = $3, updated_at = $3,"
                    " done = (SELECT COUNT(*) FROM replay_items WHERE replay_id = $1 AND state <> 'pending')"
                    " WHERE id = $1 AND status = 'selecting'",
                    {id, total, nowMs});
    if (!r)
        return r.error();
    if (r->affected == 0)
        return stoppedWhileSelecting(id);
    return total;
}

Status ReplayRepository::pinPrompt(Connection &c, qint64 id, int version)
{
    auto r = c.exec("UPDATE replays SET prompt_version = $2 WHERE id = $1", {id, version});
    if (!r)
        return r.error();
    return Done{};
}

Result<std::optional<ReplayLease>> ReplayRepository::claim(Connection &c, const QString &owner, qint64 nowMs,
                                                           qint64 leaseMs, bool dryRuns)
{
    auto candidates = c.exec("SELECT id, lease_owner FROM replays WHERE status = 'running' AND lease_until < $1"
                             " AND (dry_run = 0 OR $2 = 1)"
                             " ORDER BY id LIMIT 5",
                             {nowMs, dryRuns ? 1 : 0});
    if (!candidates)
        return candidates.error();
    for (int i = 0; i < candidates->size(); ++i) {
        const qint64 id = candidates->int64(i, 0);
        const bool takeOver = !candidates->isNull(i, 1) && candidates->text(i, 1) != owner;
        auto took = c.exec("UPDATE replays SET lease_owner = $2, lease_until = $3, resumed = resumed + $4"
                           " WHERE id = $1 AND status = 'running' AND lease_until < $5",
                           {id, owner, nowMs + leaseMs, takeOver ? 1 : 0, nowMs});
        if (!took)
            return took.error();
        if (took->affected == 0)
            continue; // another worker was quicker
        auto row = c.exec("SELECT request, requested_by, prompt_version FROM replays WHERE id = $1", {id});
        if (!row)
            return row.error();
        return std::optional<ReplayLease>(
            ReplayLease{id, json::fromJson<ReplayRequest>(QJsonDocument::fromJson(row->bytes(0, 0)).object()),
                        row->text(0, 1), owner, int(row->int64(0, 2))});
    }
    return std::optional<ReplayLease>();
}

Status ReplayRepository::interruptStale(Connection &c, qint64 nowMs)
{
    auto r = c.exec("UPDATE replays SET status = 'interrupted', finished_at = $1, updated_at = $1,"
                    " error = 'the process that started it stopped while choosing its events; nothing was replayed'"
                    " WHERE status = 'selecting' AND updated_at < $2",
                    {nowMs, nowMs - kSelectingStaleMs});
    if (!r)
        return r.error();
    return Done{};
}

Result<QList<QPair<int, QString>>> ReplayRepository::pending(Connection &c, qint64 id, int limit)
{
    auto r = c.exec("SELECT seq, event_id FROM replay_items WHERE replay_id = $1 AND state = 'pending'"
                    " ORDER BY seq LIMIT $2",
                    {id, limit});
    if (!r)
        return r.error();
    QList<QPair<int, QString>> out;
    for (int i = 0; i < r->size(); ++i)
        out.append({int(r->int64(i, 0)), r->text(i, 1)});
    return out;
}

Status ReplayRepository::renew(Connection &c, const ReplayLease &lease, qint64 leaseUntilMs)
{
    auto r = c.exec("UPDATE replays SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
                    {lease.id, lease.owner, leaseUntilMs});
    if (!r)
        return r.error();
    if (r->affected == 0) {
        return makeError("replay.lease",
                         QStringLiteral("replay %1 is no longer this worker's (cancelled or taken over)").arg(lease.id),
                         409);
    }
    return Done{};
}

Status ReplayRepository::record(Connection &c, qint64 id, const QList<ReplayOutcome> &outcomes, qint64 inputTokens,
                                qint64 outputTokens, double costUsd)
{
    qint64 updated = 0, failed = 0, changed = 0;
    for (const ReplayOutcome &o : outcomes) {
        auto r
            = c.exec("UPDATE replay_items SET state = $3, changed = $4, diff = $5, error = $6"
                     " WHERE replay_id = $1 AND seq = $2 AND state = 'pending'",
                     {id, o.seq, o.state, o.changed ? 1 : 0, o.diffJson.isEmpty() ? QVariant() : QVariant(o.diffJson),
                      o.error.isEmpty() ? QVariant() : QVariant(o.error)});
        if (!r)
            return r.error();
        if (r->affected == 0)
            continue; // already recorded (never twice, whoever held the lease)
        ++updated;
        failed += o.state == QLatin1String("failed") ? 1 : 0;
        changed += o.changed ? 1 : 0;
    }
    auto r = c.exec("UPDATE replays SET done = done + $2, failed = failed + $3, changed = changed + $4,"
                    " input_tokens = input_tokens + $5, output_tokens = output_tokens + $6, cost_usd = cost_usd + $7"
                    " WHERE id = $1",
                    {id, updated, failed, changed, inputTokens, outputTokens, costUsd});
    if (!r)
        return r.error();
    return Done{};
}

Status ReplayRepository::finish(Connection &c, const ReplayLease &lease, const QString &error, qint64 nowMs)
{
    return inTransaction(c, [&]() -> Status {
        const QString status = error.isEmpty() ? QStringLiteral("done") : QStringLiteral("failed");
        auto r
            = c.exec("UPDATE replays SET status = $3, error = $4, finished_at = $5, updated_at = $5,"
                     " lease_owner = NULL, lease_until = 0 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
                     {lease.id, lease.owner, status, error.isEmpty() ? QVariant() : QVariant(error), nowMs});
        if (!r)
            return r.error();
        if (r->affected == 0)
            return Done{}; // cancelled meanwhile: the cancel wrote its own entry
        auto info = get(c, lease.id);
        if (!info)
            return info.error();
        const QString after = compact(json::toJson(info.value()));
        return writeAudit(c, {}, QStringLiteral("system:replay"), QStringLiteral("replay.finish"), {}, after,
                          QStringLiteral("replay %1 %2: %3 of %4 done, %5 failed")
                              .arg(lease.id)
                              .arg(status)
                              .arg(info->done)
                              .arg(info->total)
                              .arg(info->failed),
                          nowMs);
    });
}

Result<ReplayInfo> ReplayRepository::get(Connection &c, qint64 id)
{
    auto r = c.exec(kInfoColumns + "WHERE id = $1", {id});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return notFound(id);
    return infoFrom(r.value(), 0);
}

Result<ReplayPage> ReplayRepository::page(Connection &c, qint64 id, const ReplayItemQuery &q)
{
    auto info = get(c, id);
    if (!info)
        return info.error();
    bool ok = true;
    const qint64 after = q.after.isEmpty() ? 0 : q.after.toLongLong(&ok);
    if (!ok || after < 0)
        return makeError("query.cursor", QStringLiteral("'after' is a cursor from a previous page's 'next'"), 400);
    auto r = c.exec(QByteArray("SELECT seq, event_id, state, changed, diff, error FROM replay_items"
                               " WHERE replay_id = $1 AND seq > $2")
                        + (q.onlyChanged ? " AND changed = 1" : "") + " ORDER BY seq LIMIT $3",
                    {id, after, q.limit + 1});
    if (!r)
        return r.error();
    ReplayPage page{info.value(), {}, {}};
    for (int i = 0; i < r->size() && i < q.limit; ++i) {
        ReplayItem item = json::fromJson<ReplayItem>(QJsonDocument::fromJson(r->bytes(i, 4)).object());
        item.seq = int(r->int64(i, 0));
        item.eventId = r->text(i, 1);
        item.state = r->text(i, 2);
        item.changed = r->int64(i, 3) != 0;
        item.error = r->text(i, 5);
        page.items.append(item);
    }
    if (r->size() > q.limit)
        page.next = QString::number(page.items.last().seq);
    return page;
}

Result<QList<ReplayInfo>> ReplayRepository::list(Connection &c, int limit, qint64 beforeId)
{
    auto r = beforeId > 0 ? c.exec(kInfoColumns + "WHERE id < $1 ORDER BY id DESC LIMIT $2", {beforeId, limit})
                          : c.exec(kInfoColumns + "ORDER BY id DESC LIMIT $1", {limit});
    if (!r)
        return r.error();
    QList<ReplayInfo> out;
    for (int i = 0; i < r->size(); ++i)
        out.append(infoFrom(r.value(), i));
    return out;
}

Result<ReplayInfo> ReplayRepository::cancel(Connection &c, qint64 id, const QString &actor, qint64 nowMs)
{
    Status s = inTransaction(c, [&]() -> Status {
        auto r = c.exec("UPDATE replays SET status = 'cancelled', finished_at = $2, updated_at = $2,"
                        " lease_owner = NULL, lease_until = 0 WHERE id = $1 AND status IN ('selecting', 'running')",
                        {id, nowMs});
        if (!r)
            return r.error();
        if (r->affected == 0) {
            auto info = get(c, id);
            if (!info)
                return info.error();
            return makeError("replay.finished", QStringLiteral("replay %1 is already %2").arg(id).arg(info->status),
                             409);
        }
        return writeAudit(c, {}, actor, QStringLiteral("replay.cancel"), QStringLiteral("running"),
                          QStringLiteral("cancelled"), QStringLiteral("replay %1 cancelled").arg(id), nowMs);
    });
    if (!s)
        return s.error();
    return get(c, id);
}

Result<qint64> ReplayRepository::running(Connection &c)
{
    auto r = c.exec("SELECT COUNT(*) FROM replays WHERE status IN ('selecting', 'running')");
    if (!r)
        return r.error();
    return r->int64(0, 0);
}

} // namespace salesflow::store
