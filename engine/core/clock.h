#pragma once

#include <QtGlobal>

namespace salesflow {

/// Injectable time source (KeePassXC's Clock): engine code asks the clock, never the OS,
/// so tests can move time instead of sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const;

    static Clock *instance();
    static void setInstance(Clock *clock); ///< tests only; nullptr restores the system clock
};

inline qint64 nowMs()
{
    return Clock::instance()->nowMs();
}

} // namespace salesflow
