#pragma once

#include <QString>

#include <functional>

namespace salesflow::test {
class PgServer;
}

namespace salesflow::bench {

/// The enrich stage against the LLM emulator answering after 1 s, 16 calls allowed at once:
/// events/s against the LLM's own bound (16/s), the engine's CPU time per event, and the same
/// with an instant LLM to show the engine's own ceiling.
void runEnrichBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say);

} // namespace salesflow::bench
