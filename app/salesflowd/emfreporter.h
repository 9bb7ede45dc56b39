#pragma once

#include "engine/api/iengine.h"
#include "engine/core/emf.h"

#include <QObject>
#include <QTimer>

namespace salesflow::cli {

/// `salesflowd serve` with SALESFLOW_EMF_INTERVAL_S=N: every N seconds one CloudWatch Embedded
/// Metric Format line on stderr, beside the JSON log lines — this process's counters since the
/// last line (stage jobs done and failed, LLM calls and errors, HubSpot responses, 429s, 5xx)
/// and, where the process serves the API, the store's gauges (queue depth, oldest job's age,
/// failed events, review backlog, HubSpot calls left today). A store that does not answer
/// leaves the gauges out of that line; nothing else fails.
class EmfReporter : public QObject
{
    Q_OBJECT

public:
    EmfReporter(IEngine *engine, QString role, int intervalSeconds, QObject *parent = nullptr);

private:
    void report();
    void write(QList<EmfMetric> metrics) const;

    IEngine *m_engine;
    QString m_role;
    QTimer m_timer;
    QList<EmfMetric> m_last;
};

} // namespace salesflow::cli
