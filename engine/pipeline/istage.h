#pragma once

#include "../core/logging.h"
#include "../queue/jobqueue.h"

#include <functional>
#include <memory>

namespace salesflow::pipeline {

/// Writes a stage makes for several jobs of a batch at once (one statement for all, not one
/// each): the outputs of one runBatch share it, each naming its own part. The Runner applies it
/// once per commit, for the parts of the jobs it commits (all of them, or one when it commits
/// job by job after a failure), before the jobs' own `apply`.
class BatchWrite
{
public:
    virtual ~BatchWrite() = default;
    virtual Status apply(store::Connection &c, const QList<int> &parts) = 0;
};

/// What a stage produced for one job, committed with the job's completion in one transaction.
struct StageOutput
{
    QString newStatus; ///< the event's status after this stage; empty keeps it
    QString nextStage; ///< the job to enqueue next; empty for none
    std::function<Status(store::Connection &)> apply; ///< the stage's own writes, may be empty
    QString detail; ///< for the audit entry
    std::shared_ptr<BatchWrite> batchWrite; ///< shared writes of the batch, may be null
    int batchPart = -1; ///< this job's part of `batchWrite`
    /// Keys `apply` writes that other events' writes share (a company's upsert): the Runner
    /// locks a batch's keys in one global order before any apply, so two batches writing the
    /// same keys in different orders wait for each other instead of deadlocking.
    QStringList contended;
};

/// One stage of the pipeline (normalise, enrich, plan, write). Stages plug into the Runner.
///
/// run() is called outside any transaction, from several worker threads at once, and may be
/// slow (LLM, HTTP). It returns the writes to make, or an Error: retried with backoff, unless it
/// is Retry::Permanent or the job is out of attempts — then the event is `failed` with this
/// stage and the error, and can be replayed. Retry::Hold puts the job back for
/// Error::retryAfterMs without using an attempt (the outside world said "wait": a daily quota, a
/// rejected token an operator must fix, the process stopping).
class IStage
{
public:
    virtual ~IStage() = default;
    virtual QString name() const = 0;
    virtual int batchSize() const { return 64; }
    /// 0: the stage shares the Runner's general workers. N > 0: it gets N workers of its own,
    /// so a slow stage (an LLM call) never holds up the others, and N bounds its concurrency.
    virtual int dedicatedWorkers() const { return 0; }
    /// The longest one run may take: the heartbeat renews its jobs' short leases up to this,
    /// then lets go (a hung run). 0: one Runner lease.
    virtual qint64 leaseMs() const { return 0; }
    virtual Result<StageOutput> run(const queue::Job &job, store::Connection &conn) = 0;
    /// A whole leased batch at once (stages that group work across events override it).
    virtual QList<Result<StageOutput>> runBatch(const QList<queue::Job> &jobs, store::Connection &conn)
    {
        return eachJob(jobs, [&](const queue::Job &job) { return run(job, conn); });
    }

protected:
    /// `runOne` for each job in order, its log lines tagged with the job's event.
    template<typename RunOne>
    static QList<Result<StageOutput>> eachJob(const QList<queue::Job> &jobs, RunOne runOne)
    {
        QList<Result<StageOutput>> out;
        out.reserve(jobs.size());
        for (const queue::Job &job : jobs) {
            LogScope scope({{}, {}, job.eventId, {}});
            out.append(runOne(job));
        }
        return out;
    }
};

} // namespace salesflow::pipeline
