#include "jobqueue.h"

#include "../core/ids.h"
#include "../store/pgarray.h"

#include <QRandomGenerator>

namespace salesflow::queue {

using store::Connection;
using store::Dialect;

namespace {

/// The jobs' ids and lease tokens as PostgreSQL array literals, in the same order (for unnest).
std::pair<QString, QString> idsAndTokens(const QList<Job> &jobs)
{
    QList<qint64> ids;
    QList<QString> tokens;
    for (const Job &j : jobs) {
        ids << j.id;
        tokens << j.leaseToken;
    }
    return {store::pgIntArray(ids), store::pgTextArray(tokens)};
}

} // namespace

Result<QList<Job>> JobQueue::lease(Connection &c, const QString &stage, int max, const QString &owner, qint64 leaseMs,
                                   qint64 nowMs)
{
    const QString token = QString::fromLatin1(ids::randomToken(12));
    Result<store::Rows> rows;
    if (c.dialect() == Dialect::Postgres) {
        // One statement in its own transaction: one round trip. A lease lost in a database crash
        // is harmless (the job is simply due again), so its commit does not wait for its WAL
        // flush: set_config(..., true) lasts until this statement's implicit transaction ends,
        // and the commit reads the setting.
        rows = c.exec("WITH due AS (SELECT id FROM jobs WHERE stage = $1 AND run_after <= $2"
                      "             ORDER BY run_after, id LIMIT $3 FOR UPDATE SKIP LOCKED)"
                      " UPDATE jobs j SET run_after = $4, lease_owner = $5, lease_token = $6,"
                      "        attempts = j.attempts + 1"
                      " FROM due WHERE j.id = due.id"
                      "   AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off'"
                      " RETURNING j.id, j.event_id, j.attempts, j.max_attempts, j.created_at, j.args",
                      {stage, nowMs, max, nowMs + leaseMs, owner, token});
        if (!rows)
            return rows.error();
    } else {
        store::Tx tx(c);
        if (Status s = tx.begin(true); !s)
            return s.error();
        rows = c.exec("UPDATE jobs SET run_after = $4, lease_owner = $5, lease_token = $6,"
                      "        attempts = attempts + 1"
                      " WHERE id IN (SELECT id FROM jobs WHERE stage = $1 AND run_after <= $2"
                      "              ORDER BY run_after, id LIMIT $3)"
                      " RETURNING id, event_id, attempts, max_attempts, created_at, args",
                      {stage, nowMs, max, nowMs + leaseMs, owner, token});
        if (!rows)
            return rows.error();
        if (Status s = tx.commit(); !s)
            return s.error();
    }
    QList<Job> jobs;
    jobs.reserve(rows->size());
    for (int i = 0; i < rows->size(); ++i) {
        jobs.append(Job{rows->int64(i, 0), rows->text(i, 1), stage, int(rows->int64(i, 2)), int(rows->int64(i, 3)),
                        rows->int64(i, 4), token, rows->text(i, 5)});
    }
    std::sort(jobs.begin(), jobs.end(), [](const Job &a, const Job &b) { return a.id < b.id; });
    return jobs;
}

Result<QList<qint64>> JobQueue::complete(Connection &c, const QList<Job> &jobs)
{
    QList<qint64> done;
    if (jobs.isEmpty())
        return done;
    if (c.dialect() == Dialect::Postgres) {
        const auto [idList, tokens] = idsAndTokens(jobs);
        auto r = c.exec("DELETE FROM jobs j USING unnest($1::bigint[], $2::text[]) AS t(id, token)"
                        " WHERE j.id = t.id AND j.lease_token = t.token RETURNING j.id",
                        {idList, tokens});
        if (!r)
            return r.error();
        for (int i = 0; i < r->size(); ++i)
            done << r->int64(i, 0);
        return done;
    }
    for (const Job &j : jobs) {
        auto r = c.exec("DELETE FROM jobs WHERE id = $1 AND lease_token = $2", {j.id, j.leaseToken});
        if (!r)
            return r.error();
        if (r->affected == 1)
            done << j.id;
    }
    return done;
}

Status JobQueue::enqueue(Connection &c, const QList<QString> &eventIds, const QString &stage, int maxAttempts,
                         qint64 runAfterMs, qint64 nowMs, const QString &args)
{
    const QVariant argsValue = args.isEmpty() ? QVariant() : QVariant(args);
    if (eventIds.isEmpty())
        return Done{};
    if (c.dialect() == Dialect::Postgres) {
        auto r = c.exec("INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at, args)"
                        " SELECT e, $2, 0, $3, $4, $5, $6 FROM unnest($1::text[]) AS e",
                        {store::pgTextArray(eventIds), stage, maxAttempts, runAfterMs, nowMs, argsValue});
        if (!r)
            return r.error();
        c.wakeAfterCommit(channel(), stage);
        return Done{};
    }
    for (const QString &id : eventIds) {
        auto r = c.exec("INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at, args)"
                        " VALUES ($1, $2, 0, $3, $4, $5, $6)",
                        {id, stage, maxAttempts, runAfterMs, nowMs, argsValue});
        if (!r)
            return r.error();
    }
    return Done{};
}

Result<bool> JobQueue::retry(Connection &c, const Job &job, const QString &error, qint64 runAfterMs)
{
    auto r = c.exec("UPDATE jobs SET run_after = $1, lease_owner = NULL, lease_token = NULL, last_error = $2"
                    " WHERE id = $3 AND lease_token = $4",
                    {runAfterMs, error, job.id, job.leaseToken});
    if (!r)
        return r.error();
    return r->affected == 1;
}

Status JobQueue::noteError(Connection &c, const Job &job, const QString &error)
{
    auto r = c.exec("UPDATE jobs SET last_error = $1 WHERE id = $2", {error, job.id});
    if (!r)
        return r.error();
    return Done{};
}

Result<int> JobQueue::renew(Connection &c, const QList<Job> &jobs, qint64 untilMs)
{
    int renewed = 0;
    if (c.dialect() == Dialect::Postgres) {
        const auto [idList, tokens] = idsAndTokens(jobs);
        // SKIP LOCKED: a job whose row a worker has locked is being completed (or given back);
        // waiting for it would deadlock with that commit's own row locks taken in another order.
        auto r = c.exec("UPDATE jobs j SET run_after = $3 FROM"
                        " (SELECT jobs.id FROM jobs JOIN unnest($1::bigint[], $2::text[]) AS t(id, token)"
                        "    ON jobs.id = t.id AND jobs.lease_token = t.token"
                        "  FOR UPDATE OF jobs SKIP LOCKED) AS mine"
                        " WHERE j.id = mine.id",
                        {idList, tokens, untilMs});
        if (!r)
            return r.error();
        return int(r->affected);
    }
    for (const Job &j : jobs) {
        auto r = c.exec("UPDATE jobs SET run_after = $1 WHERE id = $2 AND lease_token = $3",
                        {untilMs, j.id, j.leaseToken});
        if (!r)
            return r.error();
        renewed += int(r->affected);
    }
    return renewed;
}

Status JobQueue::release(Connection &c, const QList<Job> &jobs, qint64 nowMs)
{
    for (const Job &j : jobs) {
        auto r = c.exec("UPDATE jobs SET run_after = $1, lease_owner = NULL, lease_token = NULL,"
                        " attempts = attempts - 1 WHERE id = $2 AND lease_token = $3",
                        {nowMs, j.id, j.leaseToken});
        if (!r)
            return r.error();
    }
    return Done{};
}

qint64 JobQueue::backoffMs(int attempts)
{
    const qint64 cap = 5 * 60 * 1000;
    const qint64 base = qMin<qint64>(cap, qint64(1000) << qBound(0, attempts - 1, 20));
    // Full jitter (AWS architecture blog): uniform in [base/2, base].
    return base / 2 + qint64(QRandomGenerator::global()->bounded(quint32(base / 2 + 1)));
}

} // namespace salesflow::queue
