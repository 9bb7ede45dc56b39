#include "preview.h"

#include "../api/json.h"
#include "../sources/normalised.h"
#include "../store/actionrepository.h"
#include "../store/enrichmentrepository.h"
#include "enrich/enrichstage.h"
#include "plan/planstage.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace salesflow::pipeline {

namespace {

using store::EnrichContext;

const char *const kAnalysisFields[]
    = {"summary",           "intent",     "lead_quality",  "objections", "next_action", "follow_up_email",
       "lead_score_change", "confidence", "review_reasons"};

/// The event's normalised fields as stored (empty object when it was never normalised).
Result<QJsonObject> storedNormalised(store::Connection &c, const QString &eventId)
{
    auto r = c.exec("SELECT kind, occurred_at, actor, company, deal_ref, subject, body_text FROM normalised_events"
                    " WHERE event_id = $1",
                    {eventId});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return QJsonObject();
    return QJsonObject{
        {QStringLiteral("kind"), r->text(0, 0)},     {QStringLiteral("occurred_at"), json::isoTime(r->int64(0, 1))},
        {QStringLiteral("actor"), r->text(0, 2)},    {QStringLiteral("company"), r->text(0, 3)},
        {QStringLiteral("deal_ref"), r->text(0, 4)}, {QStringLiteral("subject"), r->text(0, 5)},
        {QStringLiteral("text"), r->text(0, 6)}};
}

QJsonObject normalisedJson(const sources::Normalised &n)
{
    return QJsonObject{
        {QStringLiteral("kind"), n.kind},        {QStringLiteral("occurred_at"), json::isoTime(n.occurredAtMs)},
        {QStringLiteral("actor"), n.actor},      {QStringLiteral("company"), n.company()},
        {QStringLiteral("deal_ref"), n.dealRef}, {QStringLiteral("subject"), n.subject},
        {QStringLiteral("text"), n.text}};
}

/// The raw event parsed again by today's parser; the parser's error when it no longer parses.
Result<sources::Normalised> reparse(store::Connection &c, const QString &eventId)
{
    auto raw = c.exec("SELECT source, content_type, payload, received_at FROM raw_events WHERE id = $1", {eventId});
    if (!raw)
        return raw.error();
    if (raw->isEmpty())
        return makeError("replay.missing", QStringLiteral("event %1 has no raw row").arg(eventId), 404);
    auto parsed = sources::normalise(raw->text(0, 0), raw->bytes(0, 1), raw->bytes(0, 2));
    if (!parsed)
        return parsed.error();
    if (!parsed->occurredAtMs)
        parsed->occurredAtMs = raw->int64(0, 3);
    return parsed;
}

/// An entity by its local key as stored now, or just the key when it is not stored yet.
Result<std::optional<EnrichContext::Entity>> entityByKey(store::Connection &c, const char *kind, const QString &key)
{
    if (key.isEmpty())
        return std::optional<EnrichContext::Entity>();
    auto r = c.exec("SELECT hubspot_id FROM crm_entities WHERE kind = $1 AND local_key = $2",
                    {QString::fromLatin1(kind), key});
    if (!r)
        return r.error();
    EnrichContext::Entity e;
    e.key = key;
    e.hubspotId = r->isEmpty() ? QString() : r->text(0, 0);
    return std::optional<EnrichContext::Entity>(e);
}

/// The enrich context with the re-parsed fields; for an event never normalised, built from them
/// with the entities it would be linked to.
Result<EnrichContext> contextAfterNormalise(store::Connection &c, const QString &eventId, const sources::Normalised &n,
                                            int recent)
{
    auto ctx = store::EnrichmentRepository::loadContext(c, eventId, recent);
    if (!ctx && ctx.error().code != QLatin1String("permanent.missing"))
        return ctx.error();
    EnrichContext out = ctx ? ctx.value() : EnrichContext{};
    if (!ctx) {
        out.eventId = eventId;
        auto contact = entityByKey(c, "contact", n.contactEmail.toLower());
        auto company = contact ? entityByKey(c, "company", n.companyDomain.toLower()) : contact;
        if (!contact || !company)
            return (!contact ? contact : company).error();
        out.contact = contact.value();
        out.company_ = company.value();
        out.linked = out.contact.has_value();
    }
    out.kind = n.kind;
    out.occurredAtMs = n.occurredAtMs;
    out.actor = n.actor;
    out.company = n.company(); // as the normalise stage stores it
    out.subject = n.subject;
    out.text = n.text;
    return out;
}

/// A missing member as JSON null (what "none" is in the API).
QJsonValue defined(const QJsonValue &v)
{
    return v.isUndefined() ? QJsonValue() : v;
}

QList<FieldChange> objectChanges(const QJsonObject &before, const QJsonObject &after, const QString &prefix)
{
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    QList<FieldChange> out;
    for (const QString &k : std::as_const(keys)) {
        if (defined(before.value(k)) != defined(after.value(k)))
            out.append({prefix + k, defined(before.value(k)), defined(after.value(k))});
    }
    return out;
}

ActionInfo previewInfo(const store::PlannedAction &a)
{
    ActionInfo info;
    info.kind = a.kind;
    info.key = a.key;
    info.target = a.target;
    info.status = QStringLiteral("preview");
    info.payloadJson = QString::fromUtf8(QJsonDocument(a.payload).toJson(QJsonDocument::Compact));
    return info;
}

/// The ledger's live actions of the event, and of the keys the plan names (an upsert of a
/// contact another event planned first), by key.
Result<QMap<QString, store::Action>> ledger(store::Connection &c, const QString &eventId,
                                            const QList<store::PlannedAction> &plan)
{
    auto own = store::ActionRepository::forEvents(c, {eventId});
    if (!own)
        return own.error();
    QMap<QString, store::Action> byKey;
    for (const store::Action &a : own.value()) {
        if (a.status != store::ActionStatus::Superseded)
            byKey.insert(a.key, a);
    }
    for (const store::PlannedAction &p : plan) {
        if (byKey.contains(p.key))
            continue;
        auto shared = store::ActionRepository::byKey(c, p.key);
        if (!shared)
            return shared.error();
        if (shared->has_value())
            byKey.insert(p.key, *shared.value());
    }
    return byKey;
}

QList<FieldChange> payloadChanges(const QJsonObject &before, const QJsonObject &after)
{
    QList<FieldChange> out = objectChanges(before.value(QLatin1String("properties")).toObject(),
                                           after.value(QLatin1String("properties")).toObject(), QString());
    const QJsonValue ab = before.value(QLatin1String("associations")), aa = after.value(QLatin1String("associations"));
    if (ab != aa)
        out.append({QStringLiteral("associations"), ab, aa});
    return out;
}

/// The plan against the ledger: added, changed (the properties that differ) and removed.
Result<QList<ActionChange>> actionChanges(store::Connection &c, const QString &eventId,
                                          const QList<store::PlannedAction> &plan)
{
    auto current = ledger(c, eventId, plan);
    if (!current)
        return current.error();
    QList<ActionChange> out;
    for (const store::PlannedAction &p : plan) {
        const auto it = current->constFind(p.key);
        if (it == current->cend()) {
            out.append({QStringLiteral("added"), p.kind, p.key, p.target,
                        objectChanges({}, p.payload.value(QLatin1String("properties")).toObject(), QString())});
            continue;
        }
        const QList<FieldChange> changed = payloadChanges(it->payload, p.payload);
        if (!changed.isEmpty())
            out.append({QStringLiteral("changed"), p.kind, p.key, p.target, changed});
        current->remove(p.key);
    }
    for (const store::Action &a : std::as_const(current.value())) {
        // An object HubSpot already has stays there; an upsert that is done needs nothing more.
        const bool settledUpsert = a.kind.startsWith(QLatin1String("upsert_"))
            && (a.status == store::ActionStatus::Done || a.status == store::ActionStatus::Written);
        if (!settledUpsert)
            out.append({QStringLiteral("removed"), a.kind, a.key, a.target, {}});
    }
    return out;
}

/// What the write stage would send again: the failed and dry-run actions.
QList<ActionChange> resends(const QList<store::Action> &actions)
{
    QList<ActionChange> out;
    for (const store::Action &a : actions) {
        if (a.status == store::ActionStatus::Failed || a.status == store::ActionStatus::DryRun
            || a.status == store::ActionStatus::Planned) {
            out.append({QStringLiteral("changed"),
                        a.kind,
                        a.key,
                        a.target,
                        {FieldChange{QStringLiteral("status"), a.status, QStringLiteral("sent")}}});
        }
    }
    return out;
}

void addUsage(const EnrichmentInfo &e, qint64 *in, qint64 *out, double *cost)
{
    *in += e.inputTokens;
    *out += e.outputTokens;
    *cost += e.costUsd.value_or(0);
}

/// The context the stage after `stage` would see; from normalise, the fields the parser would change go into `item`.
Result<EnrichContext> contextFor(store::Connection &c, const QString &eventId, const QString &stage, int recent,
                                 ReplayItem &item)
{
    if (stage != QLatin1String("normalise"))
        return store::EnrichmentRepository::loadContext(c, eventId, recent);
    auto n = reparse(c, eventId);
    auto before = n ? storedNormalised(c, eventId) : Result<QJsonObject>(n.error());
    if (!before)
        return before.error();
    item.fields = objectChanges(before.value(), normalisedJson(n.value()), QStringLiteral("normalised."));
    return contextAfterNormalise(c, eventId, n.value(), recent);
}

/// From plan, the usable analysis as stored; otherwise a new one, whose changes go into `item`.
Result<EnrichmentInfo> analysisFor(EnrichStage &enrich, const EnrichContext &ctx, const QString &stage,
                                   const llm::PromptVersion &prompt, const EnrichmentInfo *current, ReplayItem &item)
{
    if (stage == QLatin1String("plan")) {
        if (!current)
            return makeError("replay.no_enrichment",
                             QStringLiteral("the event has no usable enrichment to plan from; replay it from enrich"),
                             409);
        return *current;
    }
    auto enriched = enrich.enrichWith(ctx, prompt);
    if (!enriched)
        return enriched.error();
    item.fields += Preview::enrichmentChanges(current, enriched.value());
    return enriched;
}

/// Plans from `after` and puts what would change in HubSpot into `item`.
Status planInto(store::Connection &c, const EnrichContext &ctx, const EnrichmentInfo &after,
                const QList<EnrichmentInfo> &outputs, ReplayItem &item)
{
    QString why;
    auto plan = PlanStage::planFor(c, ctx, after, outputs, &why);
    if (!plan)
        return plan.error();
    auto changes = actionChanges(c, item.eventId, plan.value());
    if (!changes)
        return changes.error();
    item.actions = changes.value();
    item.note = !after.reviewReasons.isEmpty()
        ? QStringLiteral("would go to review (%1); the actions are planned when a reviewer approves")
              .arg(after.reviewReasons.join(QLatin1String("; ")))
        : why;
    item.changed = !item.fields.isEmpty() || !item.actions.isEmpty();
    return Done{};
}

} // namespace

