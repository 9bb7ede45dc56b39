#include "emfreporter.h"

#include <QDateTime>

#include <cstdio>

namespace salesflow::cli {

namespace {

/// The store's gauges of `s` as EMF metrics.
QList<EmfMetric> storeGauges(const Stats &s)
{
    qint64 depth = 0, oldestMs = 0;
    for (qint64 n : s.queueByStage)
        depth += n;
    for (qint64 age : s.oldestJobAgeMs)
        oldestMs = qMax(oldestMs, age);
    const QString count = QStringLiteral("Count");
    return {
        {QStringLiteral("QueueDepth"), double(depth), count},
        {QStringLiteral("QueueOldestJobAge"), double(oldestMs) / 1000.0, QStringLiteral("Seconds")},
        {QStringLiteral("EventsFailed"), double(s.byStatus.value(EventStatus::Failed)), count},
        {QStringLiteral("ReviewBacklog"), double(s.byStatus.value(EventStatus::InReview)), count},
        {QStringLiteral("HubspotDailyBudgetRemaining"),
         double(qMax<qint64>(0, s.hubspotDailyBudget - s.hubspotCallsToday)), count},
    };
}

} // namespace

EmfReporter::EmfReporter(IEngine *engine, QString role, int intervalSeconds, QObject *parent)
    : QObject(parent), m_engine(engine), m_role(std::move(role)), m_last(processCounters())
{
    connect(&m_timer, &QTimer::timeout, this, &EmfReporter::report);
    m_timer.start(intervalSeconds * 1000);
}

void EmfReporter::report()
{
    const QList<EmfMetric> now = processCounters();
    QList<EmfMetric> metrics;
    for (qsizetype i = 0; i < now.size(); ++i)
        metrics.append({now[i].name, now[i].value - m_last.value(i).value, now[i].unit});
    m_last = now;
    if (m_role == QLatin1String("worker"))
        return write(metrics);
    m_engine->stats(Caller::cli(QStringLiteral("metrics"))).then(this, [this, metrics](const Result<Stats> &s) {
        write(s ? metrics + storeGauges(s.value()) : metrics);
    });
}

void EmfReporter::write(QList<EmfMetric> metrics) const
{
    const QByteArray line = emfLine(QDateTime::currentMSecsSinceEpoch(), m_role, metrics) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace salesflow::cli
