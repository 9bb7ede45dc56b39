#pragma once

#include "../store/sql.h"

#include <QList>
#include <QString>

namespace salesflow::queue {

/// A leased job. The lease token proves the lease is still ours when completing.
struct Job
{
    qint64 id = 0;
    QString eventId;
    QString stage;
    int attempts = 0; ///< including this one
    int maxAttempts = 0;
    qint64 createdAtMs = 0;
    QString leaseToken;
    QString args; ///< JSON object given at enqueue (e.g. a replay's prompt version), may be empty
};

/// The durable job queue, in the same database as the state it follows from.
///
/// A lease moves `run_after` past now by the lease time and stamps an owner and a token; a
/// worker killed mid-job loses nothing because its lease simply falls due again. Completing
/// deletes the job only if the lease token still matches, in the caller's transaction, so a
/// job's effects commit exactly once even when a lease was taken over.
class JobQueue
{
public:
    /// Leases up to `max` due jobs of `stage` in lease order (run_after, id). PostgreSQL uses
    /// FOR UPDATE SKIP LOCKED, so concurrent workers never lease the same job. Outside any
    /// transaction: the lease commits on its own, in one statement (one round trip).
    static Result<QList<Job>> lease(store::Connection &c, const QString &stage, int max, const QString &owner,
                                    qint64 leaseMs, qint64 nowMs);

    /// Inside the caller's transaction: deletes the jobs still leased by us; returns their ids.
    static Result<QList<qint64>> complete(store::Connection &c, const QList<Job> &jobs);

    /// Inside the caller's transaction.
    /// `args`: a JSON object every job gets (empty: none).
    static Status enqueue(store::Connection &c, const QList<QString> &eventIds, const QString &stage, int maxAttempts,
                          qint64 runAfterMs, qint64 nowMs, const QString &args = {});

    /// Inside the caller's transaction: gives the job back to run again at `runAfterMs`.
    /// False when the lease was lost meanwhile (nothing changed).
    static Result<bool> retry(store::Connection &c, const Job &job, const QString &error, qint64 runAfterMs);

    /// Moves the leases of jobs still leased by us to `untilMs` (the heartbeat of a long run);
    /// returns how many were still ours. Never waits: a job a worker is completing right now is
    /// skipped (not counted), as are jobs whose lease was taken over.
    static Result<int> renew(store::Connection &c, const QList<Job> &jobs, qint64 untilMs);

    /// Gives leased jobs back at once without counting the attempt (graceful stop).
    static Status release(store::Connection &c, const QList<Job> &jobs, qint64 nowMs);
    /// Records why a job is waiting (shown in the app and the lineage).
    static Status noteError(store::Connection &c, const Job &job, const QString &error);

    /// Exponential backoff with full jitter: base 1 s doubling per attempt, capped at 5 minutes.
    static qint64 backoffMs(int attempts);

    static QByteArray channel() { return "salesflow_jobs"; }
};

} // namespace salesflow::queue
