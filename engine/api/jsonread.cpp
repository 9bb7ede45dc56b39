#include "json.h"
#include "jsonhelpers_p.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace salesflow::json {

namespace {
using namespace detail;

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QByteArray rawPayload(const QJsonObject &raw)
{
    const QString payload = str(raw, "payload");
    if (str(raw, "encoding") == QLatin1String("base64"))
        return QByteArray::fromBase64(payload.toLatin1());
    return payload.toUtf8();
}
} // namespace

template<>
EventSummary fromJson<EventSummary>(const QJsonObject &o)
{
    EventSummary e{str(o, "id"),           str(o, "source"),       str(o, "status"),      str(o, "content_type"),
                   str(o, "dedup_key"),    time(o, "received_at"), time(o, "updated_at"), int64(o, "size_bytes"),
                   str(o, "failed_stage"), str(o, "last_error"),   str(o, "contact"),     str(o, "company"),
                   str(o, "subject"),      str(o, "intent"),       std::nullopt};
    if (o.value(QStringLiteral("confidence")).isDouble())
        e.confidence = o.value(QStringLiteral("confidence")).toDouble();
    return e;
}

template<>
EventPage fromJson<EventPage>(const QJsonObject &o)
{
    return EventPage{list<EventSummary>(o, "items"), str(o, "next")};
}

template<>
AuditEntry fromJson<AuditEntry>(const QJsonObject &o)
{
    return AuditEntry{int64(o, "id"),   str(o, "event_id"), str(o, "actor"),  str(o, "action"),
                      str(o, "before"), str(o, "after"),    str(o, "detail"), time(o, "at")};
}

template<>
AuditPage fromJson<AuditPage>(const QJsonObject &o)
{
    return AuditPage{list<AuditEntry>(o, "items"), str(o, "next")};
}

template<>
JobInfo fromJson<JobInfo>(const QJsonObject &o)
{
    return JobInfo{int64(o, "id"),       str(o, "stage"),       int(int64(o, "attempts")),
                   time(o, "run_after"), str(o, "lease_owner"), str(o, "last_error")};
}

template<>
NormalisedInfo fromJson<NormalisedInfo>(const QJsonObject &o)
{
    const QJsonObject linked = object(o, "linked");
    return NormalisedInfo{
        str(o, "kind"),         time(o, "occurred_at"), str(o, "actor"),    str(o, "company"),
        str(o, "deal_ref"),     str(o, "subject"),      str(o, "text"),     compact(object(o, "attributes")),
        str(linked, "contact"), str(linked, "company"), str(linked, "deal")};
}

template<>
EnrichmentInfo fromJson<EnrichmentInfo>(const QJsonObject &o)
{
    EnrichmentInfo e;
    e.id = int64(o, "id");
    e.summary = str(o, "summary");
    e.intent = str(o, "intent");
    e.leadQuality = int(int64(o, "lead_quality"));
    for (const QJsonValue &v : o.value(QStringLiteral("objections")).toArray())
        e.objections.append(ObjectionInfo{str(v.toObject(), "category"), str(v.toObject(), "evidence")});
    e.nextAction = str(o, "next_action");
    e.followUpSubject = str(object(o, "follow_up_email"), "subject");
    e.followUpBody = str(object(o, "follow_up_email"), "body");
    e.leadScoreChange = int(int64(o, "lead_score_change"));
    e.confidence = o.value(QStringLiteral("confidence")).toDouble();
    e.outcome = str(o, "outcome");
    e.reviewState = str(o, "review_state");
    e.reviewReasons = strings(o, "review_reasons");
    e.validationNotes = strings(o, "validation_notes");
    e.promptName = str(object(o, "prompt"), "name");
    e.promptVersion = int(int64(object(o, "prompt"), "version"));
    e.provider = str(o, "provider");
    e.model = str(o, "model");
    e.requestId = str(o, "request_id");
    e.inputTokens = int64(object(o, "tokens"), "input");
    e.outputTokens = int64(object(o, "tokens"), "output");
    e.cachedTokens = int64(object(o, "tokens"), "cached");
    e.latencyMs = int64(o, "latency_ms");
    if (o.value(QStringLiteral("cost_usd")).isDouble())
        e.costUsd = o.value(QStringLiteral("cost_usd")).toDouble();
    e.llmCalls = int(int64(o, "llm_calls"));
    e.httpRetries = int(int64(o, "http_retries"));
    e.rawOutput = str(o, "raw_output");
    e.createdAtMs = time(o, "created_at");
    e.reviewedBy = str(o, "reviewed_by");
    e.reviewComment = str(o, "review_comment");
    return e;
}

template<>
ActionInfo fromJson<ActionInfo>(const QJsonObject &o)
{
    return ActionInfo{int64(o, "id"),
                      str(o, "kind"),
                      str(o, "idempotency_key"),
                      str(o, "target"),
                      str(o, "status"),
                      str(o, "hubspot_id"),
                      int(int64(o, "attempts")),
                      str(o, "last_error"),
                      str(o, "verified"),
                      int(int64(o, "last_response_code")),
                      compact(object(o, "payload"))};
}

