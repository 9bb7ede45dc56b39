#include "json.h"
#include "jsonhelpers_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>

namespace salesflow::json {

namespace {
using namespace detail;

QJsonValue cursor(const QString &next)
{
    return next.isEmpty() ? QJsonValue() : QJsonValue(next);
}

/// Raw bytes as text when they are valid UTF-8, else base64 — never altered.
QJsonObject rawJson(const QByteArray &payload, const QString &contentType)
{
    QJsonObject raw{{QStringLiteral("content_type"), contentType}};
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8.decode(payload);
    const bool isText = !utf8.hasError();
    raw.insert(QStringLiteral("encoding"), isText ? QStringLiteral("utf-8") : QStringLiteral("base64"));
    raw.insert(QStringLiteral("payload"), isText ? text : QString::fromLatin1(payload.toBase64()));
    return raw;
}
} // namespace

QString isoTime(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs) : QString();
}

qint64 parseTime(const QString &s)
{
    if (s.isEmpty())
        return 0;
    bool ok = false;
    const qint64 ms = s.toLongLong(&ok);
    if (ok)
        return ms;
    const QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

QJsonObject toJson(const EventSummary &e)
{
    return QJsonObject{{QStringLiteral("id"), e.id},
                       {QStringLiteral("source"), e.source},
                       {QStringLiteral("status"), e.status},
                       {QStringLiteral("content_type"), e.contentType},
                       {QStringLiteral("dedup_key"), e.dedupKey},
                       {QStringLiteral("received_at"), isoTime(e.receivedAtMs)},
                       {QStringLiteral("updated_at"), isoTime(e.updatedAtMs)},
                       {QStringLiteral("size_bytes"), e.sizeBytes},
                       {QStringLiteral("failed_stage"), orNull(e.failedStage)},
                       {QStringLiteral("last_error"), orNull(e.lastError)},
                       {QStringLiteral("contact"), orNull(e.contact)},
                       {QStringLiteral("company"), orNull(e.company)},
                       {QStringLiteral("subject"), orNull(e.subject)},
                       {QStringLiteral("intent"), orNull(e.intent)},
                       {QStringLiteral("confidence"), e.confidence ? QJsonValue(*e.confidence) : QJsonValue()}};
}

QJsonObject toJson(const EventPage &p)
{
    return QJsonObject{{QStringLiteral("items"), array(p.items)}, {QStringLiteral("next"), cursor(p.next)}};
}

QJsonObject toJson(const AuditEntry &a)
{
    return QJsonObject{{QStringLiteral("id"), a.id},
                       {QStringLiteral("event_id"), orNull(a.eventId)},
                       {QStringLiteral("actor"), a.actor},
                       {QStringLiteral("action"), a.action},
                       {QStringLiteral("before"), orNull(a.before)},
                       {QStringLiteral("after"), orNull(a.after)},
                       {QStringLiteral("detail"), orNull(a.detail)},
                       {QStringLiteral("at"), isoTime(a.atMs)}};
}

QJsonObject toJson(const AuditPage &p)
{
    return QJsonObject{{QStringLiteral("items"), array(p.items)}, {QStringLiteral("next"), cursor(p.next)}};
}

QJsonObject toJson(const JobInfo &j)
{
    return QJsonObject{{QStringLiteral("id"), j.id},
                       {QStringLiteral("stage"), j.stage},
                       {QStringLiteral("attempts"), j.attempts},
                       {QStringLiteral("run_after"), isoTime(j.runAfterMs)},
                       {QStringLiteral("lease_owner"), orNull(j.leaseOwner)},
                       {QStringLiteral("last_error"), orNull(j.lastError)}};
}

QJsonObject toJson(const NormalisedInfo &n)
{
    return QJsonObject{{QStringLiteral("kind"), n.kind},
                       {QStringLiteral("occurred_at"), isoTime(n.occurredAtMs)},
                       {QStringLiteral("actor"), orNull(n.actor)},
                       {QStringLiteral("company"), orNull(n.company)},
                       {QStringLiteral("deal_ref"), orNull(n.dealRef)},
                       {QStringLiteral("subject"), orNull(n.subject)},
                       {QStringLiteral("text"), n.text},
                       {QStringLiteral("attributes"), QJsonDocument::fromJson(n.attributesJson.toUtf8()).object()},
                       {QStringLiteral("linked"),
                        QJsonObject{{QStringLiteral("contact"), orNull(n.contactKey)},
                                    {QStringLiteral("company"), orNull(n.companyKey)},
                                    {QStringLiteral("deal"), orNull(n.dealKey)}}}};
}

QJsonObject toJson(const ActionInfo &a)
{
    return QJsonObject{
        {QStringLiteral("id"), a.id},
        {QStringLiteral("kind"), a.kind},
        {QStringLiteral("idempotency_key"), a.key},
        {QStringLiteral("target"), a.target},
        {QStringLiteral("status"), a.status},
        {QStringLiteral("hubspot_id"), orNull(a.hubspotId)},
        {QStringLiteral("attempts"), a.attempts},
        {QStringLiteral("last_error"), orNull(a.lastError)},
        {QStringLiteral("verified"), orNull(a.verified)},
        {QStringLiteral("last_response_code"), a.lastResponseCode ? QJsonValue(a.lastResponseCode) : QJsonValue()},
        {QStringLiteral("payload"), QJsonDocument::fromJson(a.payloadJson.toUtf8()).object()}};
}

QJsonObject toJson(const EventDetail &d)
{
    QJsonObject o = toJson(d.summary);
    o.insert(QStringLiteral("raw"), rawJson(d.payload, d.summary.contentType));
    o.insert(QStringLiteral("audit"), array(d.audit));
    o.insert(QStringLiteral("jobs"), array(d.jobs));
    o.insert(QStringLiteral("normalised"), d.normalised ? QJsonValue(toJson(*d.normalised)) : QJsonValue());
    o.insert(QStringLiteral("enrichments"), array(d.enrichments));
    o.insert(QStringLiteral("actions"), array(d.actions));
    return o;
}

QJsonObject toJson(const EnrichmentInfo &e)
{
    QJsonArray objections;
    for (const ObjectionInfo &ob : e.objections)
        objections.append(
            QJsonObject{{QStringLiteral("category"), ob.category}, {QStringLiteral("evidence"), ob.evidence}});
    const bool answered = e.outcome == QLatin1String("ok");
    auto ifAnswered = [answered](const QJsonValue &v) { return answered ? v : QJsonValue(); };
    return QJsonObject{
        {QStringLiteral("id"), e.id},
        {QStringLiteral("summary"), ifAnswered(e.summary)},
        {QStringLiteral("intent"), ifAnswered(e.intent)},
        {QStringLiteral("lead_quality"), ifAnswered(e.leadQuality)},
        {QStringLiteral("objections"), objections},
        {QStringLiteral("next_action"), ifAnswered(e.nextAction)},
        {QStringLiteral("follow_up_email"),
         ifAnswered(
             QJsonObject{{QStringLiteral("subject"), e.followUpSubject}, {QStringLiteral("body"), e.followUpBody}})},
        {QStringLiteral("lead_score_change"), ifAnswered(e.leadScoreChange)},
        {QStringLiteral("confidence"), ifAnswered(e.confidence)},
        {QStringLiteral("outcome"), e.outcome},
        {QStringLiteral("review_state"), e.reviewState},
        {QStringLiteral("review_reasons"), QJsonArray::fromStringList(e.reviewReasons)},
        {QStringLiteral("validation_notes"), QJsonArray::fromStringList(e.validationNotes)},
        {QStringLiteral("prompt"),
         QJsonObject{{QStringLiteral("name"), e.promptName}, {QStringLiteral("version"), e.promptVersion}}},
        {QStringLiteral("provider"), e.provider},
        {QStringLiteral("model"), e.model},
        {QStringLiteral("request_id"), orNull(e.requestId)},
        {QStringLiteral("tokens"),
         QJsonObject{{QStringLiteral("input"), e.inputTokens},
                     {QStringLiteral("output"), e.outputTokens},
                     {QStringLiteral("cached"), e.cachedTokens}}},
        {QStringLiteral("latency_ms"), e.latencyMs},
        {QStringLiteral("cost_usd"), e.costUsd ? QJsonValue(*e.costUsd) : QJsonValue()},
        {QStringLiteral("llm_calls"), e.llmCalls},
        {QStringLiteral("http_retries"), e.httpRetries},
        {QStringLiteral("raw_output"), orNull(e.rawOutput)},
        {QStringLiteral("created_at"), isoTime(e.createdAtMs)},
        {QStringLiteral("reviewed_by"), orNull(e.reviewedBy)},
        {QStringLiteral("review_comment"), orNull(e.reviewComment)},
    };
}

QJsonObject toJson(const Stats &s)
{
    return QJsonObject{
        {QStringLiteral("total"), s.total},
        {QStringLiteral("by_status"), counts(s.byStatus)},
        {QStringLiteral("by_source"), counts(s.bySource)},
        {QStringLiteral("queue"), counts(s.queueByStage)},
        {QStringLiteral("oldest_job_age_ms"), counts(s.oldestJobAgeMs)},
        {QStringLiteral("replays_running"), s.replaysRunning},
        {QStringLiteral("ingested_last_minute"), s.ingestedLastMinute},
        {QStringLiteral("llm"),
         QJsonObject{{QStringLiteral("enrichments"), s.enrichments},
                     {QStringLiteral("input_tokens"), s.llmInputTokens},
                     {QStringLiteral("output_tokens"), s.llmOutputTokens},
                     {QStringLiteral("cached_tokens"), s.llmCachedTokens},
                     {QStringLiteral("estimated_cost_usd"), s.llmCostUsd}}},
        {QStringLiteral("hubspot"),
         QJsonObject{{QStringLiteral("actions"), counts(s.actionsByStatus)},
                     {QStringLiteral("calls_today"), s.hubspotCallsToday},
                     {QStringLiteral("daily_budget"), s.hubspotDailyBudget},
                     {QStringLiteral("paused_until"),
                      s.hubspotPausedUntilMs > 0 ? QJsonValue(isoTime(s.hubspotPausedUntilMs)) : QJsonValue()}}}};
}

QJsonObject toJson(const Change &c)
{
    return QJsonObject{{QStringLiteral("event_id"), c.eventId},
                       {QStringLiteral("status"), c.status},
                       {QStringLiteral("action"), c.action},
                       {QStringLiteral("actor"), c.actor},
                       {QStringLiteral("at"), isoTime(c.atMs)}};
}

QJsonObject toJson(const ChangeSet &c)
{
    return QJsonObject{{QStringLiteral("items"), array(c.items)},
                       {QStringLiteral("counts"), counts(c.counts)},
                       {QStringLiteral("cursor"), c.cursor}};
}

QJsonObject toJson(const IngestReceipt &r)
{
    return QJsonObject{{QStringLiteral("id"), r.id}, {QStringLiteral("duplicate"), r.duplicate}};
}

QJsonObject toJson(const UserInfo &v)
{
    return QJsonObject{
        {QStringLiteral("name"), v.name},
        {QStringLiteral("role"), roleName(v.role)},
        {QStringLiteral("created_at"), isoTime(v.createdAtMs)},
        {QStringLiteral("disabled_at"), v.disabledAtMs ? QJsonValue(isoTime(v.disabledAtMs)) : QJsonValue()}};
}

QJsonObject toJson(const TokenInfo &v)
{
    return QJsonObject{
        {QStringLiteral("name"), v.name},
        {QStringLiteral("role"), roleName(v.role)},
        {QStringLiteral("created_at"), isoTime(v.createdAtMs)},
        {QStringLiteral("revoked_at"), v.revokedAtMs ? QJsonValue(isoTime(v.revokedAtMs)) : QJsonValue()}};
}

QJsonObject toJson(const Session &v)
{
    return QJsonObject{{QStringLiteral("user"), v.user},
                       {QStringLiteral("role"), roleName(v.role)},
                       {QStringLiteral("token"), QString::fromLatin1(v.token)},
                       {QStringLiteral("expires_at"), isoTime(v.expiresAtMs)}};
}

QJsonObject toJson(const ReviewItem &v)
{
    return QJsonObject{
        {QStringLiteral("event_id"), v.eventId},
        {QStringLiteral("source"), v.source},
        {QStringLiteral("received_at"), isoTime(v.receivedAtMs)},
        {QStringLiteral("reasons"), QJsonArray::fromStringList(v.reasons)},
        {QStringLiteral("confidence"), v.confidence},
        {QStringLiteral("summary"), v.summary},
        {QStringLiteral("intent"), orNull(v.intent)},
        {QStringLiteral("contact"), orNull(v.contact)},
        {QStringLiteral("company"), orNull(v.company)},
        {QStringLiteral("holder"), orNull(v.holder)},
        {QStringLiteral("held_until"), v.heldUntilMs ? QJsonValue(isoTime(v.heldUntilMs)) : QJsonValue()}};
}

QJsonObject toJson(const ReviewPage &p)
{
    return QJsonObject{{QStringLiteral("items"), array(p.items)}, {QStringLiteral("next"), cursor(p.next)}};
}

QJsonObject toJson(const ReviewClaim &v)
{
    return QJsonObject{{QStringLiteral("event_id"), v.eventId},
                       {QStringLiteral("holder"), v.holder},
                       {QStringLiteral("until"), isoTime(v.untilMs)}};
}

QJsonObject toJson(const ReviewDecision &v)
{
    return QJsonObject{{QStringLiteral("decision"), v.approve ? QStringLiteral("approve") : QStringLiteral("reject")},
                       {QStringLiteral("edits"), v.edits},
                       {QStringLiteral("comment"), v.comment}};
}

QJsonObject toJson(const DecisionResult &v)
{
    return QJsonObject{{QStringLiteral("event_id"), v.eventId},
                       {QStringLiteral("status"), v.status},
                       {QStringLiteral("enrichment_id"), v.enrichmentId},
                       {QStringLiteral("repeated"), v.repeated}};
}

} // namespace salesflow::json
