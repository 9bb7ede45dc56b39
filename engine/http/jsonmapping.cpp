#include "jsonmapping.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>

namespace salesflow::http {

namespace {
QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonObject counts(const QMap<QString, qint64> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}
} // namespace

QString isoTime(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs) : QString();
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
                       {QStringLiteral("last_error"), orNull(e.lastError)}};
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

QJsonObject toJson(const EventDetail &d)
{
    QJsonObject o = toJson(d.summary);
    QJsonObject raw{{QStringLiteral("content_type"), d.summary.contentType}};
    // Raw bytes as text when they are valid UTF-8, else base64 — never altered.
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8.decode(d.payload);
    if (!utf8.hasError()) {
        raw.insert(QStringLiteral("encoding"), QStringLiteral("utf-8"));
        raw.insert(QStringLiteral("payload"), text);
    } else {
        raw.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
        raw.insert(QStringLiteral("payload"), QString::fromLatin1(d.payload.toBase64()));
    }
    o.insert(QStringLiteral("raw"), raw);
    QJsonArray audit;
    for (const AuditEntry &a : d.audit)
        audit.append(toJson(a));
    o.insert(QStringLiteral("audit"), audit);
    QJsonArray jobs;
    for (const JobInfo &j : d.jobs) {
        jobs.append(QJsonObject{{QStringLiteral("id"), j.id},
                                {QStringLiteral("stage"), j.stage},
                                {QStringLiteral("attempts"), j.attempts},
                                {QStringLiteral("run_after"), isoTime(j.runAfterMs)},
                                {QStringLiteral("lease_owner"), orNull(j.leaseOwner)},
                                {QStringLiteral("last_error"), orNull(j.lastError)}});
    }
    o.insert(QStringLiteral("jobs"), jobs);
    if (d.normalised) {
        const NormalisedInfo &n = *d.normalised;
        o.insert(QStringLiteral("normalised"),
                 QJsonObject{{QStringLiteral("kind"), n.kind},
                             {QStringLiteral("occurred_at"), isoTime(n.occurredAtMs)},
                             {QStringLiteral("actor"), orNull(n.actor)},
                             {QStringLiteral("company"), orNull(n.company)},
                             {QStringLiteral("deal_ref"), orNull(n.dealRef)},
                             {QStringLiteral("subject"), orNull(n.subject)},
                             {QStringLiteral("text"), n.text},
                             {QStringLiteral("attributes"), QJsonDocument::fromJson(n.attributesJson.toUtf8()).object()},
                             {QStringLiteral("linked"), QJsonObject{{QStringLiteral("contact"), orNull(n.contactKey)},
                                                                    {QStringLiteral("company"), orNull(n.companyKey)},
                                                                    {QStringLiteral("deal"), orNull(n.dealKey)}}}});
    } else {
        o.insert(QStringLiteral("normalised"), QJsonValue());
    }
    QJsonArray enrichments;
    for (const EnrichmentInfo &e : d.enrichments)
        enrichments.append(toJson(e));
    o.insert(QStringLiteral("enrichments"), enrichments);
    QJsonArray actions;
    for (const ActionInfo &a : d.actions) {
        actions.append(QJsonObject{{QStringLiteral("id"), a.id},
                                   {QStringLiteral("kind"), a.kind},
                                   {QStringLiteral("idempotency_key"), a.key},
                                   {QStringLiteral("target"), a.target},
                                   {QStringLiteral("status"), a.status},
                                   {QStringLiteral("hubspot_id"), orNull(a.hubspotId)},
                                   {QStringLiteral("attempts"), a.attempts},
                                   {QStringLiteral("last_error"), orNull(a.lastError)},
                                   {QStringLiteral("verified"), orNull(a.verified)},
                                   {QStringLiteral("last_response_code"), a.lastResponseCode ? QJsonValue(a.lastResponseCode) : QJsonValue()},
                                   {QStringLiteral("payload"), QJsonDocument::fromJson(a.payloadJson.toUtf8()).object()}});
    }
    o.insert(QStringLiteral("actions"), actions);
    return o;
}

