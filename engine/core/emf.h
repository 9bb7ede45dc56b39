#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace salesflow {

/// One value of a CloudWatch Embedded Metric Format line.
struct EmfMetric
{
    QString name;
    double value = 0;
    QString unit; ///< a CloudWatch unit: Count, Seconds, None, ...
};

/// One CloudWatch Embedded Metric Format log line (no newline): namespace SalesFlow, dimensions
/// Service and Role, the metrics given (at most 100, CloudWatch's limit per directive; the
/// rest are dropped). CloudWatch Logs turns such a line into metrics without an agent or API
/// call; other shippers see an ordinary JSON line. Never fails.
QByteArray emfLine(qint64 timestampMs, const QString &role, const QList<EmfMetric> &metrics);

/// The process's own counters that EMF reports, as totals so far (Metrics::instance()): jobs
/// finished and failed by the stages, LLM calls and errors, HubSpot responses (all, 429, 5xx).
/// The reporter sends the change since its last line.
QList<EmfMetric> processCounters();

} // namespace salesflow
