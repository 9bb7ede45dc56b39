#pragma once

#include <QList>
#include <QMap>
#include <QString>

namespace salesflow {

/// One bucket of a time series: its start (epoch ms) and a value per key (a source, a decision).
struct SeriesPoint
{
    qint64 atMs = 0;
    QMap<QString, double> values;
};

/// Reviewer verdicts on the AI's answers whose confidence fell in [from, to).
struct ConfidenceBand
{
    double from = 0;
    double to = 0;
    qint64 approvedUnchanged = 0;
    qint64 approvedEdited = 0;
    qint64 rejected = 0;
};

/// What the admin's dashboard shows (GET /v1/dashboard?since=): how the pipeline is doing.
struct Dashboard
{
    qint64 sinceMs = 0;
    QList<SeriesPoint> eventsPerHour; ///< received per hour, by source
    QMap<QString, qint64> byStatus; ///< now
    QMap<QString, qint64> intents; ///< the AI's answers in the window, by intent
    qint64 reviewQueue = 0; ///< waiting now
    QList<SeriesPoint> decisionsPerDay; ///< "approved", "rejected"
    QList<ConfidenceBand> confidenceVsVerdict; ///< five bands of 0.2
    QList<SeriesPoint> llmPerDay; ///< "input_tokens", "output_tokens", "cost_usd"
    QList<SeriesPoint> hubspotCallsPerDay; ///< "calls"
    qint64 hubspotCallsToday = 0;
    qint64 hubspotDailyBudget = 0;
};

} // namespace salesflow
