#include "leasekeeper.h"

#include "../core/clock.h"
#include "../core/logging.h"
#include "../store/database.h"

namespace salesflow::queue {

LeaseKeeper::LeaseKeeper(std::shared_ptr<store::Database> db, qint64 leaseMs) : m_db(std::move(db)), m_leaseMs(leaseMs)
{ }

LeaseKeeper::~LeaseKeeper()
{
    stop();
}

void LeaseKeeper::start()
{
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { loop(); });
}

void LeaseKeeper::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void LeaseKeeper::hold(const QList<Job> &jobs, qint64 maxRunMs)
{
    const qint64 until = nowMs() + qMax(maxRunMs, m_leaseMs);
    std::lock_guard lock(m_mutex);
    for (const Job &j : jobs)
        m_held.insert(j.id, Held{j, until});
}

void LeaseKeeper::release(const QList<Job> &jobs)
{
    std::lock_guard lock(m_mutex);
    for (const Job &j : jobs)
        m_held.remove(j.id);
}

void LeaseKeeper::loop()
{
    std::unique_ptr<store::Connection> conn;
    const auto every = std::chrono::milliseconds(qMax<qint64>(50, m_leaseMs / 3));
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, every, [this] { return m_stopping; });
        if (m_stopping || m_held.isEmpty())
            continue;
        lock.unlock();
        renewAll(conn);
        lock.lock();
    }
}

void LeaseKeeper::renewAll(std::unique_ptr<store::Connection> &conn)
{
    const qint64 now = nowMs();
    QList<Job> renew;
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_held.begin(); it != m_held.end();) {
            if (it->untilMs <= now) {
                qCWarning(lcQueue) << "job" << it->job.id << "of" << it->job.stage
                                   << "ran past its stage's longest run time; its lease is let go";
                it = m_held.erase(it);
            } else {
                renew.append(it->job);
                ++it;
            }
        }
    }
    if (renew.isEmpty())
        return;
    if (!conn || conn->broken()) {
        auto c = m_db->connect();
        if (!c) {
            qCWarning(lcQueue) << "lease heartbeat cannot connect:" << c.error().message;
            return;
        }
        conn = std::move(c).value();
    }
    if (auto r = JobQueue::renew(*conn, renew, now + m_leaseMs); !r)
        qCWarning(lcQueue) << "lease heartbeat failed:" << r.error().message;
}

} // namespace salesflow::queue
