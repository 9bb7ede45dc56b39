// salesflow_bench: durable ingest over HTTP into PostgreSQL (wrk) next to PostgreSQL's own
// single-row insert rate (pgbench, 8 clients) measured in the same run, and the job queue:
// no-op jobs completed per second at 4 and 16 workers, and enqueue-to-start latency with 0,
// 10,000 and 100,000 other jobs queued. Run: `make bench` (or build/tests/bench/salesflow_bench).
#include "benchdesktop.h"
#include "benchenrich.h"
#include "benchfrontdoor.h"
#include "benchqueue.h"
#include "benchremote.h"
#include "benchreplay.h"
#include "benchwrite.h"
#include "wrkoutput.h"

#include "engine/core/clock.h"
#include "engine/store/database.h"
#include "engine/store/migrator.h"
#include "engine/store/tokenrepository.h"
#include "tests/support/pgserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace salesflow;
using bench::grab;
using bench::wrkMs;

namespace {

void say(const QString &s)
{
    std::printf("%s\n", s.toUtf8().constData());
    std::fflush(stdout);
}

QString runTool(const QString &program, const QStringList &args,
                const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(300000) || p.exitCode() != 0)
        qFatal("%s failed: %s", qPrintable(program), p.readAll().constData());
    return QString::fromLocal8Bit(p.readAll());
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc > 2 && qstrcmp(argv[1], "--desktop-probe") == 0)
        return bench::desktopProbe(argc, argv); // one round of the desktop benchmark, its own process
    QCoreApplication app(argc, argv);
    const int seconds = qEnvironmentVariableIntValue("SALESFLOW_BENCH_SECONDS") > 0
        ? qEnvironmentVariableIntValue("SALESFLOW_BENCH_SECONDS")
        : 8;
    say(QStringLiteral("# SalesFlow benchmark — reproduce with: make bench   (SALESFLOW_BENCH_SECONDS=%1)")
            .arg(seconds));
    say(QStringLiteral("# machine: %1 cores; PostgreSQL fsync=on, synchronous_commit=on, wal_init_zero=off, "
                       "max_wal_size=2GB (same server for both), private server on loopback")
            .arg(QThread::idealThreadCount()));

    test::PgServer pg(test::PgServer::Options{true, 300});
    if (!pg.start())
        qFatal("%s", qPrintable(pg.error()));
    // SALESFLOW_BENCH_ONLY=ingest|queue|enrich|write|replay|remote|desktop|frontdoor runs one section.
    const QString only = qEnvironmentVariable("SALESFLOW_BENCH_ONLY");
    if (only == QLatin1String("frontdoor")) {
        say(QStringLiteral(
            "\n## The front door: HTTP libraries side by side (SALESFLOW_BENCH_ONLY=frontdoor make bench)"));
        bench::runFrontDoorBenchmarks(say);
        return 0;
    }
    if (only == QLatin1String("write")) {
        say(QStringLiteral("\n## HubSpot writeback within the rate limits (SALESFLOW_BENCH_ONLY=write make bench)"));
        bench::runWriteBenchmarks(pg, say);
        return 0;
    }
    if (only == QLatin1String("remote")) {
        say(QStringLiteral("\n## Desktop clients on one server (SALESFLOW_BENCH_ONLY=remote make bench)"));
        bench::runRemoteBenchmarks(pg, say);
        return 0;
    }
    if (only == QLatin1String("desktop")) {
        say(QStringLiteral("\n## The desktop app on 1,000,000 events (SALESFLOW_BENCH_ONLY=desktop make bench)"));
        bench::runDesktopBenchmarks(pg, say);
        return 0;
    }
    if (only == QLatin1String("replay")) {
        say(QStringLiteral("\n## Dry-run replays with the offline analyser (SALESFLOW_BENCH_ONLY=replay make bench)"));
        bench::runReplayBenchmarks(pg, say);
        return 0;
    }
    if (only == QLatin1String("enrich")) {
        say(QStringLiteral("\n## Enrichment throughput with a slow LLM (SALESFLOW_BENCH_ONLY=enrich make bench)"));
        bench::runEnrichBenchmarks(pg, say);
        return 0;
    }

    // 1. Set-up: pgbench's table, and salesflowd --role api on its own database.
    pg.createDatabase(QStringLiteral("pgbench"));
    QTemporaryDir tmp;
    QFile script(tmp.filePath(QStringLiteral("insert.sql")));
    script.open(QIODevice::WriteOnly);
    script.write("INSERT INTO bench_insert (payload, received_at) VALUES (repeat('x', 600), now());\n");
    script.close();
    const QStringList conn = {QStringLiteral("-h"),       QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                              QString::number(pg.port()), QStringLiteral("-U"),        QStringLiteral("postgres")};
    runTool(
        pg.binDir() + QStringLiteral("/psql"),
        conn
            + QStringList{
                QStringLiteral("-d"), QStringLiteral("pgbench"), QStringLiteral("-c"),
                QStringLiteral(
                    "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text, received_at timestamptz)")});

    const QString url = pg.createDatabase(QStringLiteral("ingest"));
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    if (!store::Migrator::migrate(*c.value()))
        qFatal("migrate failed");
    const QByteArray token = store::TokenRepository::create(*c.value(), QStringLiteral("bench"), Role::Ingest,
                                                            QStringLiteral("cli:bench"), nowMs())
                                 .value();
    // SALESFLOW_BENCH_DAEMON: another salesflowd build (e.g. the previous commit's) for a before/after.
    const QString daemon = qEnvironmentVariableIsSet("SALESFLOW_BENCH_DAEMON")
        ? qEnvironmentVariable("SALESFLOW_BENCH_DAEMON")
        : QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/salesflowd");
    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    server.setProcessEnvironment(env);
    server.start(daemon,
                 {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--role"), QStringLiteral("api")});
    server.waitForReadyRead(10000);
    const QByteArray line = server.readLine().trimmed();
    const QString port = QString::fromLatin1(line.mid(line.lastIndexOf(':') + 1));
    QFile::copy(QStringLiteral(SALESFLOW_BENCH_DIR "/post.lua"), tmp.filePath(QStringLiteral("post.lua")));
    env.insert(QStringLiteral("SALESFLOW_BENCH_TOKEN"), QString::fromLatin1(token));

    auto pgbench = [&]() {
        const QString out = runTool(pg.binDir() + QStringLiteral("/pgbench"),
                                    conn
                                        + QStringList{QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral("8"),
                                                      QStringLiteral("-j"), QStringLiteral("2"), QStringLiteral("-T"),
                                                      QString::number(seconds), QStringLiteral("-f"), script.fileName(),
                                                      QStringLiteral("pgbench")});
        return std::make_pair(grab(out, QStringLiteral("tps = ([0-9.]+)")),
                              grab(out, QStringLiteral("latency average = ([0-9.]+) ms")));
    };
    struct Wrk
    {
        double rps, p50, p90, p99, non2xx;
    };
    int run = 0;
    auto wrk = [&](int connections) {
        env.insert(QStringLiteral("SALESFLOW_BENCH_RUN"), QString::number(++run));
        const QString out
            = runTool(QStringLiteral("wrk"),
                      {QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections),
                       QStringLiteral("-d%1s").arg(seconds), QStringLiteral("--latency"), QStringLiteral("-s"),
                       tmp.filePath(QStringLiteral("post.lua")), QStringLiteral("http://127.0.0.1:%1").arg(port)},
                      env);
        return Wrk{grab(out, QStringLiteral("Requests/sec:\\s+([0-9.]+)")), wrkMs(out, QStringLiteral("50%")),
                   wrkMs(out, QStringLiteral("90%")), wrkMs(out, QStringLiteral("99%")),
                   qMax(0.0, grab(out, QStringLiteral("Non-2xx or 3xx responses:\\s+([0-9]+)")))};
    };

    // 2. Alternating rounds, so both sides see the same machine: the ratio per round is what counts.
    const QString pgbenchCmd = QStringLiteral("pgbench -n -c 8 -j 2 -T %1 -f insert.sql").arg(seconds);
    const QString wrkCmd = QStringLiteral("wrk -t2 -c32 -d%1s --latency -s tests/bench/post.lua").arg(seconds);
    say(QStringLiteral(
        "\n## Durable ingest over HTTP into PostgreSQL (202 only after COMMIT) vs PostgreSQL's own single-row INSERT"));
    say(QStringLiteral("baseline: %1 (8 clients, one commit per row); ingest: %2 against salesflowd serve --role api")
            .arg(pgbenchCmd, wrkCmd));
    std::vector<double> ratios, p99s;
    for (int round = 1; round <= 3; ++round) {
        const auto [tps, lat] = pgbench();
        const Wrk w = wrk(32);
        ratios.push_back(w.rps / tps);
        p99s.push_back(w.p99);
        say(QStringLiteral("round %1: pgbench %2 inserts/s (avg %3 ms) | ingest %4 events/s, p50 %5 ms, p90 %6 ms, p99 "
                           "%7 ms, non-2xx %8 | ratio %9x")
                .arg(round)
                .arg(tps, 0, 'f', 0)
                .arg(lat, 0, 'f', 2)
                .arg(w.rps, 0, 'f', 0)
                .arg(w.p50, 0, 'f', 2)
                .arg(w.p90, 0, 'f', 2)
                .arg(w.p99, 0, 'f', 2)
                .arg(w.non2xx, 0, 'f', 0)
                .arg(w.rps / tps, 0, 'f', 2));
    }
    std::sort(ratios.begin(), ratios.end());
    std::sort(p99s.begin(), p99s.end());
    say(QStringLiteral(
            "median of 3 rounds: ingest/pgbench %1x (target >= 1.0), p99 %2 ms (target < 20 ms); worst round p99 %3 ms")
            .arg(ratios[1], 0, 'f', 2)
            .arg(p99s[1], 0, 'f', 2)
            .arg(p99s[2], 0, 'f', 2));
    const Wrk w8 = wrk(8);
    say(QStringLiteral("8 connections (wrk -t2 -c8): %1 events/s, p50 %2 ms, p99 %3 ms — bounded by commit latency, 8 "
                       "requests in flight")
            .arg(w8.rps, 0, 'f', 0)
            .arg(w8.p50, 0, 'f', 2)
            .arg(w8.p99, 0, 'f', 2));
    server.terminate();
    server.waitForFinished(10000);
    auto stored = c.value()->exec("SELECT count(*), (SELECT count(*) FROM jobs) FROM raw_events", {});
    say(QStringLiteral("stored: %1 events, %2 first jobs (every 202 is a row and a job)")
            .arg(stored->int64(0, 0))
            .arg(stored->int64(0, 1)));
    if (only == QLatin1String("ingest"))
        return 0;

    // 3. The queue.
    say(QStringLiteral("\n## Job queue on PostgreSQL: no-op jobs, every completion committed"));
    bench::runQueueBenchmarks(pg, say);

    // 4. Enrichment with a slow LLM.
    say(QStringLiteral("\n## Enrichment throughput with a slow LLM (SALESFLOW_BENCH_ONLY=enrich make bench)"));
    bench::runEnrichBenchmarks(pg, say);

    // 5. HubSpot writeback.
    say(QStringLiteral("\n## HubSpot writeback within the rate limits (SALESFLOW_BENCH_ONLY=write make bench)"));
    bench::runWriteBenchmarks(pg, say);

    // 6. Dry-run replays.
    say(QStringLiteral("\n## Dry-run replays with the offline analyser (SALESFLOW_BENCH_ONLY=replay make bench)"));
    bench::runReplayBenchmarks(pg, say);

    // 7. Desktop clients on one server.
    say(QStringLiteral("\n## Desktop clients on one server (SALESFLOW_BENCH_ONLY=remote make bench)"));
    bench::runRemoteBenchmarks(pg, say);

    // 8. The desktop app on a large store.
    say(QStringLiteral("\n## The desktop app on 1,000,000 events (SALESFLOW_BENCH_ONLY=desktop make bench)"));
    bench::runDesktopBenchmarks(pg, say);
    return 0;
}
