#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcQueue)
Q_DECLARE_LOGGING_CATEGORY(lcIngest)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcPipeline)
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcHubspot)
Q_DECLARE_LOGGING_CATEGORY(lcLlm)

#include <atomic>

namespace salesflow {

/// Lets one line through per interval and counts the rest, for lines a client can provoke at
/// will (refused submissions, store failures): a flood costs one line a period, not one a request.
class LogThrottle
{
public:
    explicit LogThrottle(qint64 intervalMs) : m_intervalMs(intervalMs) { }
    /// True when a line may be written now; `suppressed` gets how many were held back since the
    /// last one that was.
    bool allow(qint64 *suppressed = nullptr);

private:
    const qint64 m_intervalMs;
    std::atomic<qint64> m_last{0};
    std::atomic<qint64> m_held{0};
};

/// Headless mode: every log line becomes one JSON object on stderr (for log shippers).
void installJsonLogHandler();
} // namespace salesflow
