#pragma once

#include "benchtools.h"

namespace salesflow::bench {

/// Durable ingest over HTTP (wrk, 32 and 8 connections, single events and batches of 10) into a
/// `salesflowd serve --role api` on PostgreSQL, beside pgbench's prepared single-row insert with
/// a unique key and ON CONFLICT DO NOTHING on the same server, in alternating rounds; then a
/// sustained run (SALESFLOW_BENCH_SUSTAINED_S, default 600; 0 skips it) with p99 and the
/// server's RSS per minute.
void runIngestBenchmarks(test::PgServer &pg, const Say &say);

} // namespace salesflow::bench
