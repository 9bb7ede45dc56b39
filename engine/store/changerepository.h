#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// One row as the change feed reads it, with the event's status now.
struct ChangeRow
{
    qint64 id = 0; ///< audit id (0 for an arrival)
    QString eventId; ///< empty for audit entries about no event (a token created, ...)
    QString status; ///< the event's current status
    QString action;
    QString actor;
    qint64 atMs = 0;
};

/// Where the feed stands: the last audit id and the last event id read.
struct FeedPosition
{
    qint64 auditId = 0;
    QString eventId;
};

/// The change feed reads two append-only logs: raw_events for arrivals (ids are time-ordered;
/// the arrival is kept on the row, not in the audit log, to keep ingest cheap) and audit_logs for
/// every later transition and human action (ids ascending).
class ChangeRepository
{
public:
    /// The newest audit id and event id (0 and empty for an empty store).
    static Result<FeedPosition> head(Connection &c);
    /// Up to `limit` audit entries with id > `afterId`, ascending.
    static Result<QList<ChangeRow>> auditAfter(Connection &c, qint64 afterId, int limit);
    /// Up to `limit` events that arrived with an id > `afterEventId`, ascending.
    static Result<QList<ChangeRow>> arrivalsAfter(Connection &c, const QString &afterEventId, int limit);
};

} // namespace salesflow::store
