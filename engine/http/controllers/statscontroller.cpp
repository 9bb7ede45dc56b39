#include "statscontroller.h"

#include "../../api/json.h"
#include "../../core/metrics.h"

namespace salesflow::http {

void StatsController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Get, QStringLiteral("/v1/stats"), Permission::Read, [this](const Request &rq, const ReplyPtr &r) {
                    answer(m_engine->stats(rq.caller), r, [](const Stats &s) { return json::toJson(s); });
                }});
    router.add(
        {M::Get, QStringLiteral("/v1/dashboard"), Permission::Read, [this](const Request &rq, const ReplyPtr &r) {
             const qint64 since = json::parseTime(rq.queryValue("since"));
             if (since < 0)
                 return r->problem(badQuery("query.time", QStringLiteral("since is ISO 8601 or epoch milliseconds")));
             answer(m_engine->dashboard(rq.caller, since), r, [](const Dashboard &d) { return json::toJson(d); });
         }});
    router.add({M::Get, QStringLiteral("/metrics"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { metrics(rq, r); }});
}

namespace {

void header(QByteArray &out, const char *name, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " gauge\n";
}

void gauge(QByteArray &out, const char *name, const char *help, qint64 value)
{
    header(out, name, help);
    out += QByteArray(name) + ' ' + QByteArray::number(value) + '\n';
}

void gauges(QByteArray &out, const char *name, const char *help, const char *label, const QMap<QString, qint64> &values)
{
    header(out, name, help);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        out += QByteArray(name) + '{' + label + "=\"" + it.key().toUtf8() + "\"} " + QByteArray::number(it.value())
            + '\n';
}

} // namespace

QByteArray statsExposition(const Stats &s)
{
    QByteArray out;
    gauges(out, "salesflow_events", "Events in the store, by status.", "status", s.byStatus);
    gauges(out, "salesflow_events_by_source", "Events in the store, by source.", "source", s.bySource);
    gauges(out, "salesflow_queue_jobs", "Jobs waiting or leased, by stage.", "stage", s.queueByStage);
    gauges(out, "salesflow_queue_oldest_job_age_ms", "Age of the oldest queued job, by stage (milliseconds).", "stage",
           s.oldestJobAgeMs);
    gauge(out, "salesflow_replays_running", "Replays choosing their events or working through them.", s.replaysRunning);
    gauge(out, "salesflow_hubspot_paused_until_timestamp_seconds",
          "Writers wait until then (Unix time; 0: not paused) after a 429 or the budget headers said so.",
          s.hubspotPausedUntilMs / 1000);
    gauge(out, "salesflow_enrichments", "Enrichment outputs stored.", s.enrichments);
    gauges(out, "salesflow_llm_tokens", "LLM tokens used by stored enrichments, by kind.", "kind",
           {{QStringLiteral("input"), s.llmInputTokens},
            {QStringLiteral("output"), s.llmOutputTokens},
            {QStringLiteral("cached"), s.llmCachedTokens}});
    gauges(out, "salesflow_hubspot_actions", "HubSpot actions in the ledger, by status.", "status", s.actionsByStatus);
    gauge(out, "salesflow_hubspot_calls_today", "HubSpot calls by all writers today (UTC).", s.hubspotCallsToday);
    gauge(out, "salesflow_hubspot_daily_budget_remaining",
          "HubSpot calls SalesFlow may still make today (the daily quota less the reserve, less today's calls).",
          qMax<qint64>(0, s.hubspotDailyBudget - s.hubspotCallsToday));
    header(out, "salesflow_llm_estimated_cost_usd", "Estimated cost of stored enrichments (price table).");
    out += "salesflow_llm_estimated_cost_usd " + QByteArray::number(s.llmCostUsd, 'f', 6) + "\n";
    return out;
}

void StatsController::metrics(const Request &request, const ReplyPtr &reply)
{
    QByteArray out = m_metrics->exposition() + Metrics::instance().exposition();
    m_engine->stats(request.caller).then(m_context, [reply, out](const Result<Stats> &s) mutable {
        if (s)
            out += statsExposition(s.value());
        out += "# HELP salesflow_store_up Whether the store answered.\n# TYPE salesflow_store_up gauge\n"
               "salesflow_store_up "
            + QByteArray(s ? "1" : "0") + "\n";
        reply->send(200, out, "text/plain; version=0.0.4");
    });
}

} // namespace salesflow::http
