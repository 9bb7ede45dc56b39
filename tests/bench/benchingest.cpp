#include "benchingest.h"

#include "wrkoutput.h"

#include "engine/core/clock.h"
#include "engine/store/database.h"
#include "engine/store/migrator.h"
#include "engine/store/tokenrepository.h"
#include "tests/support/pgserver.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <vector>

namespace salesflow::bench {

namespace {

struct Wrk
{
    double rps = 0, p50 = 0, p90 = 0, p99 = 0, non2xx = 0;
};

/// The baseline: PostgreSQL's own prepared single-row insert with a unique key and
/// ON CONFLICT DO NOTHING, 8 clients, one commit per row.
class PgbenchBaseline
{
public:
    PgbenchBaseline(test::PgServer &pg, QTemporaryDir &tmp)
        : m_pg(pg), m_script(tmp.filePath(QStringLiteral("insert.sql")))
    {
        pg.createDatabase(QStringLiteral("pgbench"));
        psql(pg, QStringLiteral("pgbench"),
             QStringLiteral("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, dedup_key text NOT NULL, "
                            "payload text, received_at timestamptz); "
                            "CREATE UNIQUE INDEX bench_insert_key ON bench_insert (dedup_key)"));
        QFile f(m_script);
        f.open(QIODevice::WriteOnly);
        f.write("\\set k random(1, 9000000000000000)\n"
                "INSERT INTO bench_insert (dedup_key, payload, received_at) VALUES "
                "(:client_id || '-' || :k, repeat('x', 600), now()) ON CONFLICT (dedup_key) DO NOTHING;\n");
    }
    QString command(int seconds) const
    {
        return QStringLiteral("pgbench -n -M prepared -c 8 -j 2 -T %1 -f insert.sql (a unique key, ON CONFLICT DO "
                              "NOTHING, one commit per row)")
            .arg(seconds);
    }
    std::pair<double, double> run(int seconds) const
    {
        const QString out
            = runTool(m_pg.binDir() + QStringLiteral("/pgbench"),
                      pgConnArgs(m_pg)
                          + QStringList{QStringLiteral("-n"), QStringLiteral("-M"), QStringLiteral("prepared"),
                                        QStringLiteral("-c"), QStringLiteral("8"), QStringLiteral("-j"),
                                        QStringLiteral("2"), QStringLiteral("-T"), QString::number(seconds),
                                        QStringLiteral("-f"), m_script, QStringLiteral("pgbench")});
        return {grab(out, QStringLiteral("tps = ([0-9.]+)")), grab(out, QStringLiteral("latency average = ([0-9.]+)"))};
    }

private:
    test::PgServer &m_pg;
    QString m_script;
};

/// `salesflowd serve --role api` on its own database, with an ingest token for wrk.
class IngestServer
{
public:
    IngestServer(test::PgServer &pg, QTemporaryDir &tmp) : m_tmp(tmp)
    {
        m_url = pg.createDatabase(QStringLiteral("ingest"));
        m_db = store::Database::open(m_url).value();
        auto c = m_db->acquire();
        if (!store::Migrator::migrate(*c.value()))
            qFatal("migrate failed");
        m_token = store::TokenRepository::create(*c.value(), QStringLiteral("bench"), Role::Ingest,
                                                 QStringLiteral("cli:bench"), nowMs())
                      .value();
        for (const char *script : {"post.lua", "post_batch.lua"})
            QFile::copy(QStringLiteral(SALESFLOW_BENCH_DIR "/") + QLatin1String(script),
                        tmp.filePath(QLatin1String(script)));
        const QString daemon = daemonPath();
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
        m_server.setProcessEnvironment(m_env);
        m_server.start(daemon,
                       {QStringLiteral("serve"), QStringLiteral("--db"), m_url, QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--role"), QStringLiteral("api")});
        m_server.waitForReadyRead(10000);
        const QByteArray line = m_server.readLine().trimmed();
        m_port = QString::fromLatin1(line.mid(line.lastIndexOf(':') + 1));
        m_env.insert(QStringLiteral("SALESFLOW_BENCH_TOKEN"), QString::fromLatin1(m_token));
    }
    ~IngestServer()
    {
        m_server.terminate();
        m_server.waitForFinished(20000);
    }
    Wrk wrk(int connections, int seconds, const char *script = "post.lua")
    {
        m_env.insert(QStringLiteral("SALESFLOW_BENCH_RUN"), QString::number(++m_run));
        const QString out
            = runTool(QStringLiteral("wrk"),
                      {QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections),
                       QStringLiteral("-d%1s").arg(seconds), QStringLiteral("--latency"), QStringLiteral("-s"),
                       m_tmp.filePath(QLatin1String(script)), QStringLiteral("http://127.0.0.1:%1").arg(m_port)},
                      m_env);
        return Wrk{grab(out, QStringLiteral("Requests/sec:\\s+([0-9.]+)")), wrkMs(out, QStringLiteral("50%")),
                   wrkMs(out, QStringLiteral("90%")), wrkMs(out, QStringLiteral("99%")),
                   qMax(0.0, grab(out, QStringLiteral("Non-2xx or 3xx responses:\\s+([0-9]+)")))};
    }
    qint64 pid() const { return m_server.processId(); }
    QString stored()
    {
        auto c = m_db->acquire();
        auto r = c.value()->exec("SELECT count(*), (SELECT count(*) FROM jobs) FROM raw_events", {});
        return QStringLiteral("stored: %1 events, %2 first jobs (every 202 is a row and a job)")
            .arg(r->int64(0, 0))
            .arg(r->int64(0, 1));
    }

private:
    QTemporaryDir &m_tmp;
    QString m_url, m_port;
    std::shared_ptr<store::Database> m_db;
    QByteArray m_token;
    QProcess m_server;
    QProcessEnvironment m_env;
    int m_run = 0;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

QString line(const Wrk &w, double perRequest = 1)
{
    return QStringLiteral("%1 events/s, p50 %2 ms, p90 %3 ms, p99 %4 ms, non-2xx %5")
        .arg(w.rps * perRequest, 0, 'f', 0)
        .arg(w.p50, 0, 'f', 2)
        .arg(w.p90, 0, 'f', 2)
        .arg(w.p99, 0, 'f', 2)
        .arg(w.non2xx, 0, 'f', 0);
}

/// Alternating rounds, so both sides see the same machine: the ratio per round is what counts.
void roundsAgainstPgbench(IngestServer &server, const PgbenchBaseline &baseline, int seconds, const Say &say)
{
    say(QStringLiteral("baseline: %1; ingest: wrk -t2 -c32 -d%2s --latency -s tests/bench/post.lua against salesflowd "
                       "serve --role api (one event per request)")
            .arg(baseline.command(seconds))
            .arg(seconds));
    std::vector<double> ratios, p99s, rates;
    for (int round = 1; round <= 3; ++round) {
        const auto [tps, lat] = baseline.run(seconds);
        const Wrk w = server.wrk(32, seconds);
        ratios.push_back(w.rps / tps);
        p99s.push_back(w.p99);
        rates.push_back(w.rps);
        say(QStringLiteral("round %1: pgbench %2 inserts/s (avg %3 ms) | ingest %4 | ratio %5x")
                .arg(round)
                .arg(tps, 0, 'f', 0)
                .arg(lat, 0, 'f', 2)
                .arg(line(w))
                .arg(w.rps / tps, 0, 'f', 2));
    }
    say(QStringLiteral("median of 3 rounds: ingest %1 events/s (target >= 20,000), %2x pgbench (target >= 1.5x), "
                       "p99 %3 ms (target < 20 ms); worst round p99 %4 ms")
            .arg(median(rates), 0, 'f', 0)
            .arg(median(ratios), 0, 'f', 2)
            .arg(median(p99s), 0, 'f', 2)
            .arg(*std::max_element(p99s.begin(), p99s.end()), 0, 'f', 2));
}

/// Full ingest for minutes on end (autovacuum and checkpoints included): p99 and RSS per minute.
void sustained(IngestServer &server, const Say &say)
{
    const int total = qEnvironmentVariableIsSet("SALESFLOW_BENCH_SUSTAINED_S")
        ? qEnvironmentVariableIntValue("SALESFLOW_BENCH_SUSTAINED_S")
        : 600;
    if (total <= 0) {
        say(QStringLiteral("sustained run skipped (SALESFLOW_BENCH_SUSTAINED_S=0)"));
        return;
    }
    const int slice = qMin(60, total);
    say(QStringLiteral("sustained: wrk -t2 -c32 for %1 s in %2-s slices (SALESFLOW_BENCH_SUSTAINED_S=%1); salesflowd "
                       "RSS at the start %3 MiB")
            .arg(total)
            .arg(slice)
            .arg(double(rssKbOf(server.pid())) / 1024, 0, 'f', 1));
    std::vector<double> p99s;
    for (int done = 0; done < total; done += slice) {
        const Wrk w = server.wrk(32, slice);
        p99s.push_back(w.p99);
        say(QStringLiteral("  %1-%2 s: %3 | RSS %4 MiB")
                .arg(done)
                .arg(done + slice)
                .arg(line(w))
                .arg(double(rssKbOf(server.pid())) / 1024, 0, 'f', 1));
    }
    say(QStringLiteral("sustained: worst slice p99 %1 ms (target < 20 ms)")
            .arg(*std::max_element(p99s.begin(), p99s.end()), 0, 'f', 2));
}

} // namespace

void runIngestBenchmarks(test::PgServer &pg, const Say &say)
{
    const int seconds = benchSeconds();
    QTemporaryDir tmp;
    PgbenchBaseline baseline(pg, tmp);
    IngestServer server(pg, tmp);
    roundsAgainstPgbench(server, baseline, seconds, say);
    say(QStringLiteral("8 connections (wrk -t2 -c8): %1 — bounded by commit latency, 8 requests in flight")
            .arg(line(server.wrk(8, seconds))));
    say(QStringLiteral("batches of 10 (wrk -t2 -c32 -s tests/bench/post_batch.lua, POST /v1/events/form/batch): %1 "
                       "(latency per request)")
            .arg(line(server.wrk(32, seconds, "post_batch.lua"), 10)));
    sustained(server, say);
    say(server.stored());
}

} // namespace salesflow::bench