Preview::Preview(std::shared_ptr<EnrichStage> enrich) : m_enrich(std::move(enrich)) { }

QList<FieldChange> Preview::enrichmentChanges(const EnrichmentInfo *before, const EnrichmentInfo &after)
{
    const QJsonObject b = before ? json::toJson(*before) : QJsonObject();
    const QJsonObject a = json::toJson(after);
    QList<FieldChange> out;
    for (const char *field : kAnalysisFields) {
        const QString k = QString::fromLatin1(field);
        QJsonValue bv = defined(b.value(k)), av = defined(a.value(k));
        if (k == QLatin1String("review_reasons") || k == QLatin1String("objections")) {
            bv = bv.toArray().isEmpty() ? QJsonValue() : bv; // none and an empty list are the same
            av = av.toArray().isEmpty() ? QJsonValue() : av;
        }
        if (bv != av)
            out.append({k, bv, av});
    }
    return out;
}

Result<ReplayItem> Preview::dryRun(store::Connection &c, const QString &eventId, const QString &stage,
                                   const llm::PromptVersion &prompt, qint64 *inTokens, qint64 *outTokens, double *cost)
{
    ReplayItem item;
    item.eventId = eventId;
    item.fromStage = stage;
    auto outputs = store::EnrichmentRepository::forEvent(c, eventId);
    if (!outputs)
        return outputs.error();
    if (stage == QLatin1String("write")) {
        auto actions = store::ActionRepository::forEvents(c, {eventId});
        if (!actions)
            return actions.error();
        item.actions = resends(actions.value());
        item.changed = !item.actions.isEmpty();
        return item;
    }
    const Result<EnrichContext> ctx = contextFor(c, eventId, stage, EnrichStage::recentEvents(prompt), item);
    if (!ctx)
        return ctx.error();
    if (ctx->kind == QLatin1String("crm_change")) {
        item.note = QStringLiteral("a HubSpot change: kept as CRM context, nothing to enrich or plan");
        item.changed = !item.fields.isEmpty();
        return item;
    }
    auto after = analysisFor(*m_enrich, ctx.value(), stage, prompt, PlanStage::usable(outputs.value()), item);
    if (!after)
        return after.error();
    if (stage != QLatin1String("plan")) // a new analysis was paid for; plan reuses the stored one
        addUsage(after.value(), inTokens, outTokens, cost);
    if (after->outcome != QLatin1String("ok")) {
        item.note = QStringLiteral("the model's answer would be unusable (%1): the event would go to review")
                        .arg(after->outcome);
        item.changed = true;
        return item;
    }
    if (const Status planned = planInto(c, ctx.value(), after.value(), outputs.value(), item); !planned)
        return planned.error();
    return item;
}

