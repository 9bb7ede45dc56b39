#include "enrichmentrepository.h"

#include "../core/clock.h"
#include "pgarray.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <utility>

namespace salesflow::store {

namespace {

/// An entity from its columns in a row (local_key, hubspot_id, properties from `col`); none when
/// the row has none there.
std::optional<EnrichContext::Entity> entityAt(const Rows &r, int row, int col)
{
    if (r.isNull(row, col))
        return std::nullopt;
    EnrichContext::Entity e;
    e.key = r.text(row, col);
    e.hubspotId = r.text(row, col + 1);
    // The snapshot keeps {value, occurred_at} per property; the prompt needs the values.
    const QJsonObject snapshot = QJsonDocument::fromJson(r.bytes(row, col + 2)).object();
    for (auto it = snapshot.begin(); it != snapshot.end(); ++it)
        e.properties.insert(it.key(),
                            it.value().isObject() ? it.value().toObject().value(QLatin1String("value")) : it.value());
    return e;
}

bool closedStage(const QJsonObject &props)
{
    const QString stage = props.value(QLatin1String("dealstage")).toString().toLower();
    return stage.contains(QLatin1String("closed"));
}

} // namespace

namespace {

// The event and its contact, company and deal (columns 11-19), whether the contact's earlier
// events named any deal (20: else there is no open deal to look for), whether it has earlier
// events at all (21: a first contact has no history to read), and the event's id (22).
const QByteArray kContextColumns
    = "SELECT r.source, n.kind, n.occurred_at, n.actor, n.company, n.subject, n.body_text, n.attributes,"
      " n.contact_id, n.company_id, n.deal_id, ct.local_key, ct.hubspot_id, ct.properties,"
      " co.local_key, co.hubspot_id, co.properties, d.local_key, d.hubspot_id, d.properties,"
      " CASE WHEN n.deal_id IS NULL AND EXISTS (SELECT 1 FROM normalised_events p"
      "   WHERE p.contact_id = n.contact_id AND p.deal_id IS NOT NULL AND p.event_id < n.event_id)"
      " THEN 1 ELSE 0 END,"
      " CASE WHEN EXISTS (SELECT 1 FROM normalised_events p"
      "   WHERE p.contact_id = n.contact_id AND p.event_id < n.event_id) THEN 1 ELSE 0 END, r.id";
// 23: the score changes of the contact's earlier events, each event's latest answer.
const QByteArray kScoreColumn
    = ", (SELECT COALESCE(SUM(e.score_change), 0) FROM enrichment_outputs e"
      " JOIN normalised_events p ON p.event_id = e.event_id"
      " WHERE p.contact_id = n.contact_id AND e.outcome = 'ok' AND e.event_id < n.event_id"
      " AND e.id = (SELECT MAX(e2.id) FROM enrichment_outputs e2 WHERE e2.event_id = e.event_id"
      " AND e2.outcome = 'ok'))";
const QByteArray kContextFrom
    = " FROM raw_events r JOIN normalised_events n ON n.event_id = r.id"
      " LEFT JOIN crm_entities ct ON ct.id = n.contact_id LEFT JOIN crm_entities co ON co.id = n.company_id"
      " LEFT JOIN crm_entities d ON d.id = n.deal_id";

EnrichContext contextAt(const Rows &r, int i, bool withScore)
{
    EnrichContext ctx;
    ctx.eventId = r.text(i, 22);
    ctx.source = r.text(i, 0);
    ctx.kind = r.text(i, 1);
    ctx.occurredAtMs = r.int64(i, 2);
    ctx.actor = r.text(i, 3);
    ctx.company = r.text(i, 4);
    ctx.subject = r.text(i, 5);
    ctx.text = r.text(i, 6);
    ctx.attributes = QJsonDocument::fromJson(r.bytes(i, 7)).object();
    ctx.linked = ctx.attributes.value(QLatin1String("linked")).toBool(!r.isNull(i, 8));
    ctx.contact = entityAt(r, i, 11);
    ctx.company_ = entityAt(r, i, 14);
    ctx.deal = entityAt(r, i, 17);
    if (!r.isNull(i, 8))
        ctx.pending = {r.int64(i, 8), !ctx.deal && r.int64(i, 20) == 1, r.int64(i, 21) == 1};
    if (withScore)
        ctx.earlierScoreChange = r.int64(i, 23);
    return ctx;
}

Error notNormalised(const QString &eventId)
{
    return permanentError("permanent.missing",
                          QStringLiteral("event %1 is not normalised; replay it from normalise").arg(eventId));
}

} // namespace

Result<EnrichContext> EnrichmentRepository::loadContext(Connection &c, const QString &eventId, int recentEvents)
{
    auto r = c.exec(kContextColumns + kContextFrom + " WHERE r.id = $1", {eventId});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return notNormalised(eventId);
    EnrichContext ctx = contextAt(r.value(), 0, false);
    if (Status s = completeContext(c, ctx, recentEvents); !s)
        return s.error();
    return ctx;
}

Result<QHash<QString, Result<EnrichContext>>>
EnrichmentRepository::loadContexts(Connection &c, const QStringList &eventIds, bool withScore)
{
    QHash<QString, Result<EnrichContext>> out;
    const QByteArray columns = kContextColumns + (withScore ? kScoreColumn : QByteArray());
    auto read = [&](const QByteArray &where, const QVariantList &params) -> Status {
        auto r = c.exec(columns + kContextFrom + where, params);
        if (!r)
            return r.error();
        for (int i = 0; i < r->size(); ++i)
            out.insert(r->text(i, 22), contextAt(r.value(), i, withScore));
        return Done{};
    };
    if (c.dialect() == Dialect::Postgres) {
        if (Status s = read(" WHERE r.id = ANY($1::text[])", {pgTextArray(eventIds)}); !s)
            return s.error();
    } else {
        for (const QString &id : eventIds) {
            if (Status s = read(" WHERE r.id = $1", {id}); !s)
                return s.error();
        }
    }
    for (const QString &id : eventIds) {
        if (!out.contains(id))
            out.insert(id, notNormalised(id));
    }
    return out;
}

Result<qint64> EnrichmentRepository::earlierScoreChange(Connection &c, const QString &eventId)
{
    auto r = c.exec("SELECT" + kScoreColumn.mid(1) + " FROM normalised_events n WHERE n.event_id = $1", {eventId});
    if (!r)
        return r.error();
    return r->isEmpty() ? 0 : r->int64(0, 0);
}

Status EnrichmentRepository::completeContext(Connection &c, EnrichContext &ctx, int recentEvents)
{
    const EnrichContext::Pending pending = std::exchange(ctx.pending, {});
    if (pending.contactId == 0)
        return Done{};
    if (pending.earlierDeal && !ctx.deal) {
        // The contact's newest open deal among those its earlier events named.
        auto deals = c.exec("SELECT d.local_key, d.hubspot_id, d.properties FROM crm_entities d WHERE d.id IN"
                            " (SELECT DISTINCT deal_id FROM normalised_events WHERE contact_id = $1"
                            "  AND deal_id IS NOT NULL AND event_id < $2 ORDER BY deal_id DESC LIMIT 5)"
                            " ORDER BY d.id DESC",
                            {pending.contactId, ctx.eventId});
        if (!deals)
            return deals.error();
        for (int i = 0; i < deals->size() && !ctx.deal; ++i) {
            auto d = entityAt(deals.value(), i, 0);
            if (d && !closedStage(d->properties))
                ctx.deal = d;
        }
    }
    if (recentEvents > 0 && pending.earlierEvents) {
        auto rec = c.exec(
            "SELECT n.event_id, n.kind, n.occurred_at, n.subject, n.body_text,"
            " (SELECT e.summary FROM enrichment_outputs e WHERE e.event_id = n.event_id ORDER BY e.id DESC LIMIT 1)"
            " FROM normalised_events n WHERE n.contact_id = $1 AND n.event_id < $2"
            " ORDER BY n.event_id DESC LIMIT $3",
            {pending.contactId, ctx.eventId, recentEvents});
        if (!rec)
            return rec.error();
        for (int i = 0; i < rec->size(); ++i)
            ctx.recent.append({rec->text(i, 0), rec->text(i, 1), rec->int64(i, 2), rec->text(i, 3), rec->text(i, 4),
                               rec->text(i, 5)});
    }
    return Done{};
}

namespace {

const QByteArray kOutputColumns
    = "event_id, summary, intent, lead_quality, objections, next_action, follow_up_subject, follow_up_body,"
      " score_change, confidence, prompt_name, prompt_version, provider, model, input_tokens, output_tokens,"
      " latency_ms, review_state, created_at, request_id, cached_tokens, cost_usd, llm_calls, http_retries,"
      " outcome, review_reasons, validation_notes, raw_output, reviewed_by, review_comment";

QString compactJson(const QJsonArray &a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

/// One enrichment_outputs row, by column name.
QJsonObject outputRow(const QString &eventId, const EnrichmentInfo &e)
{
    QJsonArray objections;
    for (const ObjectionInfo &o : e.objections)
        objections.append(
            QJsonObject{{QStringLiteral("category"), o.category}, {QStringLiteral("evidence"), o.evidence}});
    return QJsonObject{{QStringLiteral("event_id"), eventId},
                       {QStringLiteral("summary"), e.summary},
                       {QStringLiteral("intent"), e.intent},
                       {QStringLiteral("lead_quality"), e.leadQuality},
                       {QStringLiteral("objections"), compactJson(objections)},
                       {QStringLiteral("next_action"), e.nextAction},
                       {QStringLiteral("follow_up_subject"), e.followUpSubject},
                       {QStringLiteral("follow_up_body"), e.followUpBody},
                       {QStringLiteral("score_change"), e.leadScoreChange},
                       {QStringLiteral("confidence"), e.confidence},
                       {QStringLiteral("prompt_name"), e.promptName},
                       {QStringLiteral("prompt_version"), e.promptVersion},
                       {QStringLiteral("provider"), e.provider},
                       {QStringLiteral("model"), e.model},
                       {QStringLiteral("input_tokens"), e.inputTokens},
                       {QStringLiteral("output_tokens"), e.outputTokens},
                       {QStringLiteral("latency_ms"), e.latencyMs},
                       {QStringLiteral("review_state"), e.reviewState},
                       {QStringLiteral("created_at"), e.createdAtMs ? e.createdAtMs : nowMs()},
                       {QStringLiteral("request_id"), e.requestId},
                       {QStringLiteral("cached_tokens"), e.cachedTokens},
                       {QStringLiteral("cost_usd"), e.costUsd ? QJsonValue(*e.costUsd) : QJsonValue()},
                       {QStringLiteral("llm_calls"), e.llmCalls},
                       {QStringLiteral("http_retries"), e.httpRetries},
                       {QStringLiteral("outcome"), e.outcome},
                       {QStringLiteral("review_reasons"), compactJson(QJsonArray::fromStringList(e.reviewReasons))},
                       {QStringLiteral("validation_notes"), compactJson(QJsonArray::fromStringList(e.validationNotes))},
                       {QStringLiteral("raw_output"), e.rawOutput},
                       {QStringLiteral("reviewed_by"), orNull(e.reviewedBy)},
                       {QStringLiteral("review_comment"), orNull(e.reviewComment)}};
}

} // namespace

Status EnrichmentRepository::insert(Connection &c, const QString &eventId, const EnrichmentInfo &e)
{
    return insertAll(c, {{eventId, e}});
}

Status EnrichmentRepository::insertAll(Connection &c, const QList<std::pair<QString, EnrichmentInfo>> &rows)
{
    QJsonArray all;
    for (const auto &[eventId, e] : rows)
        all.append(outputRow(eventId, e));
    if (all.isEmpty())
        return Done{};
    // The rows as one JSON array, taken apart by the database: one statement however many rows.
    auto r = c.exec("INSERT INTO enrichment_outputs (" + kOutputColumns + ") "
                        + jsonRowsSelect(c.dialect() == Dialect::Postgres, "enrichment_outputs", kOutputColumns),
                    {jsonRowsParam(all)});
    if (!r)
        return r.error();
    return Done{};
}

Status EnrichmentRepository::setReviewState(Connection &c, qint64 enrichmentId, const QString &state)
{
    auto r = c.exec("UPDATE enrichment_outputs SET review_state = $1 WHERE id = $2", {state, enrichmentId});
    if (!r)
        return r.error();
    return Done{};
}

Result<qint64> EnrichmentRepository::newestId(Connection &c, const QString &eventId)
{
    auto r = c.exec("SELECT COALESCE(MAX(id), 0) FROM enrichment_outputs WHERE event_id = $1", {eventId});
    if (!r)
        return r.error();
    return r->int64(0, 0);
}

namespace {

const QByteArray kEnrichmentColumns
    = "SELECT id, summary, intent, lead_quality, objections, next_action, follow_up_subject, follow_up_body,"
      " score_change, confidence, prompt_name, prompt_version, provider, model, request_id, input_tokens,"
      " output_tokens, cached_tokens, latency_ms, cost_usd, llm_calls, http_retries, outcome, review_state,"
      " review_reasons, validation_notes, raw_output, created_at, reviewed_by, review_comment, event_id"
      " FROM enrichment_outputs";

EnrichmentInfo enrichmentAt(const Rows &rows, int i);

} // namespace

Result<QList<EnrichmentInfo>> EnrichmentRepository::forEvent(Connection &c, const QString &eventId)
{
    auto r = c.exec(kEnrichmentColumns + " WHERE event_id = $1 ORDER BY id", {eventId});
    if (!r)
        return r.error();
    QList<EnrichmentInfo> out;
    for (int i = 0; i < r->size(); ++i)
        out.append(enrichmentAt(r.value(), i));
    return out;
}

Result<QHash<QString, QList<EnrichmentInfo>>> EnrichmentRepository::forEvents(Connection &c, const QStringList &ids)
{
    QHash<QString, QList<EnrichmentInfo>> out;
    if (c.dialect() != Dialect::Postgres) {
        for (const QString &id : ids) {
            auto one = forEvent(c, id);
            if (!one)
                return one.error();
            out.insert(id, one.value());
        }
        return out;
    }
    auto r = c.exec(kEnrichmentColumns + " WHERE event_id = ANY($1::text[]) ORDER BY id", {pgTextArray(ids)});
    if (!r)
        return r.error();
    for (const QString &id : ids)
        out.insert(id, {});
    for (int i = 0; i < r->size(); ++i)
        out[r->text(i, 30)].append(enrichmentAt(r.value(), i));
    return out;
}

namespace {

EnrichmentInfo enrichmentAt(const Rows &rows, int i)
{
    EnrichmentInfo e;
    e.id = rows.int64(i, 0);
    e.summary = rows.text(i, 1);
    e.intent = rows.text(i, 2);
    e.leadQuality = int(rows.int64(i, 3));
    for (const QJsonValue &v : QJsonDocument::fromJson(rows.bytes(i, 4)).array())
        e.objections.append({v.toObject().value(QLatin1String("category")).toString(),
                             v.toObject().value(QLatin1String("evidence")).toString()});
    e.nextAction = rows.text(i, 5);
    e.followUpSubject = rows.text(i, 6);
    e.followUpBody = rows.text(i, 7);
    e.leadScoreChange = int(rows.int64(i, 8));
    e.confidence = rows.real(i, 9);
    e.promptName = rows.text(i, 10);
    e.promptVersion = int(rows.int64(i, 11));
    e.provider = rows.text(i, 12);
    e.model = rows.text(i, 13);
    e.requestId = rows.text(i, 14);
    e.inputTokens = rows.int64(i, 15);
    e.outputTokens = rows.int64(i, 16);
    e.cachedTokens = rows.int64(i, 17);
    e.latencyMs = rows.int64(i, 18);
    if (!rows.isNull(i, 19))
        e.costUsd = rows.real(i, 19);
    e.llmCalls = int(rows.int64(i, 20));
    e.httpRetries = int(rows.int64(i, 21));
    e.outcome = rows.text(i, 22);
    e.reviewState = rows.text(i, 23);
    for (const QJsonValue &v : QJsonDocument::fromJson(rows.bytes(i, 24)).array())
        e.reviewReasons << v.toString();
    for (const QJsonValue &v : QJsonDocument::fromJson(rows.bytes(i, 25)).array())
        e.validationNotes << v.toString();
    e.rawOutput = rows.text(i, 26);
    e.createdAtMs = rows.int64(i, 27);
    e.reviewedBy = rows.text(i, 28);
    e.reviewComment = rows.text(i, 29);
    return e;
}

} // namespace

} // namespace salesflow::store
