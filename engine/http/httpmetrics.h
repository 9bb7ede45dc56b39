#pragma once

#include <QByteArray>
#include <QMap>
#include <QMutex>

#include <atomic>

namespace salesflow::http {

/// Request and response counters of the whole process: every server thread counts into the
/// one instance, so /metrics says the same whichever thread answers it.
class HttpMetrics
{
public:
    void request() { ++m_requests; }
    void response(int status);
    /// Prometheus text exposition of the counters.
    QByteArray exposition() const;

private:
    std::atomic<qint64> m_requests{0};
    mutable QMutex m_mutex;
    QMap<int, qint64> m_responses;
};

} // namespace salesflow::http
