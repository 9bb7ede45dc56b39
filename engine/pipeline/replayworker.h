#pragma once

#include "../core/stoptoken.h"
#include "../queue/waker.h"
#include "../store/replayrepository.h"

#include <QString>

#include <functional>
#include <memory>
#include <thread>

namespace salesflow::store {
class Database;
}

namespace salesflow::pipeline {

class Preview;

/// Works the replays of the store in the background, one at a time per process: takes a
/// replay's lease, fixes nothing it has not been asked (the selection was fixed at the start),
/// and goes through its items in bounded batches. A real replay requeues each batch in one
/// transaction with the items' states, so a batch is applied wholly or not at all; a dry run
/// computes each item with Preview outside any transaction and records the batch's diffs. The
/// lease is renewed with every batch; a worker that dies loses it after `leaseMs`, and whoever
/// claims it next goes on from the first pending item (the replay's `resumed` counts it). A
/// cancel is seen at the next batch. Failures of single items are recorded on the item; a store
/// failure leaves the lease to lapse and is logged.
class ReplayWorker
{
public:
    struct Options
    {
        QString owner; ///< lease owner (host:pid)
        int maxAttempts = 5; ///< of the jobs a real replay enqueues
        qint64 leaseMs = 30 * 1000;
        int realBatch = 200;
        int dryBatch = 20;
        int idleMs = 1000; ///< how often to look for work when not woken
    };

    /// `preview` may be null: dry runs then fail with a clear error (no LLM configured).
    ReplayWorker(std::shared_ptr<store::Database> db, std::shared_ptr<Preview> preview, Options options,
                 std::function<void()> changed);
    ~ReplayWorker();

    void start();
    /// Finishes the item in hand, then returns; the lease lapses for another worker to resume.
    void stop();
    /// Looks for work now (a replay was just started).
    void wake();

private:
    void loop();
    Status work(store::Connection &c, const store::ReplayLease &lease);
    /// One batch; false when there was nothing left (the replay is finished).
    Result<bool> batch(store::Connection &c, const store::ReplayLease &lease);
    Status realBatch(store::Connection &c, const store::ReplayLease &lease, const QList<QPair<int, QString>> &items);
    Status dryBatch(store::Connection &c, const store::ReplayLease &lease, const QList<QPair<int, QString>> &items);

    std::shared_ptr<store::Database> m_db;
    std::shared_ptr<Preview> m_preview;
    Options m_options;
    std::function<void()> m_changed;
    StopToken m_stop;
    queue::Waker m_waker;
    std::thread m_thread;
};

} // namespace salesflow::pipeline
