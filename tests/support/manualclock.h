#pragma once

#include "engine/core/clock.h"

#include <atomic>

namespace salesflow::test {

/// A clock the test moves by hand, the engine's clock for exactly its lifetime (RAII): a test
/// that fails half-way cannot leave it installed for the next one.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'800'000'000'000) : now(startMs) { Clock::setInstance(this); }
    ~ManualClock() override { Clock::setInstance(nullptr); }
    ManualClock(const ManualClock &) = delete;
    ManualClock &operator=(const ManualClock &) = delete;

    qint64 nowMs() const override { return now; }
    std::atomic<qint64> now;
};

} // namespace salesflow::test
