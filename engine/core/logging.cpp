#include "logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

Q_LOGGING_CATEGORY(lcStore, "salesflow.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcQueue, "salesflow.queue", QtInfoMsg)
Q_LOGGING_CATEGORY(lcIngest, "salesflow.ingest", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "salesflow.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "salesflow.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEngine, "salesflow.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHubspot, "salesflow.hubspot", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLlm, "salesflow.llm", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "salesflow.access", QtWarningMsg)

namespace salesflow {

namespace {

thread_local LogContext t_context;
QString g_role; // set once, before any thread logs

void putIfSet(QJsonObject &o, const char *key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(QLatin1String(key), value);
}

void jsonHandler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    const QByteArray line = jsonLogLine(type, ctx.category, msg) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

LogScope::LogScope(const LogContext &add) : m_previous(t_context)
{
    if (!add.requestId.isEmpty())
        t_context.requestId = add.requestId;
    if (!add.traceId.isEmpty())
        t_context.traceId = add.traceId;
    if (!add.eventId.isEmpty())
        t_context.eventId = add.eventId;
    if (!add.stage.isEmpty())
        t_context.stage = add.stage;
}

LogScope::~LogScope()
{
    t_context = std::move(m_previous);
}

const LogContext &LogScope::current()
{
    return t_context;
}

QByteArray jsonLogLine(QtMsgType type, const char *category, const QString &message)
{
    static const char *const levels[] = {"debug", "warning", "error", "fatal", "info"};
    QJsonObject o;
    o.insert(QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("level"), QString::fromLatin1(levels[int(type) < 5 ? int(type) : 0]));
    o.insert(QStringLiteral("category"), QString::fromLatin1(category ? category : "default"));
    o.insert(QStringLiteral("message"), message);
    o.insert(QStringLiteral("service"), QStringLiteral("salesflowd"));
    putIfSet(o, "role", g_role);
    putIfSet(o, "request_id", t_context.requestId);
    putIfSet(o, "trace_id", t_context.traceId);
    putIfSet(o, "event_id", t_context.eventId);
    putIfSet(o, "stage", t_context.stage);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void installJsonLogHandler(const QString &role)
{
    g_role = role;
    qInstallMessageHandler(jsonHandler);
}

} // namespace salesflow

namespace salesflow {

bool LogThrottle::allow(qint64 *suppressed)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 last = m_last.load();
    if (now - last < m_intervalMs || !m_last.compare_exchange_strong(last, now)) {
        ++m_held;
        return false;
    }
    const qint64 held = m_held.exchange(0);
    if (suppressed)
        *suppressed = held;
    return true;
}

} // namespace salesflow
