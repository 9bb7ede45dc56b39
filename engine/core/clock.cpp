#include "clock.h"

#include <QDateTime>

#include <atomic>

namespace salesflow {

namespace {
Clock g_systemClock;
std::atomic<Clock *> g_clock{&g_systemClock};
} // namespace

qint64 Clock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

Clock *Clock::instance()
{
    return g_clock.load(std::memory_order_relaxed);
}

void Clock::setInstance(Clock *clock)
{
    g_clock.store(clock ? clock : &g_systemClock);
}

} // namespace salesflow
