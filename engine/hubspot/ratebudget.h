#pragma once

#include "../api/result.h"

#include <QList>
#include <QMutex>

namespace salesflow::hubspot {

/// The limits one call must fit in: calls per rolling window and the day's share.
struct BudgetLimits
{
    int perWindow = 99; ///< calls in any rolling window (the tier's limit minus headroom)
    qint64 windowMs = 10000;
    qint64 dailyLimit = 250000;
    double dailyReserve = 0.1; ///< share of the day left for other apps
};

/// The HubSpot call budget the client spends from before every call. Every writer process on
/// one store shares one (store::SharedRateBudget, in the database); a lone command with no store
/// keeps its own in memory (LocalRateBudget). hubspot/ knows nothing of the store: the budget
/// is injected.
class IRateBudget
{
public:
    virtual ~IRateBudget() = default;
    /// Waits until one more call fits in `limits`, then counts it. Error "hold.daily" (with
    /// retryAfterMs until the next UTC midnight) when the day's share is used; the store's
    /// error when the shared budget cannot be read.
    virtual Status acquire(const BudgetLimits &limits) = 0;
    /// Every writer sharing the budget waits until `untilMs` (a 429, or Remaining at 0).
    virtual Status pauseUntil(qint64 untilMs) = 0;
};

/// The budget of one process, in memory: for `salesflowd hubspot setup`, which needs no store.
class LocalRateBudget final : public IRateBudget
{
public:
    Status acquire(const BudgetLimits &limits) override;
    Status pauseUntil(qint64 untilMs) override;

private:
    QMutex m_mutex;
    QList<qint64> m_calls; // call times in the current window, oldest first
    qint64 m_pausedUntil = 0;
    QString m_day;
    qint64 m_today = 0;
};

/// "hold.daily": the day's share is used; writing resumes after midnight UTC.
Error dailyBudgetUsed(qint64 usedToday, const BudgetLimits &limits, qint64 nowMs);
/// The UTC day of `ms` (HubSpot does not say its account's time zone; the reserve absorbs it).
QString utcDay(qint64 ms);
qint64 nextUtcMidnight(qint64 ms);
/// Sleeps for `ms`; false (at once) when the thread's StopToken asks to stop.
bool sleepMs(qint64 ms);
/// "hold.stopping": the call was abandoned because the process is stopping (no attempt used).
Error stopping();

} // namespace salesflow::hubspot
