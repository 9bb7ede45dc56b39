#pragma once

#include "../../store/actionrepository.h"
#include "../../store/enrichmentrepository.h"
#include "../istage.h"

namespace salesflow::pipeline {

/// The plan stage: turns an event's approved enrichment into HubSpot actions in the ledger
/// (crm_actions), never calling HubSpot itself: the contact upserted by email and the company
/// by domain when HubSpot does not know them yet, a note on the contact (associated with its
/// company and deal) with the summary, objections and next action, a follow-up task with the
/// draft email and a due date, and the contact's SalesFlow properties (intent, lead quality,
/// lead score, last AI summary date). Re-planning the same output changes nothing.
class PlanStage final : public IStage
{
public:
    QString name() const override { return QStringLiteral("plan"); }
    int batchSize() const override { return 32; }
    Result<StageOutput> run(const queue::Job &job, store::Connection &conn) override;
    /// Each job's plan, with the batch's enrichments read in one statement and its actions
    /// written together when the batch commits (ActionRepository::planAll). run() is a batch of one.
    QList<Result<StageOutput>> runBatch(const QList<queue::Job> &jobs, store::Connection &conn) override;

    /// The actions the planner would put in the ledger for `e`, writing nothing (dry runs and
    /// prompt tests use it). `earlier` are the event's stored enrichments, oldest first: an
    /// analysis equal to the latest of them keeps its dates, so re-planning an unchanged answer
    /// changes nothing in HubSpot. Empty (with `why` set) when there is nothing to attach to.
    static Result<QList<store::PlannedAction>> planFor(store::Connection &conn, const store::EnrichContext &ctx,
                                                       const EnrichmentInfo &e, const QList<EnrichmentInfo> &earlier,
                                                       QString *why = nullptr);
    /// The newest enrichment that answered, or null.
    static const EnrichmentInfo *usable(const QList<EnrichmentInfo> &outputs);

private:
    /// The plan of one event from its stored enrichments (oldest first) and its context (as
    /// loadContexts gave it); its actions in `planned`.
    static Result<StageOutput> planEvent(const QString &eventId, const QList<EnrichmentInfo> &outputs,
                                         Result<store::EnrichContext> ctx, store::Connection &conn,
                                         QList<store::PlannedAction> *planned);
};

} // namespace salesflow::pipeline
