#include "connectionwatch.h"

#include <QDeadlineTimer>

#include <sys/socket.h>

namespace salesflow::http {

namespace {

qint64 nowMs()
{
    return QDeadlineTimer::current().deadline();
}

} // namespace

ConnectionWatch::ConnectionWatch(int headTimeoutMs, int bodyTimeoutMs)
    : m_headTimeoutMs(headTimeoutMs), m_bodyTimeoutMs(bodyTimeoutMs), m_thread([this] { run(); })
{ }

ConnectionWatch::~ConnectionWatch()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void ConnectionWatch::setDeadline(const void *connection, int afterMs)
{
    std::lock_guard lock(m_mutex);
    auto it = m_watched.find(connection);
    if (it != m_watched.end())
        it->second.deadlineMs = afterMs > 0 ? nowMs() + afterMs : 0;
}

void ConnectionWatch::opened(const void *connection, int fd)
{
    std::lock_guard lock(m_mutex);
    m_watched[connection] = Watched{fd, nowMs() + m_headTimeoutMs};
}

void ConnectionWatch::headArrived(const void *connection, bool expectsBody)
{
    setDeadline(connection, expectsBody ? m_bodyTimeoutMs : 0);
}

void ConnectionWatch::bodyArrived(const void *connection)
{
    setDeadline(connection, 0);
}

void ConnectionWatch::answered(const void *connection)
{
    setDeadline(connection, m_headTimeoutMs);
}

void ConnectionWatch::closed(const void *connection)
{
    std::lock_guard lock(m_mutex);
    m_watched.erase(connection);
}

qint64 ConnectionWatch::expired() const
{
    std::lock_guard lock(m_mutex);
    return m_expired;
}

void ConnectionWatch::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, std::chrono::milliseconds(250));
        const qint64 now = nowMs();
        for (auto &[connection, w] : m_watched) {
            if (w.deadlineMs == 0 || now < w.deadlineMs)
                continue;
            // Under the lock: closed() cannot have run, so the descriptor is still this socket.
            ::shutdown(w.fd, SHUT_RDWR);
            w.deadlineMs = 0;
            ++m_expired;
        }
    }
}

} // namespace salesflow::http
