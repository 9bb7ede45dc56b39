#pragma once

#include "../api/types.h"
#include "../store/sql.h"

namespace salesflow::pipeline {

/// A reviewer's decision on an event in review, as one transaction with its audit entry.
///
/// Approve: the edits are applied to the AI's analysis and validated like the model's answer
/// (types, ranges, every objection's evidence must occur in the event text); the result is kept
/// as an enrichment of its own beside the AI's, and the event goes on to plan with it. Reject:
/// needs a comment; the event gets no CRM action. The same decision repeated by the same
/// reviewer answers the first result; anything else on a decided event, or on an item someone
/// else holds, is a 409.
class Review
{
public:
    static Result<DecisionResult> decide(store::Connection &c, const QString &eventId, const QString &actor,
                                         const ReviewDecision &decision, int maxAttempts, qint64 nowMs);
    /// The HubSpot actions approving the event with these edits would plan now, writing nothing
    /// (status "preview"): the review workbench shows what each edit changes. Invalid edits are
    /// the 400 `review.invalid_edit` decide() would give; an event with nothing under review 409.
    static Result<QList<ActionInfo>> preview(store::Connection &c, const QString &eventId, const QString &actor,
                                             const QJsonObject &edits, qint64 nowMs);
    /// The field names `edits` may hold.
    static QStringList editableFields();
};

} // namespace salesflow::pipeline
