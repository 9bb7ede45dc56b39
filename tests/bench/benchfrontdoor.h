#pragma once

#include <QString>

#include <functional>

namespace salesflow::bench {

/// The front-door comparison of issue 10: Qt HttpServer 6.4, GNU libmicrohttpd (through the
/// transport salesflowd uses) and libevent's evhttp, each serving the same trivial handler in
/// this process — the hostile and broken-client cases, pass or fail per library, then wrk's
/// throughput and p99 on ingest-sized POSTs, in rounds.
void runFrontDoorBenchmarks(const std::function<void(const QString &)> &say);

} // namespace salesflow::bench
