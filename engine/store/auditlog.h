#pragma once

#include "sql.h"

namespace salesflow::store {

/// audit_logs: one entry of a human or admin action, inside the caller's transaction. `eventId`,
/// `before` and `after` may be empty (stored as NULL). Fails with the store's error.
Status writeAudit(Connection &c, const QString &eventId, const QString &actor, const QString &action,
                  const QString &before, const QString &after, const QString &detail, qint64 nowMs);

} // namespace salesflow::store
