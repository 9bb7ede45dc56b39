#include "planstage.h"

#include "../../api/types.h"
#include "../../core/clock.h"
#include "../../store/actionrepository.h"
#include "../../store/enrichmentrepository.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace salesflow::pipeline {

namespace {

QString isoMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString html(const QString &s)
{
    return s.toHtmlEscaped();
}

/// A due date one business day after `ms`, at 09:00 UTC.
qint64 nextBusinessDay(qint64 ms)
{
    QDate d = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().addDays(1);
    while (d.dayOfWeek() > 5)
        d = d.addDays(1);
    return QDateTime(d, QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

Result<StageOutput> PlanStage::run(const queue::Job &job, store::Connection &conn)
{
    auto outputs = store::EnrichmentRepository::forEvent(conn, job.eventId);
    if (!outputs)
        return outputs.error();
    const EnrichmentInfo *e = nullptr;
    for (const EnrichmentInfo &o : outputs.value())
        if (o.outcome == QLatin1String("ok"))
            e = &o;
    if (!e)
        return permanentError("permanent.plan", QStringLiteral("event %1 has no usable enrichment to plan from").arg(job.eventId));
    auto ctx = store::EnrichmentRepository::loadContext(conn, job.eventId, 0);
    if (!ctx)
        return ctx.error();
    const QString eventId = job.eventId;
    if (!ctx->contact && !ctx->company_ && !ctx->deal) {
        // A note or task attached to nobody is lost on HubSpot's side: plan nothing, say why.
        StageOutput out;
        out.newStatus = EventStatus::Done;
        out.detail = QStringLiteral("nothing planned: the event is linked to no contact, company or deal to attach a note to");
        return out;
    }
    QList<store::PlannedAction> actions;
    QJsonArray assocNote, assocTask;
    QString contactKey;
    if (ctx->contact) {
        contactKey = ctx->contact->key;
        if (!contactKey.startsWith(QLatin1String("hubspot:")) && ctx->contact->hubspotId.isEmpty()) {
            QJsonObject props{{QStringLiteral("email"), contactKey}};
            const QString first = ctx->contact->properties.value(QLatin1String("firstname")).toString();
            const QString last = ctx->contact->properties.value(QLatin1String("lastname")).toString();
            if (!first.isEmpty())
                props.insert(QStringLiteral("firstname"), first);
            if (!last.isEmpty())
                props.insert(QStringLiteral("lastname"), last);
            actions.append({QStringLiteral("upsert_contact"), QStringLiteral("contacts"), QStringLiteral("contact:") + contactKey,
                            QStringLiteral("contact:") + contactKey,
                            QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("email")}, {QStringLiteral("id"), contactKey},
                                        {QStringLiteral("properties"), props}, {QStringLiteral("entity_key"), contactKey}}});
        }
        assocNote.append(QJsonObject{{QStringLiteral("entity"), QStringLiteral("contact")}, {QStringLiteral("key"), contactKey},
                                     {QStringLiteral("toType"), QStringLiteral("contacts")}, {QStringLiteral("typeId"), 202}});
        assocTask.append(QJsonObject{{QStringLiteral("entity"), QStringLiteral("contact")}, {QStringLiteral("key"), contactKey},
                                     {QStringLiteral("toType"), QStringLiteral("contacts")}, {QStringLiteral("typeId"), 204}});
    }
    if (ctx->company_) {
        const QString domain = ctx->company_->key;
        if (!domain.startsWith(QLatin1String("hubspot:")) && ctx->company_->hubspotId.isEmpty()) {
            QJsonObject props{{QStringLiteral("domain"), domain}, {QStringLiteral("salesflow_company_key"), domain}};
            if (!ctx->company.isEmpty())
                props.insert(QStringLiteral("name"), ctx->company);
            actions.append({QStringLiteral("upsert_company"), QStringLiteral("companies"), QStringLiteral("company:") + domain,
                            QStringLiteral("company:") + domain,
                            QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("salesflow_company_key")}, {QStringLiteral("id"), domain},
                                        {QStringLiteral("properties"), props}, {QStringLiteral("entity_key"), domain}}});
        }
        assocNote.append(QJsonObject{{QStringLiteral("entity"), QStringLiteral("company")}, {QStringLiteral("key"), domain},
                                     {QStringLiteral("toType"), QStringLiteral("companies")}, {QStringLiteral("typeId"), 190}});
        assocTask.append(QJsonObject{{QStringLiteral("entity"), QStringLiteral("company")}, {QStringLiteral("key"), domain},
                                     {QStringLiteral("toType"), QStringLiteral("companies")}, {QStringLiteral("typeId"), 192}});
    }
    if (ctx->deal) {
        // Only a deal HubSpot knows can be associated; a local reference is left out (and said so).
        assocNote.append(QJsonObject{{QStringLiteral("entity"), QStringLiteral("deal")}, {QStringLiteral("key"), ctx->deal->key},
                                     {QStringLiteral("toType"), QStringLiteral("deals")}, {QStringLiteral("typeId"), 214}});
        assocTask.append(QJsonObject{{QStringLiteral("entity"), QStringLiteral("deal")}, {QStringLiteral("key"), ctx->deal->key},
                                     {QStringLiteral("toType"), QStringLiteral("deals")}, {QStringLiteral("typeId"), 216}});
    }
    // The note: what a rep reads on the contact's timeline.
    const QString noteKey = QStringLiteral("note:") + eventId;
    QString body = QStringLiteral("<p><strong>SalesFlow AI summary</strong> · intent %1 · lead quality %2/100</p><p>%3</p>")
                       .arg(html(e->intent)).arg(e->leadQuality).arg(html(e->summary));
    if (!e->objections.isEmpty()) {
        body += QStringLiteral("<p><strong>Objections</strong></p><ul>");
        for (const ObjectionInfo &o : e->objections)
            body += QStringLiteral("<li>%1: “%2”</li>").arg(html(o.category), html(o.evidence));
        body += QStringLiteral("</ul>");
    }
    body += QStringLiteral("<p><strong>Next action:</strong> %1</p>").arg(html(e->nextAction));
    body += QStringLiteral("<p><small>SalesFlow %1 · %2/%3 · prompt %4 v%5</small></p>")
                .arg(html(noteKey), html(e->provider), html(e->model), html(e->promptName)).arg(e->promptVersion);
    const qint64 when = ctx->occurredAtMs > 0 ? ctx->occurredAtMs : e->createdAtMs;
    actions.append({QStringLiteral("note"), QStringLiteral("notes"), QStringLiteral("event:") + eventId, noteKey,
                    QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("salesflow_action_key")}, {QStringLiteral("id"), noteKey},
                                {QStringLiteral("properties"), QJsonObject{{QStringLiteral("hs_timestamp"), isoMs(when)},
                                                                           {QStringLiteral("hs_note_body"), body},
                                                                           {QStringLiteral("salesflow_action_key"), noteKey}}},
                                {QStringLiteral("associations"), assocNote}}});
    // The follow-up task with the draft, due the next business day.
    const QString taskKey = QStringLiteral("task:") + eventId;
    const QString who = ctx->actor.isEmpty() ? contactKey : ctx->actor;
    actions.append({QStringLiteral("task"), QStringLiteral("tasks"), QStringLiteral("event:") + eventId, taskKey,
                    QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("salesflow_action_key")}, {QStringLiteral("id"), taskKey},
                                {QStringLiteral("properties"), QJsonObject{
                                     {QStringLiteral("hs_timestamp"), isoMs(nextBusinessDay(e->createdAtMs))},
                                     {QStringLiteral("hs_task_subject"), QString(QStringLiteral("Follow up with %1: ").arg(who.isEmpty() ? QStringLiteral("the lead") : who) + e->nextAction).left(250)},
                                     {QStringLiteral("hs_task_body"), QStringLiteral("%1\n\nDraft email\nSubject: %2\n\n%3").arg(e->nextAction, e->followUpSubject, e->followUpBody)},
                                     {QStringLiteral("hs_task_status"), QStringLiteral("NOT_STARTED")},
                                     {QStringLiteral("hs_task_priority"), e->intent == QLatin1String("high") ? QStringLiteral("HIGH") : e->intent == QLatin1String("medium") ? QStringLiteral("MEDIUM") : QStringLiteral("LOW")},
                                     {QStringLiteral("hs_task_type"), QStringLiteral("EMAIL")},
                                     {QStringLiteral("salesflow_action_key"), taskKey}}},
                                {QStringLiteral("associations"), assocTask}}});
    // The contact's properties, as absolute values (a replay sets the same values again).
    if (ctx->contact) {
        auto sum = conn.exec("SELECT COALESCE(SUM(e.score_change), 0) FROM enrichment_outputs e"
                             " JOIN normalised_events n ON n.event_id = e.event_id"
                             " WHERE n.contact_id = (SELECT contact_id FROM normalised_events WHERE event_id = $1) AND e.outcome = 'ok'"
                             " AND e.id = (SELECT MAX(e2.id) FROM enrichment_outputs e2 WHERE e2.event_id = e.event_id AND e2.outcome = 'ok')"
                             " AND e.event_id <= $1",
                             {eventId});
        if (!sum)
            return sum.error();
        const qint64 score = std::clamp<qint64>(50 + sum->int64(0, 0), 0, 100);
        actions.append({QStringLiteral("update_contact"), QStringLiteral("contacts"), QStringLiteral("contact:") + contactKey,
                        QStringLiteral("props:") + eventId,
                        QJsonObject{{QStringLiteral("entity_key"), contactKey},
                                    {QStringLiteral("properties"), QJsonObject{
                                         {QStringLiteral("salesflow_intent"), e->intent},
                                         {QStringLiteral("salesflow_lead_quality"), QString::number(e->leadQuality)},
                                         {QStringLiteral("salesflow_lead_score"), QString::number(score)},
                                         {QStringLiteral("salesflow_last_ai_summary_date"), isoMs(e->createdAtMs)}}}}});
    }
    StageOutput out;
    out.newStatus = EventStatus::Planned;
    out.nextStage = QStringLiteral("write");
    out.detail = QStringLiteral("%1 actions planned").arg(actions.size());
    out.apply = [eventId, actions](store::Connection &c) { return store::ActionRepository::plan(c, eventId, actions, nowMs()); };
    return out;
}

} // namespace salesflow::pipeline
