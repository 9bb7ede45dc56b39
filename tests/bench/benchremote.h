#pragma once

#include <QString>

#include <functional>

namespace salesflow::test {
class PgServer;
}

namespace salesflow::bench {

/// Desktop clients on one salesflowd (--role api) over PostgreSQL: the server's CPU (salesflowd
/// and every PostgreSQL process) with 0 and 50 connected RemoteEngine change feeds, idle and
/// during 1,000 events/s of ingest, and the change-to-client latency p50/p99 on loopback.
void runRemoteBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say);

} // namespace salesflow::bench
