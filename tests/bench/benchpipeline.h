#pragma once

#include "benchtools.h"

namespace salesflow::bench {

/// The whole pipeline (normalise -> enrich -> plan -> write) in `salesflowd serve --role worker
/// --workers 2` over a backlog of received events (SALESFLOW_BENCH_BACKLOG, default 20,000):
/// events/s per tenth of the backlog and the engine's CPU per event, with the offline analyser
/// and with an LLM that answers at once, writing dry and to the HubSpot emulator.
void runPipelineBenchmarks(test::PgServer &pg, const Say &say);

} // namespace salesflow::bench
