#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace salesflow::http {

/// Deadlines per connection, enforced from a thread of its own: a connection must deliver a
/// complete request head within the head timeout of connecting (or of its previous answer), and
/// its body within the body timeout of the head. One that misses its deadline is shut down
/// (shutdown(2) on its socket: the server sees the end of the stream and closes it), so a client
/// that trickles a byte every few seconds cannot hold a connection for ever.
class ConnectionWatch
{
public:
    ConnectionWatch(int headTimeoutMs, int bodyTimeoutMs);
    ~ConnectionWatch();
    ConnectionWatch(const ConnectionWatch &) = delete;
    ConnectionWatch &operator=(const ConnectionWatch &) = delete;

    void opened(const void *connection, int fd); ///< head deadline starts
    void headArrived(const void *connection, bool expectsBody); ///< body deadline, or none
    void bodyArrived(const void *connection); ///< the application has it: no deadline
    void answered(const void *connection); ///< waiting for the next head
    /// Must come before the socket is closed: after it, the descriptor is never touched again.
    void closed(const void *connection);
    /// Connections shut down for a missed deadline so far.
    qint64 expired() const;

private:
    struct Watched
    {
        int fd = -1;
        qint64 deadlineMs = 0; ///< 0: none (the application is answering)
    };
    void run();
    void setDeadline(const void *connection, int afterMs);

    const int m_headTimeoutMs;
    const int m_bodyTimeoutMs;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    qint64 m_expired = 0;
    std::unordered_map<const void *, Watched> m_watched;
    std::thread m_thread;
};

} // namespace salesflow::http
