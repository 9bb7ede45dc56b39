#include "review.h"

#include "../llm/analysis.h"
#include "../queue/jobqueue.h"
#include "../store/enrichmentrepository.h"
#include "../store/eventrepository.h"
#include "../store/reviewrepository.h"
#include "enrich/enrichstage.h"
#include "plan/planstage.h"
#include "preview.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace salesflow::pipeline {

using store::Connection;

namespace {

QJsonObject analysisJson(const EnrichmentInfo &e)
{
    return llm::toJson(analysisOf(e));
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Error invalidEdit(const QString &why)
{
    return makeError("review.invalid_edit", why, 400);
}

/// The AI's analysis with the reviewer's edits, validated like a model's answer.
Result<llm::Analysis> edited(const EnrichmentInfo &ai, const QJsonObject &edits, const QString &eventText)
{
    QJsonObject merged = analysisJson(ai);
    for (auto it = edits.begin(); it != edits.end(); ++it) {
        if (!Review::editableFields().contains(it.key())) {
            return invalidEdit(QStringLiteral("'%1' cannot be edited; editable: %2")
                                   .arg(it.key(), Review::editableFields().join(QStringLiteral(", "))));
        }
        merged.insert(it.key(), it.value());
    }
    const llm::Validation v = llm::validate(merged, eventText);
    if (!v.analysis)
        return invalidEdit(
            QStringLiteral("the edited analysis is not valid: %1").arg(v.errors.join(QStringLiteral("; "))));
    const qsizetype asked = merged.value(QStringLiteral("objections")).toArray().size();
    if (v.analysis->objections.size() != asked) {
        return invalidEdit(QStringLiteral("every objection's evidence must be a quote from the event text: %1")
                               .arg(v.notes.join(QStringLiteral("; "))));
    }
    return v.analysis.value();
}

EnrichmentInfo reviewersVersion(const EnrichmentInfo &ai, const llm::Analysis &a, const QString &actor,
                                const QString &comment, qint64 now)
{
    EnrichmentInfo e;
    copyAnalysis(e, a);
    e.confidence = ai.confidence;
    e.promptName = ai.promptName;
    e.promptVersion = ai.promptVersion;
    e.provider = QStringLiteral("reviewer");
    e.model = ai.model;
    e.outcome = QStringLiteral("ok");
    e.reviewState = QStringLiteral("approved");
    e.reviewedBy = actor;
    e.reviewComment = comment;
    e.createdAtMs = now;
    return e;
}

/// The AI's newest enrichment of the event (the one under review).
Result<EnrichmentInfo> underReview(Connection &c, const QString &eventId)
{
    auto all = store::EnrichmentRepository::forEvent(c, eventId);
    if (!all)
        return all.error();
    for (auto it = all->crbegin(); it != all->crend(); ++it) {
        if (it->reviewedBy.isEmpty())
            return *it;
    }
    return makeError("review.no_enrichment", QStringLiteral("the event has no enrichment to review"), 409);
}

/// A decided event: the same decision by the same reviewer is answered again, anything else 409.
Result<DecisionResult> alreadyDecided(Connection &c, const QString &eventId, const QString &status,
                                      const QString &actor, const QString &action)
{
    auto last = c.exec("SELECT actor, action FROM audit_logs WHERE event_id = $1 AND action IN"
                       " ('review.approve', 'review.reject') ORDER BY id DESC LIMIT 1",
                       {eventId});
    if (!last)
        return last.error();
    if (!last->isEmpty() && last->text(0, 0) == actor && last->text(0, 1) == action) {
        auto id = store::EnrichmentRepository::newestId(c, eventId);
        if (!id)
            return id.error();
        return DecisionResult{eventId, status, id.value(), true};
    }
    const QString by = last->isEmpty() ? QString() : QStringLiteral(" (decided by %1)").arg(last->text(0, 0));
    return makeError("review.not_in_review", QStringLiteral("the event is %1, no longer in review%2").arg(status, by),
                     409);
}

} // namespace

QStringList Review::editableFields()
{
    return {QStringLiteral("summary"),          QStringLiteral("intent"),      QStringLiteral("lead_quality"),
            QStringLiteral("objections"),       QStringLiteral("next_action"), QStringLiteral("follow_up_email"),
            QStringLiteral("lead_score_change")};
}

namespace {

/// Approve: the reviewer's version stored beside the AI's and the plan job queued; answers the
/// version as JSON for the audit.
Result<QString> approve(Connection &c, const QString &eventId, const EnrichmentInfo &ai, const ReviewDecision &d,
                        const QString &actor, int maxAttempts, qint64 now)
{
    auto ctx = store::EnrichmentRepository::loadContext(c, eventId, 0);
    auto analysis = ctx ? edited(ai, d.edits, ctx->text) : Result<llm::Analysis>(ctx.error());
    if (!analysis)
        return analysis.error();
    const EnrichmentInfo mine = reviewersVersion(ai, analysis.value(), actor, d.comment, now);
    if (Status s = store::EnrichmentRepository::insert(c, eventId, mine); !s)
        return s.error();
    if (Status s = queue::JobQueue::enqueue(c, {eventId}, QStringLiteral("plan"), maxAttempts, now, now); !s)
        return s.error();
    return compact(analysisJson(mine));
}

/// The event's new status with its transition, the decision's audit entry, the claim released.
Status record(Connection &c, const QString &eventId, const EnrichmentInfo &ai, const ReviewDecision &d,
              const QString &actor, const QString &after, qint64 now)
{
    const QString state = d.approve ? EventStatus::Approved : EventStatus::Rejected;
    if (Status s = store::EnrichmentRepository::setReviewState(c, ai.id, state); !s)
        return s;
    if (Status s
        = store::TransitionWriter::write(c, {store::Transition{eventId, state, {}, {}, d.comment}}, actor, now);
        !s)
        return s;
    auto audit = c.exec("INSERT INTO audit_logs (event_id, actor, action, before_state, after_state, detail, at)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        {eventId, actor, d.approve ? QStringLiteral("review.approve") : QStringLiteral("review.reject"),
                         compact(analysisJson(ai)), after.isEmpty() ? QVariant() : QVariant(after), d.comment, now});
    if (!audit)
        return audit.error();
    return store::ReviewRepository::release(c, eventId);
}

} // namespace

