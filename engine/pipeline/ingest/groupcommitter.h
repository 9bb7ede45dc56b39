#pragma once

#include "../../store/eventrepository.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace salesflow::store {
class Connection;
class Database;
} // namespace salesflow::store

namespace salesflow::pipeline {

/// Group commit for ingest: concurrent submissions wait in a queue; committer threads each take
/// everything waiting (up to a cap) and store it in one transaction, so a burst of requests
/// costs one fsync, not one each. A submission's future resolves only after its commit
/// succeeded — or fails, and then nothing of it was written: 503 when the store is unavailable
/// (its address is never quoted to clients), 400 `ingest.refused` when the store refused this
/// submission's data; a submission the store refuses never fails the others of its batch.
class GroupCommitter
{
public:
    using Receipts = Result<QList<IngestReceipt>>;
    /// Called once with a submission's outcome, on a committer thread (or the caller's, when
    /// the committer is stopping). A plain call rather than a future the caller chains with
    /// `.then()`: that continuation, attached on the submitting thread while a committer
    /// finished the future, once crashed under Qt 6.4.2 (SIGSEGV in its QPromise::start on the
    /// committer thread, TestIngest under ctest -j2).
    using Done = std::function<void(const Receipts &)>;

    GroupCommitter(std::shared_ptr<store::Database> db, QString firstStage, int maxAttempts, int threads,
                   std::function<void()> onCommitted);
    ~GroupCommitter();
    GroupCommitter(const GroupCommitter &) = delete;
    GroupCommitter &operator=(const GroupCommitter &) = delete;

    void submit(QList<store::NewRawEvent> events, Done done);
    void stop();

    std::atomic<qint64> commits{0};
    std::atomic<qint64> committedEvents{0};

private:
    struct Pending
    {
        QList<store::NewRawEvent> events;
        Done done;
    };
    void loop();
    std::vector<Pending> takeBatch();
    Receipts commit(std::unique_ptr<store::Connection> &conn, const QList<store::NewRawEvent> &events,
                    bool *maybeCommitted);
    void commitEach(std::unique_ptr<store::Connection> &conn, std::vector<Pending> &batch);
    static void answer(Pending &p, const Receipts &receipts);

    std::shared_ptr<store::Database> m_db;
    QString m_firstStage;
    int m_maxAttempts;
    std::function<void()> m_onCommitted;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Pending> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace salesflow::pipeline
