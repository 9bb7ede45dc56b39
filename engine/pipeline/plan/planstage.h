#pragma once

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
};

} // namespace salesflow::pipeline
