// salesflow_bench: every figure beside a baseline measured in the same run, with the command that
// reproduces it. Sections: ingest (HTTP into PostgreSQL vs pgbench), queue (vs a raw SKIP LOCKED
// loop and graphile-worker), pipeline (engine CPU per event, backlog drain), enrich, write,
// replay, remote, desktop, frontdoor. Run: `make bench`, or one section with
// SALESFLOW_BENCH_ONLY=NAME (comma-separated names for several).
#include "benchdesktop.h"
#include "benchenrich.h"
#include "benchfrontdoor.h"
#include "benchingest.h"
#include "benchpipeline.h"
#include "benchqueue.h"
#include "benchremote.h"
#include "benchreplay.h"
#include "benchtools.h"
#include "benchwrite.h"

#include "tests/support/pgserver.h"

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace salesflow;

namespace {

void say(const QString &s)
{
    std::printf("%s\n", s.toUtf8().constData());
    std::fflush(stdout);
}

struct Section
{
    const char *name;
    const char *title;
    std::function<void(test::PgServer &)> run;
    bool byDefault = true; ///< else only when SALESFLOW_BENCH_ONLY names it
};

const std::vector<Section> &sections()
{
    static const std::vector<Section> all{
        {"ingest", "Durable ingest over HTTP into PostgreSQL (202 only after COMMIT) vs PostgreSQL's own insert",
         [](test::PgServer &pg) { bench::runIngestBenchmarks(pg, say); }},
        {"queue", "Job queue on PostgreSQL: no-op jobs, every completion committed",
         [](test::PgServer &pg) { bench::runQueueBenchmarks(pg, say); }},
        {"pipeline", "The whole pipeline: engine CPU per event and a backlog drained",
         [](test::PgServer &pg) { bench::runPipelineBenchmarks(pg, say); }},
        {"enrich", "Enrichment throughput with a slow LLM",
         [](test::PgServer &pg) { bench::runEnrichBenchmarks(pg, say); }},
        {"write", "HubSpot writeback within the rate limits",
         [](test::PgServer &pg) { bench::runWriteBenchmarks(pg, say); }},
        {"replay", "Dry-run replays with the offline analyser",
         [](test::PgServer &pg) { bench::runReplayBenchmarks(pg, say); }},
        {"remote", "Desktop clients on one server", [](test::PgServer &pg) { bench::runRemoteBenchmarks(pg, say); }},
        {"desktop", "The desktop app on 1,000,000 events",
         [](test::PgServer &pg) { bench::runDesktopBenchmarks(pg, say); }},
        {"frontdoor", "The front door: HTTP libraries side by side",
         [](test::PgServer &) { bench::runFrontDoorBenchmarks(say); }, false},
    };
    return all;
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc > 2 && qstrcmp(argv[1], "--desktop-probe") == 0)
        return bench::desktopProbe(argc, argv); // one round of the desktop benchmark, its own process
    QCoreApplication app(argc, argv);
    const QStringList only = qEnvironmentVariable("SALESFLOW_BENCH_ONLY").split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &name : only) {
        if (std::none_of(sections().cbegin(), sections().cend(), // a typo is not an empty run
                         [&](const Section &s) { return name == QLatin1String(s.name); }))
            qFatal("SALESFLOW_BENCH_ONLY: no section named %s", qPrintable(name));
    }
    say(QStringLiteral("# SalesFlow benchmark — reproduce with: make bench   (SALESFLOW_BENCH_SECONDS=%1)")
            .arg(bench::benchSeconds()));
    say(QStringLiteral("# machine: %1 cores; PostgreSQL fsync=on, synchronous_commit=on, wal_init_zero=off, "
                       "max_wal_size=2GB (one server for every side), private server on loopback")
            .arg(QThread::idealThreadCount()));
    // SALESFLOW_BENCH_PG_PROFILE=1: pg_stat_statements on (a few % slower), where the database's time goes
    test::PgServer pg(
        test::PgServer::Options{true, 300, qEnvironmentVariableIntValue("SALESFLOW_BENCH_PG_PROFILE") == 1});
    if (!pg.start())
        qFatal("%s", qPrintable(pg.error()));
    for (const Section &s : sections()) {
        if (only.isEmpty() ? !s.byDefault : !only.contains(QLatin1String(s.name)))
            continue;
        say(QStringLiteral("\n## %1 (SALESFLOW_BENCH_ONLY=%2 make bench)")
                .arg(QString::fromUtf8(s.title), QLatin1String(s.name)));
        s.run(pg);
    }
    return 0;
}
