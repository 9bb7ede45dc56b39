#pragma once

#include <QString>

#include <functional>

namespace salesflow::test {
class PgServer;
}

namespace salesflow::bench {

/// The desktop app on a PostgreSQL store of 1,000,000 events: time from opening the app to the
/// first rows, to the sidebar's counts, to switching queues and to a text search; scrolling
/// 10,000 rows (and the longest the GUI thread was busy meanwhile); resident memory. Each round
/// is a fresh app process (this binary with --desktop-probe, offscreen); the baseline is the same
/// page read straight from the store in the same run, the floor no window can beat.
void runDesktopBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say);

/// The app side of one round, in its own process: prints one line of figures.
int desktopProbe(int argc, char *argv[]);

} // namespace salesflow::bench
