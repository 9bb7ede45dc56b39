#include "sharedratebudget.h"

#include "../core/clock.h"

#include <atomic>

namespace salesflow::store {

namespace {

Status lockBudget(Connection &c)
{
    if (c.dialect() == Dialect::Postgres) {
        auto r = c.exec("SELECT pg_advisory_xact_lock(72010042)");
        if (!r)
            return r.error();
    }
    return Done{};
}

Result<qint64> scalarText(Connection &c, const QByteArray &sql, const QVariantList &params)
{
    auto r = c.exec(sql, params);
    if (!r)
        return r.error();
    return r->isEmpty() ? 0 : r->text(0, 0).toLongLong();
}

std::atomic<int> g_calls{0};

} // namespace

Status SharedRateBudget::pauseUntil(qint64 untilMs)
{
    const bool pg = m_conn.dialect() == Dialect::Postgres;
    auto r = m_conn.exec(
        pg ? QByteArray("INSERT INTO hubspot_state (name, value, updated_at) VALUES ('paused_until', $1, $2)"
                        " ON CONFLICT (name) DO UPDATE"
                        " SET value = GREATEST(hubspot_state.value::bigint, $1::bigint)::text, updated_at = $2")
           : QByteArray("INSERT INTO hubspot_state (name, value, updated_at) VALUES ('paused_until', $1, $2)"
                        " ON CONFLICT (name) DO UPDATE"
                        " SET value = MAX(CAST(hubspot_state.value AS INTEGER), CAST($1 AS INTEGER)), updated_at = $2"),
        {QString::number(untilMs), nowMs()});
    if (!r)
        return r.error();
    return Done{};
}

Status SharedRateBudget::acquire(const hubspot::BudgetLimits &limits)
{
    for (;;) {
        qint64 waitMs = 0;
        {
            Tx tx(m_conn);
            if (Status s = tx.begin(true); !s)
                return s;
            if (Status s = lockBudget(m_conn); !s)
                return s;
            auto wait = tryTake(limits, nowMs());
            if (!wait)
                return wait.error();
            if (Status s = tx.commit(); !s)
                return s;
            if (wait.value() <= 0)
                return Done{};
            waitMs = wait.value();
        }
        if (!hubspot::sleepMs(qMin<qint64>(waitMs, 2000)))
            return hubspot::stopping();
    }
}

Result<qint64> SharedRateBudget::tryTake(const hubspot::BudgetLimits &limits, qint64 now)
{
    auto pausedUntil = scalarText(m_conn, "SELECT value FROM hubspot_state WHERE name = 'paused_until'", {});
    if (!pausedUntil)
        return pausedUntil.error();
    if (pausedUntil.value() > now)
        return pausedUntil.value() - now;
    // A call is stamped here, before it is sent; HubSpot counts it when it arrives. A slightly
    // longer window keeps the two counts from disagreeing at the edge.
    const qint64 window = limits.windowMs + qMax<qint64>(50, limits.windowMs / 40);
    auto inWindow = m_conn.exec("SELECT count(*) FROM hubspot_calls WHERE at > $1", {now - window});
    if (!inWindow)
        return inWindow.error();
    if (inWindow->int64(0, 0) >= limits.perWindow)
        return waitForRoom(limits, window, inWindow->int64(0, 0), now);
    auto usedToday = scalarText(m_conn, "SELECT value FROM hubspot_state WHERE name = $1",
                                {QString(QStringLiteral("daily:") + hubspot::utcDay(now))});
    if (!usedToday)
        return usedToday.error();
    if (usedToday.value() >= qint64(double(limits.dailyLimit) * (1.0 - limits.dailyReserve)))
        return hubspot::dailyBudgetUsed(usedToday.value(), limits, now);
    if (Status s = count(now, limits.windowMs); !s)
        return s.error();
    return 0;
}

Result<qint64> SharedRateBudget::waitForRoom(const hubspot::BudgetLimits &limits, qint64 window, qint64 inWindow,
                                             qint64 now)
{
    auto oldest = m_conn.exec("SELECT at FROM hubspot_calls WHERE at > $1 ORDER BY at LIMIT 1 OFFSET $2",
                              {now - window, inWindow - limits.perWindow});
    if (!oldest)
        return oldest.error();
    return (oldest->isEmpty() ? 50 : oldest->int64(0, 0) + window - now) + 5;
}

Status SharedRateBudget::count(qint64 now, qint64 windowMs)
{
    const QString day = hubspot::utcDay(now);
    if (auto r = m_conn.exec("INSERT INTO hubspot_state (name, value, updated_at) VALUES ($1, '1', $2)"
                             " ON CONFLICT (name) DO UPDATE"
                             " SET value = CAST(CAST(hubspot_state.value AS BIGINT) + 1 AS TEXT), updated_at = $2",
                             {QString(QStringLiteral("daily:") + day), now});
        !r)
        return r.error();
    if (auto r = m_conn.exec("INSERT INTO hubspot_calls (at, day) VALUES ($1, $2)", {now, day}); !r)
        return r.error();
    if (++g_calls % 200 == 0) {
        if (auto r = m_conn.exec("DELETE FROM hubspot_calls WHERE at < $1", {now - 2 * windowMs}); !r)
            return r.error();
    }
    return Done{};
}

} // namespace salesflow::store
