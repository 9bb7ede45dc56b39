#pragma once

#include <QString>

#include <condition_variable>
#include <mutex>

namespace salesflow::queue {

/// Wakes idle workers when jobs arrive: in-process for SQLite (and for jobs this process
/// enqueued), fed by LISTEN/NOTIFY for jobs other PostgreSQL processes enqueued.
class Waker
{
public:
    void notify();
    /// The current generation: take it before looking for work, then wait() with it, so a
    /// notification that arrives in between is not missed.
    quint64 generation() const;
    /// Sleeps until notified after `seen` or `timeoutMs` passed; returns true when notified.
    bool wait(quint64 seen, int timeoutMs);
    void stop();
    bool stopped() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    quint64 m_generation = 0;
    bool m_stopped = false;
};

} // namespace salesflow::queue
