#include "auditlog.h"

namespace salesflow::store {

Status writeAudit(Connection &c, const QString &eventId, const QString &actor, const QString &action,
                  const QString &before, const QString &after, const QString &detail, qint64 nowMs)
{
    auto orNull = [](const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); };
    auto r = c.exec("INSERT INTO audit_logs (event_id, actor, action, before_state, after_state, detail, at)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    {orNull(eventId), actor, action, orNull(before), orNull(after), detail, nowMs});
    if (!r)
        return r.error();
    return Done{};
}

} // namespace salesflow::store
