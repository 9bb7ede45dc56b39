#include "ratebudget.h"

#include "../core/clock.h"
#include "../core/stoptoken.h"

#include <QDateTime>

#include <chrono>
#include <thread>

namespace salesflow::hubspot {

QString utcDay(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

qint64 nextUtcMidnight(qint64 ms)
{
    const QDate d = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().addDays(1);
    return QDateTime(d, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

bool sleepMs(qint64 ms)
{
    return StopToken::sleep(ms);
}

Error stopping()
{
    return holdError("hold.stopping", QStringLiteral("HubSpot call abandoned: the process is stopping"), 0);
}

Error dailyBudgetUsed(qint64 usedToday, const BudgetLimits &limits, qint64 nowMs)
{
    return holdError("hold.daily",
                     QStringLiteral("HubSpot daily budget used: %1 of %2 calls today (UTC), %3% kept for other apps; "
                                    "writing resumes after midnight UTC")
                         .arg(usedToday)
                         .arg(limits.dailyLimit)
                         .arg(limits.dailyReserve * 100, 0, 'f', 0),
                     nextUtcMidnight(nowMs) - nowMs);
}

Status LocalRateBudget::acquire(const BudgetLimits &limits)
{
    for (;;) {
        qint64 waitMs = 0;
        {
            QMutexLocker lock(&m_mutex);
            const qint64 now = nowMs();
            while (!m_calls.isEmpty() && m_calls.first() <= now - limits.windowMs)
                m_calls.removeFirst();
            if (m_day != utcDay(now)) {
                m_day = utcDay(now);
                m_today = 0;
            }
            if (m_today >= qint64(double(limits.dailyLimit) * (1.0 - limits.dailyReserve)))
                return dailyBudgetUsed(m_today, limits, now);
            if (m_pausedUntil > now)
                waitMs = m_pausedUntil - now;
            else if (m_calls.size() >= limits.perWindow)
                waitMs = m_calls.first() + limits.windowMs - now + 5;
            if (waitMs <= 0) {
                m_calls.append(now);
                ++m_today;
                return Done{};
            }
        }
        if (!sleepMs(qMin<qint64>(waitMs, 1000)))
            return stopping();
    }
}

Status LocalRateBudget::pauseUntil(qint64 untilMs)
{
    QMutexLocker lock(&m_mutex);
    m_pausedUntil = qMax(m_pausedUntil, untilMs);
    return Done{};
}

} // namespace salesflow::hubspot