QJsonObject toJson(const EnrichmentInfo &e)
{
    QJsonArray objections;
    for (const ObjectionInfo &ob : e.objections)
        objections.append(QJsonObject{{QStringLiteral("category"), ob.category}, {QStringLiteral("evidence"), ob.evidence}});
    const bool answered = e.outcome == QLatin1String("ok");
    auto ifAnswered = [answered](const QJsonValue &v) { return answered ? v : QJsonValue(); };
    return QJsonObject{
        {QStringLiteral("id"), e.id},
        {QStringLiteral("summary"), ifAnswered(e.summary)},
        {QStringLiteral("intent"), ifAnswered(e.intent)},
        {QStringLiteral("lead_quality"), ifAnswered(e.leadQuality)},
        {QStringLiteral("objections"), objections},
        {QStringLiteral("next_action"), ifAnswered(e.nextAction)},
        {QStringLiteral("follow_up_email"), ifAnswered(QJsonObject{{QStringLiteral("subject"), e.followUpSubject},
                                                                   {QStringLiteral("body"), e.followUpBody}})},
        {QStringLiteral("lead_score_change"), ifAnswered(e.leadScoreChange)},
        {QStringLiteral("confidence"), ifAnswered(e.confidence)},
        {QStringLiteral("outcome"), e.outcome},
        {QStringLiteral("review_state"), e.reviewState},
        {QStringLiteral("review_reasons"), QJsonArray::fromStringList(e.reviewReasons)},
        {QStringLiteral("validation_notes"), QJsonArray::fromStringList(e.validationNotes)},
        {QStringLiteral("prompt"), QJsonObject{{QStringLiteral("name"), e.promptName}, {QStringLiteral("version"), e.promptVersion}}},
        {QStringLiteral("provider"), e.provider},
        {QStringLiteral("model"), e.model},
        {QStringLiteral("request_id"), orNull(e.requestId)},
        {QStringLiteral("tokens"), QJsonObject{{QStringLiteral("input"), e.inputTokens},
                                               {QStringLiteral("output"), e.outputTokens},
                                               {QStringLiteral("cached"), e.cachedTokens}}},
        {QStringLiteral("latency_ms"), e.latencyMs},
        {QStringLiteral("cost_usd"), e.costUsd ? QJsonValue(*e.costUsd) : QJsonValue()},
        {QStringLiteral("llm_calls"), e.llmCalls},
        {QStringLiteral("http_retries"), e.httpRetries},
        {QStringLiteral("raw_output"), orNull(e.rawOutput)},
        {QStringLiteral("created_at"), isoTime(e.createdAtMs)},
    };
}

QJsonObject toJson(const Stats &s)
{
    return QJsonObject{{QStringLiteral("total"), s.total},
                       {QStringLiteral("by_status"), counts(s.byStatus)},
                       {QStringLiteral("by_source"), counts(s.bySource)},
                       {QStringLiteral("queue"), counts(s.queueByStage)},
                       {QStringLiteral("ingested_last_minute"), s.ingestedLastMinute},
                       {QStringLiteral("llm"), QJsonObject{{QStringLiteral("enrichments"), s.enrichments},
                                                           {QStringLiteral("input_tokens"), s.llmInputTokens},
                                                           {QStringLiteral("output_tokens"), s.llmOutputTokens},
                                                           {QStringLiteral("cached_tokens"), s.llmCachedTokens},
                                                           {QStringLiteral("estimated_cost_usd"), s.llmCostUsd}}},
                       {QStringLiteral("hubspot"), QJsonObject{{QStringLiteral("actions"), counts(s.actionsByStatus)},
                                                               {QStringLiteral("calls_today"), s.hubspotCallsToday},
                                                               {QStringLiteral("paused_until"), s.hubspotPausedUntilMs > 0 ? QJsonValue(isoTime(s.hubspotPausedUntilMs)) : QJsonValue()}}}};
}

} // namespace salesflow::http
