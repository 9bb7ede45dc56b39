#pragma once

#include <QString>

#include <functional>

namespace salesflow::test {
class PgServer;
}

namespace salesflow::bench {

/// 10,000 planned HubSpot actions written by two salesflowd write workers against the HubSpot
/// emulator's limits (100 requests per rolling 10 s): calls made, actions per call, the share of
/// the rate-limit ceiling achieved, and 429s after the first window.
void runWriteBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say);

} // namespace salesflow::bench