Result<PromptTestEvent> Preview::test(store::Connection &c, const QString &eventId, const llm::PromptVersion &candidate,
                                      const llm::PromptVersion &active)
{
    PromptTestEvent out;
    out.eventId = eventId;
    auto known = c.exec("SELECT 1 FROM raw_events WHERE id = $1", {eventId});
    if (!known)
        return known.error();
    if (known->isEmpty())
        return makeError("event.not_found", QStringLiteral("no event has this id"), 404);
    auto outputs = store::EnrichmentRepository::forEvent(c, eventId);
    if (!outputs)
        return outputs.error();
    for (auto [prompt, enrichment, actions] : {std::tuple{&active, &out.active, &out.activeActions},
                                               std::tuple{&candidate, &out.candidate, &out.candidateActions}}) {
        auto ctx = store::EnrichmentRepository::loadContext(c, eventId, EnrichStage::recentEvents(*prompt));
        if (!ctx)
            return ctx.error();
        auto e = m_enrich->enrichWith(ctx.value(), *prompt);
        if (!e)
            return e.error();
        *enrichment = e.value();
        if (e->outcome != QLatin1String("ok"))
            continue;
        auto plan = PlanStage::planFor(c, ctx.value(), e.value(), outputs.value());
        if (!plan)
            return plan.error();
        for (const store::PlannedAction &a : plan.value())
            actions->append(previewInfo(a));
    }
    return out;
}

ActionInfo Preview::asInfo(const store::PlannedAction &a)
{
    return previewInfo(a);
}

} // namespace salesflow::pipeline
