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
/// One line per answered request (method, path, status, duration); off unless turned on with
/// QT_LOGGING_RULES="salesflow.access.info=true".
Q_DECLARE_LOGGING_CATEGORY(lcAccess)

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

/// What the log lines written on this thread are about: the JSON handler adds the fields that
/// are set (`request_id`, `trace_id`, `event_id`, `stage`) to every line, so a log shipper can
/// follow one request, and one event through every stage, without parsing messages.
struct LogContext
{
    QString requestId; ///< the HTTP request being answered (X-Request-Id, or one made up)
    QString traceId; ///< W3C trace-context trace id the caller sent (traceparent), if any
    QString eventId; ///< the event a stage is working on
    QString stage; ///< the pipeline stage running
};

/// Sets the non-empty fields of `add` on this thread's LogContext for the scope's lifetime and
/// puts the previous ones back at its end. Never fails.
class LogScope
{
public:
    explicit LogScope(const LogContext &add);
    ~LogScope();
    LogScope(const LogScope &) = delete;
    LogScope &operator=(const LogScope &) = delete;

    /// This thread's context.
    static const LogContext &current();

private:
    LogContext m_previous;
};

/// Headless mode: every log line becomes one JSON object on stderr (for log shippers such as
/// CloudWatch Logs, Loki, Fluent Bit): `timestamp` (RFC 3339, UTC, ms), `level`, `category`,
/// `message`, `service`, `role`, and the LogContext fields that are set. `role` is the
/// `--role` the process serves.
void installJsonLogHandler(const QString &role = QString());

/// One JSON log line (no newline) as the handler writes it; for tests.
QByteArray jsonLogLine(QtMsgType type, const char *category, const QString &message);
} // namespace salesflow
