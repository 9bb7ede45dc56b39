#include "dashboardrepository.h"

#include "eventrepository.h"

#include "../core/ids.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::store {

namespace {

constexpr qint64 kHour = 3600 * 1000;
constexpr qint64 kDay = 24 * kHour;

/// Rows of (bucket, key, value) into points, oldest first.
QList<SeriesPoint> series(const Rows &rows)
{
    QMap<qint64, SeriesPoint> points;
    for (int i = 0; i < rows.size(); ++i) {
        SeriesPoint &p = points[rows.int64(i, 0)];
        p.atMs = rows.int64(i, 0);
        p.values[rows.text(i, 1)] += rows.real(i, 2);
    }
    return points.values();
}

Result<QList<SeriesPoint>> query(Connection &c, const QByteArray &sql, qint64 sinceMs)
{
    auto rows = c.exec(sql, {sinceMs});
    if (!rows)
        return rows.error();
    return series(rows.value());
}

Status readSeries(Connection &c, Dashboard &d)
{
    // Ids are time-ordered: the window is a primary-key range.
    auto events = c.exec("SELECT (received_at / 3600000) * 3600000, source, count(*) FROM raw_events"
                         " WHERE id >= $1 GROUP BY 1, 2",
                         {ids::lowerBound(d.sinceMs)});
    if (!events)
        return events.error();
    d.eventsPerHour = series(events.value());
    auto decisions = query(c,
                           "SELECT (at / 86400000) * 86400000, CASE action WHEN 'review.approve' THEN 'approved'"
                           " ELSE 'rejected' END, count(*) FROM audit_logs WHERE at >= $1 AND action IN"
                           " ('review.approve', 'review.reject') GROUP BY 1, 2",
                           d.sinceMs);
    if (!decisions)
        return decisions.error();
    d.decisionsPerDay = decisions.value();
    auto llm = c.exec("SELECT (created_at / 86400000) * 86400000, sum(input_tokens), sum(output_tokens),"
                      " sum(cost_usd) FROM enrichment_outputs WHERE created_at >= $1 AND reviewed_by IS NULL"
                      " GROUP BY 1 ORDER BY 1",
                      {d.sinceMs});
    if (!llm)
        return llm.error();
    for (int i = 0; i < llm->size(); ++i) {
        d.llmPerDay.append(SeriesPoint{llm->int64(i, 0),
                                       {{QStringLiteral("input_tokens"), llm->real(i, 1)},
                                        {QStringLiteral("output_tokens"), llm->real(i, 2)},
                                        {QStringLiteral("cost_usd"), llm->real(i, 3)}}});
    }
    return Done{};
}

/// HubSpot calls per UTC day, from the writers' shared daily counters (hubspot_state `daily:<day>`;
/// hubspot_calls only keeps the last seconds, for the rate window).
Status readHubspotCalls(Connection &c, Dashboard &d, qint64 nowMs)
{
    auto rows = c.exec("SELECT name, value FROM hubspot_state WHERE name LIKE 'daily:%'", {});
    if (!rows)
        return rows.error();
    QMap<qint64, SeriesPoint> days;
    const qint64 today = (nowMs / kDay) * kDay;
    for (int i = 0; i < rows->size(); ++i) {
        const QDate day = QDate::fromString(rows->text(i, 0).mid(6), Qt::ISODate);
        if (!day.isValid())
            continue;
        const qint64 at = QDateTime(day, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        const qint64 calls = rows->text(i, 1).toLongLong();
        if (at == today)
            d.hubspotCallsToday = calls;
        if (at >= (d.sinceMs / kDay) * kDay)
            days.insert(at, SeriesPoint{at, {{QStringLiteral("calls"), double(calls)}}});
    }
    d.hubspotCallsPerDay = days.values();
    return Done{};
}

/// Each decision in the window with the confidence of the AI's answer it was about; an approval
/// whose version equals the AI's is "unchanged".
Status readVerdicts(Connection &c, Dashboard &d)
{
    for (int b = 0; b < 5; ++b)
        d.confidenceVsVerdict.append(ConfidenceBand{b * 0.2, (b + 1) * 0.2, 0, 0, 0});
    auto rows = c.exec("SELECT a.action, a.before_state, a.after_state, (SELECT e.confidence FROM enrichment_outputs e"
                       " WHERE e.event_id = a.event_id AND e.reviewed_by IS NULL ORDER BY e.id DESC LIMIT 1)"
                       " FROM audit_logs a WHERE a.at >= $1 AND a.action IN ('review.approve', 'review.reject')"
                       " ORDER BY a.id DESC LIMIT 20000",
                       {d.sinceMs});
    if (!rows)
        return rows.error();
    for (int i = 0; i < rows->size(); ++i) {
        ConfidenceBand &band = d.confidenceVsVerdict[qBound(0, int(rows->real(i, 3) * 5), 4)];
        if (rows->text(i, 0) == QLatin1String("review.reject"))
            ++band.rejected;
        else if (QJsonDocument::fromJson(rows->bytes(i, 1)).object()
                 == QJsonDocument::fromJson(rows->bytes(i, 2)).object())
            ++band.approvedUnchanged;
        else
            ++band.approvedEdited;
    }
    return Done{};
}

} // namespace

Result<Dashboard> DashboardRepository::read(Connection &c, qint64 sinceMs, qint64 nowMs)
{
    Dashboard d;
    d.sinceMs = sinceMs;
    auto counts = EventRepository::countByStatus(c);
    if (!counts)
        return counts.error();
    d.byStatus = counts.value();
    d.reviewQueue = d.byStatus.value(EventStatus::InReview);
    auto intents = c.exec("SELECT intent, count(*) FROM enrichment_outputs WHERE created_at >= $1 AND reviewed_by IS"
                          " NULL AND intent IS NOT NULL GROUP BY intent",
                          {sinceMs});
    if (!intents)
        return intents.error();
    for (int i = 0; i < intents->size(); ++i)
        d.intents[intents->text(i, 0)] = intents->int64(i, 1);
    if (Status s = readSeries(c, d); !s)
        return s.error();
    if (Status s = readVerdicts(c, d); !s)
        return s.error();
    if (Status s = readHubspotCalls(c, d, nowMs); !s)
        return s.error();
    return d;
}

} // namespace salesflow::store
