#pragma once

#include <QString>

#include <functional>

namespace salesflow::test {
class PgServer;
}

namespace salesflow::bench {

/// Dry-run replays of 10,000 events from enrich with the offline analyser, in rounds: events/s
/// beside the pipeline's own first pass over the same events (normalise → enrich → plan → write,
/// dry) measured in the same run.
void runReplayBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say);

} // namespace salesflow::bench
