#pragma once

#include "../core/stoptoken.h"
#include "../queue/leasekeeper.h"
#include "../queue/waker.h"
#include "istage.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace salesflow::store {
class Database;
}

namespace salesflow::pipeline {

/// Runs the registered stages on N worker threads, each with its own database connection (plus
/// the dedicated workers of stages that ask for them, IStage::dedicatedWorkers()).
/// Workers lease jobs in batches, run them, and commit every completion (and the stage's
/// writes, the event's transition and the next job) in one transaction per batch. On
/// PostgreSQL a listener thread turns NOTIFY into wake-ups, so idle workers start new jobs
/// within milliseconds; they also poll, to pick up retries and expired leases.
class Runner
{
public:
    struct Options
    {
        int workers = 2;
        QString owner; ///< lease owner prefix, e.g. host:pid
        qint64 leaseMs = 20000; ///< renewed by the heartbeat while a job runs (queue/leasekeeper.h)
        int pollMs = 250;
    };

    Runner(std::shared_ptr<store::Database> db, std::vector<std::shared_ptr<IStage>> stages, Options options);
    ~Runner();
    Runner(const Runner &) = delete;
    Runner &operator=(const Runner &) = delete;

    void start();
    /// Graceful stop: no new leases; each worker finishes and commits its current batch.
    void stop();

    queue::Waker &waker() { return m_waker; }
    bool hasStages() const { return !m_stages.empty(); }

    std::atomic<qint64> completed{0};
    std::atomic<qint64> retried{0};
    std::atomic<qint64> failed{0};

private:
    /// A stage a worker's lease found with fewer due jobs than it asked for. Until a wake-up
    /// announces jobs of that stage, or a poll interval has passed (retries and lapsed leases
    /// fall due unannounced), leasing it again would find nothing new, so the worker skips it.
    struct Drained
    {
        quint64 announced = 0; ///< the stage's wake-up generation before that lease
        qint64 atMs = -1; ///< when; -1: not drained
        bool seen(quint64 announcedNow, qint64 nowMs, int pollMs) const
        {
            return atMs >= 0 && announced == announcedNow && nowMs - atMs < pollMs;
        }
    };

    void workerLoop(const QString &owner, std::vector<IStage *> stages);
    void listenLoop();
    bool processBatch(store::Connection &c, IStage &stage, const QList<queue::Job> &jobs,
                      QList<Result<StageOutput>> &outputs, QList<queue::Job> *stranded);
    bool commitBatch(store::Connection &c, IStage &stage, const QList<queue::Job> &jobs,
                     const QList<Result<StageOutput>> &outputs, Error *err);

    std::shared_ptr<store::Database> m_db;
    std::vector<std::shared_ptr<IStage>> m_stages;
    Options m_options;
    queue::Waker m_waker;
    queue::LeaseKeeper m_keeper;
    std::atomic<bool> m_stopping{false};
    StopToken m_stop; // current on every worker thread: stop() aborts their sleeps and HTTP calls
    std::vector<std::thread> m_threads;
};

} // namespace salesflow::pipeline
