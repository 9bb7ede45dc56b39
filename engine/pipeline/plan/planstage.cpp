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

using Entity = store::EnrichContext::Entity;

QJsonObject association(const QString &entity, const QString &key, const QString &toType, int typeId)
{
    return QJsonObject{{QStringLiteral("entity"), entity},
                       {QStringLiteral("key"), key},
                       {QStringLiteral("toType"), toType},
                       {QStringLiteral("typeId"), typeId}};
}

/// An upsert by a unique property: HubSpot creates it once and updates it after.
store::PlannedAction upsert(const QString &kind, const QString &objectType, const QString &target,
                            const QString &idProperty, const QString &id, const QJsonObject &props)
{
    return {kind, objectType, target, target,
            QJsonObject{{QStringLiteral("idProperty"), idProperty},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("properties"), props},
                        {QStringLiteral("entity_key"), id}}};
}

/// What the note and task are attached to, and the upserts of entities HubSpot does not have.
struct Targets
{
    QList<store::PlannedAction> upserts;
    QJsonArray noteAssociations, taskAssociations;
    QString contactKey;
};

void addContact(Targets &t, const Entity &contact)
{
    t.contactKey = contact.key;
    if (!contact.key.startsWith(QLatin1String("hubspot:")) && contact.hubspotId.isEmpty()) {
        QJsonObject props{{QStringLiteral("email"), contact.key}};
        for (const char *name : {"firstname", "lastname"}) {
            const QString value = contact.properties.value(QLatin1String(name)).toString();
            if (!value.isEmpty())
                props.insert(QLatin1String(name), value);
        }
        t.upserts.append(upsert(QStringLiteral("upsert_contact"), QStringLiteral("contacts"),
                                QStringLiteral("contact:") + contact.key, QStringLiteral("email"), contact.key, props));
    }
    t.noteAssociations.append(association(QStringLiteral("contact"), contact.key, QStringLiteral("contacts"), 202));
    t.taskAssociations.append(association(QStringLiteral("contact"), contact.key, QStringLiteral("contacts"), 204));
}

void addCompany(Targets &t, const Entity &company, const QString &name)
{
    const QString domain = company.key;
    if (!domain.startsWith(QLatin1String("hubspot:")) && company.hubspotId.isEmpty()) {
        QJsonObject props{{QStringLiteral("domain"), domain}, {QStringLiteral("salesflow_company_key"), domain}};
        if (!name.isEmpty())
            props.insert(QStringLiteral("name"), name);
        t.upserts.append(upsert(QStringLiteral("upsert_company"), QStringLiteral("companies"),
                                QStringLiteral("company:") + domain, QStringLiteral("salesflow_company_key"), domain,
                                props));
    }
    t.noteAssociations.append(association(QStringLiteral("company"), domain, QStringLiteral("companies"), 190));
    t.taskAssociations.append(association(QStringLiteral("company"), domain, QStringLiteral("companies"), 192));
}

Targets targetsOf(const store::EnrichContext &ctx)
{
    Targets t;
    if (ctx.contact)
        addContact(t, *ctx.contact);
    if (ctx.company_)
        addCompany(t, *ctx.company_, ctx.company);
    if (ctx.deal) {
        // Only a deal HubSpot knows can be associated; a local reference is left out (and said so).
        t.noteAssociations.append(association(QStringLiteral("deal"), ctx.deal->key, QStringLiteral("deals"), 214));
        t.taskAssociations.append(association(QStringLiteral("deal"), ctx.deal->key, QStringLiteral("deals"), 216));
    }
    return t;
}

/// The note: what a rep reads on the contact's timeline.
store::PlannedAction noteAction(const QString &eventId, const EnrichmentInfo &e, const store::EnrichContext &ctx,
                                const QJsonArray &associations)
{
    const QString key = QStringLiteral("note:") + eventId;
    QString body = QStringLiteral("<p><strong>SalesFlow AI summary</strong> · intent %1 · lead quality %2/100</p>"
                                  "<p>%3</p>")
                       .arg(html(e.intent))
                       .arg(e.leadQuality)
                       .arg(html(e.summary));
    if (!e.objections.isEmpty()) {
        body += QStringLiteral("<p><strong>Objections</strong></p><ul>");
        for (const ObjectionInfo &o : e.objections)
            body += QStringLiteral("<li>%1: “%2”</li>").arg(html(o.category), html(o.evidence));
        body += QStringLiteral("</ul>");
    }
    body += QStringLiteral("<p><strong>Next action:</strong> %1</p>").arg(html(e.nextAction));
    body += QStringLiteral("<p><small>SalesFlow %1 · %2/%3 · prompt %4 v%5</small></p>")
                .arg(html(key), html(e.provider), html(e.model), html(e.promptName))
                .arg(e.promptVersion);
    const qint64 when = ctx.occurredAtMs > 0 ? ctx.occurredAtMs : e.createdAtMs;
    const QJsonObject props{{QStringLiteral("hs_timestamp"), isoMs(when)},
                            {QStringLiteral("hs_note_body"), body},
                            {QStringLiteral("salesflow_action_key"), key}};
    return {QStringLiteral("note"), QStringLiteral("notes"), QStringLiteral("event:") + eventId, key,
            QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("salesflow_action_key")},
                        {QStringLiteral("id"), key},
                        {QStringLiteral("properties"), props},
                        {QStringLiteral("associations"), associations}}};
}

