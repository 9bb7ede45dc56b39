#include "emf.h"

#include "metrics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow {

QByteArray emfLine(qint64 timestampMs, const QString &role, const QList<EmfMetric> &metrics)
{
    QJsonObject root{{QStringLiteral("Service"), QStringLiteral("salesflowd")}, {QStringLiteral("Role"), role}};
    QJsonArray definitions;
    for (const EmfMetric &m : metrics.mid(0, 100)) {
        definitions.append(QJsonObject{{QStringLiteral("Name"), m.name}, {QStringLiteral("Unit"), m.unit}});
        root.insert(m.name, m.value);
    }
    const QJsonObject directive{
        {QStringLiteral("Namespace"), QStringLiteral("SalesFlow")},
        {QStringLiteral("Dimensions"), QJsonArray{QJsonArray{QStringLiteral("Service"), QStringLiteral("Role")}}},
        {QStringLiteral("Metrics"), definitions}};
    root.insert(QStringLiteral("_aws"),
                QJsonObject{{QStringLiteral("Timestamp"), double(timestampMs)},
                            {QStringLiteral("CloudWatchMetrics"), QJsonArray{directive}}});
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

QList<EmfMetric> processCounters()
{
    const Metrics &m = Metrics::instance();
    const QString count = QStringLiteral("Count");
    return {
        {QStringLiteral("StageJobsDone"), m.sum("salesflow_stage_jobs_total", "outcome=\"ok\""), count},
        {QStringLiteral("StageJobsFailed"), m.sum("salesflow_stage_jobs_total", "outcome=\"error\""), count},
        {QStringLiteral("LlmCalls"), m.sum("salesflow_llm_calls_total"), count},
        {QStringLiteral("LlmErrors"), m.sum("salesflow_llm_errors_total"), count},
        {QStringLiteral("HubspotRequests"), m.sum("salesflow_hubspot_requests_total"), count},
        {QStringLiteral("Hubspot429"), m.sum("salesflow_hubspot_requests_total", "status=\"429\""), count},
        {QStringLiteral("Hubspot5xx"), m.sum("salesflow_hubspot_requests_total", "status=\"5"), count},
    };
}

} // namespace salesflow
