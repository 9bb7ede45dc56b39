#pragma once
// The heartbeat of running jobs: a job's lease is short (SALESFLOW_LEASE_MS, 20 s by default) and
// renewed every third of it while its run goes on, so a slow LLM call keeps its lease and a
// worker killed with `kill -9` lets go of its jobs within one lease, when another worker takes
// them. How it fails: when the store cannot be reached the renewals fail and the leases lapse —
// another worker may then run the same job, and the lease token still lets only one of the two
// commit (JobQueue::complete). A run that hangs is renewed only up to its stage's longest run
// time (IStage::leaseMs(): 15 min for enrich, 10 for write), then let go.

#include "jobqueue.h"

#include <QHash>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace salesflow::store {
class Database;
}

namespace salesflow::queue {

class LeaseKeeper
{
public:
    LeaseKeeper(std::shared_ptr<store::Database> db, qint64 leaseMs);
    ~LeaseKeeper();
    LeaseKeeper(const LeaseKeeper &) = delete;
    LeaseKeeper &operator=(const LeaseKeeper &) = delete;

    void start();
    void stop();

    /// Keeps renewing these leased jobs until release(), for at most `maxRunMs` from now.
    void hold(const QList<Job> &jobs, qint64 maxRunMs);
    void release(const QList<Job> &jobs);

    qint64 leaseMs() const { return m_leaseMs; }

private:
    struct Held
    {
        Job job;
        qint64 untilMs;
    };
    void loop();
    /// One round: every held job's lease moved to now + leaseMs, those past their run time dropped.
    void renewAll(std::unique_ptr<store::Connection> &conn);

    std::shared_ptr<store::Database> m_db;
    qint64 m_leaseMs;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    QHash<qint64, Held> m_held;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace salesflow::queue