template<>
EventDetail fromJson<EventDetail>(const QJsonObject &o)
{
    EventDetail d;
    d.summary = fromJson<EventSummary>(o);
    if (o.value(QStringLiteral("normalised")).isObject())
        d.normalised = fromJson<NormalisedInfo>(object(o, "normalised"));
    d.enrichments = list<EnrichmentInfo>(o, "enrichments");
    d.actions = list<ActionInfo>(o, "actions");
    d.payload = rawPayload(object(o, "raw"));
    d.audit = list<AuditEntry>(o, "audit");
    d.jobs = list<JobInfo>(o, "jobs");
    return d;
}

template<>
Stats fromJson<Stats>(const QJsonObject &o)
{
    Stats s;
    s.total = int64(o, "total");
    s.byStatus = counts(object(o, "by_status"));
    s.bySource = counts(object(o, "by_source"));
    s.queueByStage = counts(object(o, "queue"));
    s.oldestJobAgeMs = counts(object(o, "oldest_job_age_ms"));
    s.replaysRunning = int64(o, "replays_running");
    s.ingestedLastMinute = int64(o, "ingested_last_minute");
    const QJsonObject llm = object(o, "llm");
    s.enrichments = int64(llm, "enrichments");
    s.llmInputTokens = int64(llm, "input_tokens");
    s.llmOutputTokens = int64(llm, "output_tokens");
    s.llmCachedTokens = int64(llm, "cached_tokens");
    s.llmCostUsd = llm.value(QStringLiteral("estimated_cost_usd")).toDouble();
    const QJsonObject hubspot = object(o, "hubspot");
    s.actionsByStatus = counts(object(hubspot, "actions"));
    s.hubspotCallsToday = int64(hubspot, "calls_today");
    s.hubspotDailyBudget = int64(hubspot, "daily_budget");
    s.hubspotPausedUntilMs = time(hubspot, "paused_until");
    return s;
}

template<>
Change fromJson<Change>(const QJsonObject &o)
{
    return Change{str(o, "event_id"), str(o, "status"), str(o, "action"), str(o, "actor"), time(o, "at")};
}

template<>
ChangeSet fromJson<ChangeSet>(const QJsonObject &o)
{
    return ChangeSet{list<Change>(o, "items"), counts(object(o, "counts")), str(o, "cursor")};
}

template<>
IngestReceipt fromJson<IngestReceipt>(const QJsonObject &o)
{
    return IngestReceipt{str(o, "id"), o.value(QStringLiteral("duplicate")).toBool()};
}

namespace {
Role role(const QJsonObject &o)
{
    return roleFromName(str(o, "role")).value_or(Role::Viewer);
}
} // namespace

template<>
UserInfo fromJson<UserInfo>(const QJsonObject &o)
{
    return UserInfo{str(o, "name"), role(o), time(o, "created_at"), time(o, "disabled_at")};
}

template<>
TokenInfo fromJson<TokenInfo>(const QJsonObject &o)
{
    return TokenInfo{str(o, "name"), role(o), time(o, "created_at"), time(o, "revoked_at")};
}

template<>
Session fromJson<Session>(const QJsonObject &o)
{
    return Session{str(o, "user"), role(o), str(o, "token").toLatin1(), time(o, "expires_at")};
}

template<>
ReviewItem fromJson<ReviewItem>(const QJsonObject &o)
{
    return ReviewItem{str(o, "event_id"),
                      str(o, "source"),
                      time(o, "received_at"),
                      strings(o, "reasons"),
                      o.value(QStringLiteral("confidence")).toDouble(),
                      str(o, "summary"),
                      str(o, "intent"),
                      str(o, "contact"),
                      str(o, "company"),
                      str(o, "holder"),
                      time(o, "held_until")};
}

template<>
ReviewPage fromJson<ReviewPage>(const QJsonObject &o)
{
    return ReviewPage{list<ReviewItem>(o, "items"), str(o, "next")};
}

template<>
ReviewClaim fromJson<ReviewClaim>(const QJsonObject &o)
{
    return ReviewClaim{str(o, "event_id"), str(o, "holder"), time(o, "until")};
}

template<>
ReviewDecision fromJson<ReviewDecision>(const QJsonObject &o)
{
    return ReviewDecision{str(o, "decision") == QLatin1String("approve"), object(o, "edits"), str(o, "comment")};
}

template<>
DecisionResult fromJson<DecisionResult>(const QJsonObject &o)
{
    return DecisionResult{str(o, "event_id"), str(o, "status"), int64(o, "enrichment_id"),
                          o.value(QStringLiteral("repeated")).toBool()};
}

} // namespace salesflow::json
