// The JSON codec of the dashboard (GET /v1/dashboard): times as ISO 8601, maps as objects.
#include "jsonhelpers_p.h"

namespace salesflow::json {

using namespace detail;

namespace {

QJsonObject numbers(const QMap<QString, double> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonArray points(const QList<SeriesPoint> &series)
{
    QJsonArray a;
    for (const SeriesPoint &p : series)
        a.append(QJsonObject{{QStringLiteral("at"), isoTime(p.atMs)}, {QStringLiteral("values"), numbers(p.values)}});
    return a;
}

QList<SeriesPoint> pointsOf(const QJsonObject &o, const char *key)
{
    QList<SeriesPoint> out;
    for (const QJsonValue &v : o.value(QLatin1String(key)).toArray()) {
        const QJsonObject p = v.toObject();
        SeriesPoint point{time(p, "at"), {}};
        const QJsonObject values = object(p, "values");
        for (auto it = values.begin(); it != values.end(); ++it)
            point.values.insert(it.key(), it.value().toDouble());
        out.append(point);
    }
    return out;
}

} // namespace

QJsonObject toJson(const Dashboard &d)
{
    QJsonArray bands;
    for (const ConfidenceBand &b : d.confidenceVsVerdict) {
        bands.append(QJsonObject{{QStringLiteral("from"), b.from},
                                 {QStringLiteral("to"), b.to},
                                 {QStringLiteral("approved_unchanged"), b.approvedUnchanged},
                                 {QStringLiteral("approved_edited"), b.approvedEdited},
                                 {QStringLiteral("rejected"), b.rejected}});
    }
    return QJsonObject{{QStringLiteral("since"), isoTime(d.sinceMs)},
                       {QStringLiteral("events_per_hour"), points(d.eventsPerHour)},
                       {QStringLiteral("by_status"), counts(d.byStatus)},
                       {QStringLiteral("intents"), counts(d.intents)},
                       {QStringLiteral("review_queue"), d.reviewQueue},
                       {QStringLiteral("decisions_per_day"), points(d.decisionsPerDay)},
                       {QStringLiteral("confidence_vs_verdict"), bands},
                       {QStringLiteral("llm_per_day"), points(d.llmPerDay)},
                       {QStringLiteral("hubspot_calls_per_day"), points(d.hubspotCallsPerDay)},
                       {QStringLiteral("hubspot_calls_today"), d.hubspotCallsToday},
                       {QStringLiteral("hubspot_daily_budget"), d.hubspotDailyBudget}};
}

template<>
Dashboard fromJson<Dashboard>(const QJsonObject &o)
{
    Dashboard d;
    d.sinceMs = time(o, "since");
    d.eventsPerHour = pointsOf(o, "events_per_hour");
    d.byStatus = counts(object(o, "by_status"));
    d.intents = counts(object(o, "intents"));
    d.reviewQueue = int64(o, "review_queue");
    d.decisionsPerDay = pointsOf(o, "decisions_per_day");
    for (const QJsonValue &v : o.value(QLatin1String("confidence_vs_verdict")).toArray()) {
        const QJsonObject b = v.toObject();
        d.confidenceVsVerdict.append(
            ConfidenceBand{b.value(QLatin1String("from")).toDouble(), b.value(QLatin1String("to")).toDouble(),
                           int64(b, "approved_unchanged"), int64(b, "approved_edited"), int64(b, "rejected")});
    }
    d.llmPerDay = pointsOf(o, "llm_per_day");
    d.hubspotCallsPerDay = pointsOf(o, "hubspot_calls_per_day");
    d.hubspotCallsToday = int64(o, "hubspot_calls_today");
    d.hubspotDailyBudget = int64(o, "hubspot_daily_budget");
    return d;
}

} // namespace salesflow::json
