#pragma once

#include <QString>

#include <functional>

namespace salesflow::test {
class PgServer;
}

namespace salesflow::bench {

/// No-op jobs per second at 4 and 16 workers (draining 100,000 due jobs, reported per tenth so a
/// slowdown as the backlog changes shows), and enqueue-to-start latency with 0, 10,000 and
/// 100,000 other jobs queued.
void runQueueBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say);

} // namespace salesflow::bench
