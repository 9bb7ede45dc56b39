#pragma once

#include "../api/replaytypes.h"
#include "../llm/prompt.h"
#include "../store/actionrepository.h"
#include "../store/sql.h"

#include <memory>

namespace salesflow::pipeline {

class EnrichStage;

/// What the pipeline would do to an event now, computed without writing anything: no event,
/// job, enrichment, ledger or entity row changes and nothing is sent to HubSpot (the model is
/// called, as a real run would). Dry-run replays and prompt tests use it. Reads only; every
/// failure is the Error of the stage that could not run (a payload that no longer parses, an
/// event not normalised yet, the model unreachable).
class Preview
{
public:
    explicit Preview(std::shared_ptr<EnrichStage> enrich);

    /// One event's dry run from `stage` (normalise | enrich | plan | write): the enrichment
    /// fields that would change (before → after) and the HubSpot actions added, changed or
    /// removed against the ledger. `prompt` is the enrich prompt to use.
    Result<ReplayItem> dryRun(store::Connection &c, const QString &eventId, const QString &stage,
                              const llm::PromptVersion &prompt, qint64 *inputTokens, qint64 *outputTokens,
                              double *costUsd);

    /// A prompt test of one event: both versions' outputs and the actions each would plan.
    Result<PromptTestEvent> test(store::Connection &c, const QString &eventId, const llm::PromptVersion &candidate,
                                 const llm::PromptVersion &active);

    /// A planned action as the API shows it, with status "preview".
    static ActionInfo asInfo(const store::PlannedAction &a);

    /// Field-by-field differences of two enrichments' analyses (`before` may be null).
    static QList<FieldChange> enrichmentChanges(const EnrichmentInfo *before, const EnrichmentInfo &after);

private:
    std::shared_ptr<EnrichStage> m_enrich;
};

} // namespace salesflow::pipeline
