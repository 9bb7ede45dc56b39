#pragma once

#include "../istage.h"

namespace salesflow::pipeline {

/// The normalise stage: parses the raw event with its source's parser, stores the internal
/// model in normalised_events, and links the event to crm_entities (contact by email, company
/// by domain, deal by reference, HubSpot objects by id). A HubSpot property change updates the
/// entity's property snapshot only when it is newer than what is stored (deliveries reorder).
/// An event with no usable identity is normalised all the same and marked unlinked. Parse
/// errors fail the event at once with the parser's message; it stays raw and replayable.
class NormaliseStage final : public IStage
{
public:
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 32; }
    Result<StageOutput> run(const queue::Job &job, store::Connection &conn) override;
};

} // namespace salesflow::pipeline
