#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// The review queue over raw_events in `in_review`, and who holds each item (review_claims).
class ReviewRepository
{
public:
    /// Oldest first after the keyset cursor `after` (an event id); claims that lapsed are not shown.
    static Result<ReviewPage> queue(Connection &c, int limit, const QString &after, qint64 nowMs);

    /// Inside the caller's write transaction: the event's status, its row locked on PostgreSQL so
    /// two reviewers serialise. 404 `event.not_found`.
    static Result<QString> lockStatus(Connection &c, const QString &eventId);
    /// Inside the caller's transaction: who holds the item now, if anyone.
    static Result<std::optional<ReviewClaim>> holder(Connection &c, const QString &eventId, qint64 nowMs);
    /// 409 `review.held` naming the holder and until when, unless `actor` may act on the item.
    static Status checkNotHeldByOther(Connection &c, const QString &eventId, const QString &actor, qint64 nowMs);

    /// Claims (or renews) the item for `actor` until `untilMs`, audited; its own transaction.
    /// 409 `review.not_in_review` or `review.held`; 404 for no such event.
    static Result<ReviewClaim> claim(Connection &c, const QString &eventId, const QString &actor, qint64 untilMs,
                                     qint64 nowMs);
    /// Inside the caller's transaction: the item is decided, nobody holds it any more.
    static Status release(Connection &c, const QString &eventId);
};

/// 409 `review.held`: someone else holds the item.
Error heldError(const ReviewClaim &claim);

} // namespace salesflow::store
