#pragma once

#include "../hubspot/ratebudget.h"
#include "sql.h"

namespace salesflow::store {

/// The HubSpot budget every writer process on this store shares (hubspot_calls, hubspot_state):
/// at most `perWindow` calls in any rolling window (HubSpot counts TEN_SECONDLY_ROLLING), the
/// daily quota minus the reserve, and the pauses a 429 or the rate-limit headers asked for.
/// Works on the caller's connection, each step in its own short transaction (PostgreSQL: under
/// an advisory lock, so writers on many hosts count as one).
class SharedRateBudget final : public hubspot::IRateBudget
{
public:
    explicit SharedRateBudget(Connection &c) : m_conn(c) { }
    Status acquire(const hubspot::BudgetLimits &limits) override;
    Status pauseUntil(qint64 untilMs) override;

private:
    /// One try inside the transaction: 0 when the call was counted, else how long to wait.
    Result<qint64> tryTake(const hubspot::BudgetLimits &limits, qint64 now);
    /// How long until the call that makes room leaves the window (the window is full).
    Result<qint64> waitForRoom(const hubspot::BudgetLimits &limits, qint64 window, qint64 inWindow, qint64 now);
    Status count(qint64 now, qint64 windowMs);

    Connection &m_conn;
};

} // namespace salesflow::store
