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

namespace salesflow {

static void jsonHandler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    static const char *const levels[] = {"debug", "warning", "critical", "fatal", "info"};
    QJsonObject o;
    o.insert(QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("level"), QString::fromLatin1(levels[int(type) < 5 ? int(type) : 0]));
    o.insert(QStringLiteral("category"), QString::fromLatin1(ctx.category ? ctx.category : "default"));
    o.insert(QStringLiteral("msg"), msg);
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

void installJsonLogHandler()
{
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