Result<DecisionResult> Review::decide(Connection &c, const QString &eventId, const QString &actor,
                                      const ReviewDecision &d, int maxAttempts, qint64 now)
{
    if (!d.approve && d.comment.trimmed().isEmpty())
        return makeError("review.comment", QStringLiteral("a rejection needs a comment saying why"), 400);
    store::Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto status = store::ReviewRepository::lockStatus(c, eventId);
    if (!status)
        return status.error();
    if (status.value() != EventStatus::InReview) {
        return alreadyDecided(c, eventId, status.value(), actor,
                              d.approve ? QStringLiteral("review.approve") : QStringLiteral("review.reject"));
    }
    if (Status s = store::ReviewRepository::checkNotHeldByOther(c, eventId, actor, now); !s)
        return s.error();
    auto ai = underReview(c, eventId);
    if (!ai)
        return ai.error();
    auto after = d.approve ? approve(c, eventId, ai.value(), d, actor, maxAttempts, now) : Result<QString>(QString());
    if (!after)
        return after.error();
    if (Status s = record(c, eventId, ai.value(), d, actor, after.value(), now); !s)
        return s.error();
    auto id = store::EnrichmentRepository::newestId(c, eventId);
    if (!id)
        return id.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return DecisionResult{eventId, d.approve ? EventStatus::Approved : EventStatus::Rejected, id.value(), false};
}

Result<QList<ActionInfo>> Review::preview(Connection &c, const QString &eventId, const QString &actor,
                                          const QJsonObject &edits, qint64 now)
{
    auto ai = underReview(c, eventId);
    if (!ai)
        return ai.error();
    auto ctx = store::EnrichmentRepository::loadContext(c, eventId, 0);
    if (!ctx)
        return ctx.error();
    auto analysis = edited(ai.value(), edits, ctx->text);
    if (!analysis)
        return analysis.error();
    auto earlier = store::EnrichmentRepository::forEvent(c, eventId);
    if (!earlier)
        return earlier.error();
    const EnrichmentInfo mine = reviewersVersion(ai.value(), analysis.value(), actor, QString(), now);
    QString why;
    auto plan = PlanStage::planFor(c, ctx.value(), mine, earlier.value(), &why);
    if (!plan)
        return plan.error();
    QList<ActionInfo> out;
    for (const store::PlannedAction &a : plan.value())
        out.append(Preview::asInfo(a));
    return out;
}

} // namespace salesflow::pipeline