QString taskPriority(const QString &intent)
{
    if (intent == QLatin1String("high"))
        return QStringLiteral("HIGH");
    return intent == QLatin1String("medium") ? QStringLiteral("MEDIUM") : QStringLiteral("LOW");
}

/// The follow-up task with the draft, due the next business day.
store::PlannedAction taskAction(const QString &eventId, const EnrichmentInfo &e, const QString &who,
                                const QJsonArray &associations)
{
    const QString key = QStringLiteral("task:") + eventId;
    const QString subject
        = QString(QStringLiteral("Follow up with %1: ").arg(who.isEmpty() ? QStringLiteral("the lead") : who)
                  + e.nextAction)
              .left(250);
    const QJsonObject props{
        {QStringLiteral("hs_timestamp"), isoMs(nextBusinessDay(e.createdAtMs))},
        {QStringLiteral("hs_task_subject"), subject},
        {QStringLiteral("hs_task_body"),
         QStringLiteral("%1\n\nDraft email\nSubject: %2\n\n%3").arg(e.nextAction, e.followUpSubject, e.followUpBody)},
        {QStringLiteral("hs_task_status"), QStringLiteral("NOT_STARTED")},
        {QStringLiteral("hs_task_priority"), taskPriority(e.intent)},
        {QStringLiteral("hs_task_type"), QStringLiteral("EMAIL")},
        {QStringLiteral("salesflow_action_key"), key}};
    return {QStringLiteral("task"), QStringLiteral("tasks"), QStringLiteral("event:") + eventId, key,
            QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("salesflow_action_key")},
                        {QStringLiteral("id"), key},
                        {QStringLiteral("properties"), props},
                        {QStringLiteral("associations"), associations}}};
}

/// The contact's properties, as absolute values (a replay sets the same values again); the
/// lead score is 50 plus the score change of this answer and of the contact's earlier events.
Result<store::PlannedAction> contactUpdate(store::Connection &conn, const QString &eventId, const EnrichmentInfo &e,
                                           qint64 asOfMs, const QString &contactKey, std::optional<qint64> earlier)
{
    if (!earlier) {
        auto sum = store::EnrichmentRepository::earlierScoreChange(conn, eventId);
        if (!sum)
            return sum.error();
        earlier = sum.value();
    }
    const qint64 score = std::clamp<qint64>(50 + *earlier + e.leadScoreChange, 0, 100);
    const QJsonObject props{{QStringLiteral("salesflow_intent"), e.intent},
                            {QStringLiteral("salesflow_lead_quality"), QString::number(e.leadQuality)},
                            {QStringLiteral("salesflow_lead_score"), QString::number(score)},
                            {QStringLiteral("salesflow_last_ai_summary_date"), isoMs(asOfMs)}};
    return store::PlannedAction{
        QStringLiteral("update_contact"), QStringLiteral("contacts"), QStringLiteral("contact:") + contactKey,
        QStringLiteral("props:") + eventId,
        QJsonObject{{QStringLiteral("entity_key"), contactKey}, {QStringLiteral("properties"), props}}};
}

bool sameAnalysis(const EnrichmentInfo &a, const EnrichmentInfo &b)
{
    auto objections = [](const EnrichmentInfo &e) {
        QStringList out;
        for (const ObjectionInfo &o : e.objections)
            out << o.category + QLatin1Char('\n') + o.evidence;
        return out;
    };
    return a.summary == b.summary && a.intent == b.intent && a.leadQuality == b.leadQuality
        && a.nextAction == b.nextAction && a.followUpSubject == b.followUpSubject && a.followUpBody == b.followUpBody
        && a.leadScoreChange == b.leadScoreChange && objections(a) == objections(b);
}

/// When this analysis was first given: the time of the run of stored answers equal to it that
/// ends the list, else its own.
qint64 analysedAt(const EnrichmentInfo &e, const QList<EnrichmentInfo> &earlier)
{
    qint64 at = e.createdAtMs;
    for (auto it = earlier.crbegin(); it != earlier.crend(); ++it) {
        if (it->outcome != QLatin1String("ok"))
            continue;
        if (!sameAnalysis(*it, e))
            break;
        at = it->createdAtMs;
    }
    return at;
}

} // namespace

