// salesflow_bench: durable ingest over HTTP into PostgreSQL (wrk) next to PostgreSQL's own
// single-row insert rate (pgbench, 8 clients) measured in the same run, and the job queue:
// no-op jobs completed per second at 4 and 16 workers, and enqueue-to-start latency with 0,
// 10,000 and 100,000 other jobs queued. Run: `make bench` (or build/tests/bench/salesflow_bench).
#include "benchqueue.h"

#include "engine/store/database.h"
#include "engine/store/migrator.h"
#include "engine/store/tokenrepository.h"
#include "engine/core/clock.h"
#include "tests/support/pgserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

using namespace salesflow;

namespace {

void say(const QString &s)
{
    std::printf("%s\n", s.toUtf8().constData());
    std::fflush(stdout);
}

QString runTool(const QString &program, const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(300000) || p.exitCode() != 0)
        qFatal("%s failed: %s", qPrintable(program), p.readAll().constData());
    return QString::fromLocal8Bit(p.readAll());
}

double grab(const QString &text, const QString &pattern)
{
    const auto m = QRegularExpression(pattern, QRegularExpression::MultilineOption).match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

/// wrk prints latencies as "1.23ms", "850.00us" or "1.01s".
double wrkMs(const QString &text, const QString &label)
{
    const auto m = QRegularExpression(QRegularExpression::escape(label) + QStringLiteral("\\s+([0-9.]+)(us|ms|s)\\b"),
                                      QRegularExpression::MultilineOption).match(text);
    if (!m.hasMatch())
        return -1;
    const double v = m.captured(1).toDouble();
    return m.captured(2) == QLatin1String("us") ? v / 1000 : m.captured(2) == QLatin1String("s") ? v * 1000 : v;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int seconds = qEnvironmentVariableIntValue("SALESFLOW_BENCH_SECONDS") > 0 ? qEnvironmentVariableIntValue("SALESFLOW_BENCH_SECONDS") : 10;
    say(QStringLiteral("# SalesFlow benchmark — reproduce with: make bench   (SALESFLOW_BENCH_SECONDS=%1)").arg(seconds));
    say(QStringLiteral("# machine: %1 cores; PostgreSQL fsync=on, synchronous_commit=on, wal_init_zero=off, max_wal_size=2GB (same server for both), private server on loopback").arg(QThread::idealThreadCount()));

    test::PgServer pg(test::PgServer::Options{true, 300});
    if (!pg.start())
        qFatal("%s", qPrintable(pg.error()));

    // 1. Baseline: PostgreSQL's own single-row insert rate with 8 clients (pgbench).
    const QString baseUrl = pg.createDatabase(QStringLiteral("pgbench"));
    Q_UNUSED(baseUrl);
    QTemporaryDir tmp;
    QFile script(tmp.filePath(QStringLiteral("insert.sql")));
    script.open(QIODevice::WriteOnly);
    script.write("INSERT INTO bench_insert (payload, received_at) VALUES (repeat('x', 600), now());\n");
    script.close();
    const QStringList conn = {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(pg.port()),
                              QStringLiteral("-U"), QStringLiteral("postgres")};
    runTool(pg.binDir() + QStringLiteral("/psql"), conn + QStringList{QStringLiteral("-d"), QStringLiteral("pgbench"), QStringLiteral("-c"),
            QStringLiteral("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text, received_at timestamptz)")});
    const QString pgbenchCmd = QStringLiteral("pgbench -n -c 8 -j 2 -T %1 -f insert.sql").arg(seconds);
    const QString pgOut = runTool(pg.binDir() + QStringLiteral("/pgbench"),
                                  conn + QStringList{QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral("8"), QStringLiteral("-j"), QStringLiteral("2"),
                                                     QStringLiteral("-T"), QString::number(seconds), QStringLiteral("-f"), script.fileName(), QStringLiteral("pgbench")});
    const double pgTps = grab(pgOut, QStringLiteral("tps = ([0-9.]+)"));
    const double pgLat = grab(pgOut, QStringLiteral("latency average = ([0-9.]+) ms"));
    say(QStringLiteral("\n## Baseline: PostgreSQL single-row INSERT, 8 clients, one commit each (%1)").arg(pgbenchCmd));
    say(QStringLiteral("pgbench: %1 inserts/s, average latency %2 ms").arg(pgTps, 0, 'f', 0).arg(pgLat, 0, 'f', 2));

    // 2. Durable ingest over HTTP: salesflowd --role api, wrk with 32 connections.
    const QString url = pg.createDatabase(QStringLiteral("ingest"));
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    if (!store::Migrator::migrate(*c.value()))
        qFatal("migrate failed");
    const QByteArray token = store::TokenRepository::create(*c.value(), QStringLiteral("bench"), Role::Ingest, nowMs()).value();
    const QString daemon = QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/salesflowd");
    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    server.setProcessEnvironment(env);
    server.start(daemon, {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--role"), QStringLiteral("api")});
    server.waitForReadyRead(10000);
    const QByteArray line = server.readLine().trimmed();
    const QString port = QString::fromLatin1(line.mid(line.lastIndexOf(':') + 1));
    QFile::copy(QStringLiteral(SALESFLOW_BENCH_DIR "/post.lua"), tmp.filePath(QStringLiteral("post.lua")));
    env.insert(QStringLiteral("SALESFLOW_BENCH_TOKEN"), QString::fromLatin1(token));
    say(QStringLiteral("\n## Durable ingest: POST /v1/events/form over HTTP into PostgreSQL, 202 only after COMMIT"));
    for (int connections : {8, 32}) {
        env.insert(QStringLiteral("SALESFLOW_BENCH_RUN"), QString::number(connections));
        const QString wrkCmd = QStringLiteral("wrk -t2 -c%1 -d%2s --latency -s tests/bench/post.lua").arg(connections).arg(seconds);
        const QString out = runTool(QStringLiteral("wrk"), {QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections),
                                                           QStringLiteral("-d%1s").arg(seconds), QStringLiteral("--latency"),
                                                           QStringLiteral("-s"), tmp.filePath(QStringLiteral("post.lua")),
                                                           QStringLiteral("http://127.0.0.1:%1").arg(port)}, env);
        const double rps = grab(out, QStringLiteral("Requests/sec:\\s+([0-9.]+)"));
        const double non2xx = qMax(0.0, grab(out, QStringLiteral("Non-2xx or 3xx responses:\\s+([0-9]+)")));
        say(QStringLiteral("%1 connections (%2): %3 events/s = %4x pgbench; latency p50 %5 ms, p90 %6 ms, p99 %7 ms; non-2xx: %8")
                .arg(connections).arg(wrkCmd).arg(rps, 0, 'f', 0).arg(rps / pgTps, 0, 'f', 2)
                .arg(wrkMs(out, QStringLiteral("50%")), 0, 'f', 2).arg(wrkMs(out, QStringLiteral("90%")), 0, 'f', 2)
                .arg(wrkMs(out, QStringLiteral("99%")), 0, 'f', 2).arg(non2xx, 0, 'f', 0));
    }
    server.terminate();
    server.waitForFinished(10000);
    auto stored = c.value()->exec("SELECT count(*), (SELECT count(*) FROM jobs) FROM raw_events", {});
    say(QStringLiteral("stored: %1 events, %2 first jobs (every 202 is a row and a job)").arg(stored->int64(0, 0)).arg(stored->int64(0, 1)));

    // 3. The queue.
    say(QStringLiteral("\n## Job queue on PostgreSQL: no-op jobs, every completion committed"));
    bench::runQueueBenchmarks(pg, say);
    return 0;
}