const EnrichmentInfo *PlanStage::usable(const QList<EnrichmentInfo> &outputs)
{
    const EnrichmentInfo *e = nullptr;
    for (const EnrichmentInfo &o : outputs) {
        if (o.outcome == QLatin1String("ok"))
            e = &o;
    }
    return e;
}

Result<QList<store::PlannedAction>> PlanStage::planFor(store::Connection &conn, const store::EnrichContext &ctx,
                                                       const EnrichmentInfo &given,
                                                       const QList<EnrichmentInfo> &earlier, QString *why)
{
    if (!ctx.contact && !ctx.company_ && !ctx.deal) {
        // A note or task attached to nobody is lost on HubSpot's side: plan nothing, say why.
        if (why)
            *why = QStringLiteral("nothing planned: the event is linked to no contact, company or deal to attach a "
                                  "note to");
        return QList<store::PlannedAction>();
    }
    EnrichmentInfo e = given;
    e.createdAtMs = analysedAt(given, earlier);
    const Targets t = targetsOf(ctx);
    QList<store::PlannedAction> actions = t.upserts;
    actions.append(noteAction(ctx.eventId, e, ctx, t.noteAssociations));
    actions.append(taskAction(ctx.eventId, e, ctx.actor.isEmpty() ? t.contactKey : ctx.actor, t.taskAssociations));
    if (ctx.contact) {
        auto update = contactUpdate(conn, ctx.eventId, e, e.createdAtMs, t.contactKey, ctx.earlierScoreChange);
        if (!update)
            return update.error();
        actions.append(update.value());
    }
    return actions;
}

namespace {

/// The batch's planned actions, written together (ActionRepository::planAll).
struct PlanWrite final : BatchWrite
{
    QList<store::ActionRepository::EventPlan> plans;
    Status apply(store::Connection &c, const QList<int> &parts) override
    {
        QList<store::ActionRepository::EventPlan> chosen;
        for (int part : parts)
            chosen.append(plans.at(part));
        return store::ActionRepository::planAll(c, chosen, nowMs());
    }
};

} // namespace

Result<StageOutput> PlanStage::run(const queue::Job &job, store::Connection &conn)
{
    return runBatch({job}, conn).first();
}

QList<Result<StageOutput>> PlanStage::runBatch(const QList<queue::Job> &jobs, store::Connection &conn)
{
    QStringList ids;
    for (const queue::Job &job : jobs)
        ids << job.eventId;
    auto outputs = store::EnrichmentRepository::forEvents(conn, ids);
    if (!outputs) // the store's trouble is every job's: each retries
        return QList<Result<StageOutput>>(jobs.size(), outputs.error());
    auto contexts = store::EnrichmentRepository::loadContexts(conn, ids, true);
    if (!contexts)
        return QList<Result<StageOutput>>(jobs.size(), contexts.error());
    auto write = std::make_shared<PlanWrite>();
    return eachJob(jobs, [&](const queue::Job &job) {
        QList<store::PlannedAction> planned;
        auto out = planEvent(job.eventId, outputs->value(job.eventId), contexts->value(job.eventId, Error{}), conn,
                             &planned);
        if (out && !planned.isEmpty()) {
            out->batchWrite = write;
            out->batchPart = int(write->plans.size());
            write->plans.append({job.eventId, planned});
        }
        return out;
    });
}

Result<StageOutput> PlanStage::planEvent(const QString &eventId, const QList<EnrichmentInfo> &outputs,
                                         Result<store::EnrichContext> ctx, store::Connection &conn,
                                         QList<store::PlannedAction> *planned)
{
    const EnrichmentInfo *e = usable(outputs);
    if (!e)
        return permanentError("permanent.plan",
                              QStringLiteral("event %1 has no usable enrichment to plan from").arg(eventId));
    if (!ctx)
        return ctx.error();
    if (Status s = store::EnrichmentRepository::completeContext(conn, ctx.value(), 0); !s)
        return s.error();
    StageOutput out;
    auto actions = planFor(conn, ctx.value(), *e, outputs, &out.detail);
    if (!actions)
        return actions.error();
    if (actions->isEmpty()) {
        out.newStatus = EventStatus::Done;
        return out;
    }
    out.newStatus = EventStatus::Planned;
    out.nextStage = QStringLiteral("write");
    out.detail = QStringLiteral("%1 actions planned").arg(actions->size());
    for (const store::PlannedAction &a : actions.value()) {
        if (a.kind.startsWith(QLatin1String("upsert_")))
            out.contended << a.key; // shared by every event of the contact or company
    }
    *planned = std::move(actions).value();
    return out;
}

} // namespace salesflow::pipeline
