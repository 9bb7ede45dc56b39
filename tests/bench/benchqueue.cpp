#include "benchqueue.h"

#include "benchtools.h"
#include "wrkoutput.h"

#include "engine/core/clock.h"
#include "engine/core/ids.h"
#include "engine/pipeline/runner.h"
#include "engine/store/database.h"
#include "engine/store/eventrepository.h"
#include "engine/store/migrator.h"
#include "tests/support/pgserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <chrono>

namespace salesflow::bench {

namespace {

using Clock = std::chrono::steady_clock;

class NoopStage : public pipeline::IStage
{
public:
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 64; }
    Result<pipeline::StageOutput> run(const queue::Job &, store::Connection &) override
    {
        return pipeline::StageOutput{};
    }
};

/// Notes when each job starts, against the time its enqueue committed.
class LatencyStage : public pipeline::IStage
{
public:
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 64; }
    Result<pipeline::StageOutput> run(const queue::Job &job, store::Connection &) override
    {
        const auto now = Clock::now();
        QMutexLocker lock(&mutex);
        starts.insert(job.eventId, now);
        return pipeline::StageOutput{};
    }
    QMutex mutex;
    QHash<QString, Clock::time_point> starts;
};

std::shared_ptr<store::Database> freshDb(test::PgServer &pg, const QString &name)
{
    auto db = store::Database::open(pg.createDatabase(name));
    if (!db)
        qFatal("%s", qPrintable(db.error().message));
    auto c = db.value()->acquire();
    if (!store::Migrator::migrate(*c.value()))
        qFatal("migrate failed");
    return db.value();
}

/// Bulk-inserts `n` events, each with a job of `stage` due at `runAfter`.
void seedJobs(store::Database &db, int n, const QString &stage, qint64 runAfter, const QString &prefix)
{
    auto c = db.acquire();
    auto r = c.value()->exec("WITH e AS (INSERT INTO raw_events (id, source, content_type, dedup_key, payload, "
                             "size_bytes, received_at, received_by, status, updated_at)"
                             "  SELECT $1 || lpad(g::text, 12, '0'), 'chat', 'application/json', $1 || g, "
                             "'\\x7b7d'::bytea, 2, 0, 'bench', 'received', 0"
                             "  FROM generate_series(1, $2::int) g RETURNING id)"
                             " INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at)"
                             " SELECT id, $3, 0, 5, $4, 0 FROM e",
                             {prefix, n, stage, runAfter});
    if (!r)
        qFatal("seed: %s", qPrintable(r.error().message));
    c.value()->execScript("VACUUM ANALYZE jobs; VACUUM ANALYZE raw_events;");
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

constexpr int kJobs = 100000;

/// Our runner, no-op stage: jobs completed (committed) per second draining kJobs due jobs.
double ourQueue(test::PgServer &pg, int workers)
{
    auto db = freshDb(pg, QStringLiteral("queue_tp_%1").arg(workers));
    seedJobs(*db, kJobs, QStringLiteral("normalise"), 0, QStringLiteral("00000000-0000-7000-8000-"));
    pipeline::Runner runner(db, {std::make_shared<NoopStage>()},
                            pipeline::Runner::Options{workers, QStringLiteral("bench"), 60000, 50});
    QElapsedTimer t;
    t.start();
    runner.start();
    while (runner.completed.load() < kJobs)
        QThread::msleep(2);
    const qint64 ms = t.elapsed();
    runner.stop();
    return double(kJobs) * 1000 / double(qMax<qint64>(1, ms));
}

/// One pgbench client per worker running `script` on kJobs seeded due jobs (plus one lease
/// more per client); answers jobs per second (each transaction takes 50).
double pgbenchQueue(test::PgServer &pg, int workers, const QString &name, const QByteArray &script)
{
    auto db = freshDb(pg, name);
    seedJobs(*db, kJobs + 50 * workers, QStringLiteral("normalise"), 0, QStringLiteral("00000000-0000-7000-a000-"));
    QTemporaryDir tmp;
    QFile file(tmp.filePath(QStringLiteral("loop.sql")));
    file.open(QIODevice::WriteOnly);
    file.write(script);
    file.close();
    const QString out = runTool(
        pg.binDir() + QStringLiteral("/pgbench"),
        pgConnArgs(pg)
            + QStringList{QStringLiteral("-n"), QStringLiteral("-M"), QStringLiteral("prepared"), QStringLiteral("-c"),
                          QString::number(workers), QStringLiteral("-j"), QStringLiteral("2"), QStringLiteral("-t"),
                          QString::number(kJobs / 50 / workers), QStringLiteral("-f"), file.fileName(), name});
    return grab(out, QStringLiteral("tps = ([0-9.]+)")) * 50;
}

/// The raw loop: each transaction takes 50 due jobs with SKIP LOCKED and deletes them (lease
/// and completion in one), on the same jobs table and index as ours.
double rawSkipLocked(test::PgServer &pg, int workers)
{
    return pgbenchQueue(pg, workers, QStringLiteral("queue_raw_%1").arg(workers),
                        "WITH j AS (SELECT id FROM jobs WHERE stage = 'normalise' AND run_after <= 9000000000000000 "
                        "ORDER BY stage, run_after, id LIMIT 50 FOR UPDATE SKIP LOCKED) "
                        "DELETE FROM jobs USING j WHERE jobs.id = j.id;\n");
}

/// Our lease protocol with nothing around it: the lease statement JobQueue::lease sends (its
/// own transaction, committed), then a second transaction deleting the jobs by id and token as
/// JobQueue::complete does. What the committed lease itself costs against the raw loop.
double leasedSkipLocked(test::PgServer &pg, int workers)
{
    return pgbenchQueue(
        pg, workers, QStringLiteral("queue_leased_%1").arg(workers),
        "WITH due AS (SELECT id FROM jobs WHERE stage = 'normalise' AND run_after <= 8000000000000000"
        " ORDER BY run_after, id LIMIT 50 FOR UPDATE SKIP LOCKED),"
        " leased AS (UPDATE jobs j SET run_after = 9000000000000000, lease_owner = 'pgbench', lease_token = 'tok',"
        " attempts = j.attempts + 1 FROM due WHERE j.id = due.id"
        " AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off' RETURNING j.id)"
        " SELECT array_agg(id) AS ids FROM leased \\gset\n"
        "DELETE FROM jobs WHERE id = ANY(:ids::bigint[]) AND lease_token = 'tok';\n");
}

QString graphileDir()
{
    return QStringLiteral(SALESFLOW_BENCH_DIR "/graphile");
}

/// graphile-worker from npm at the version package-lock.json pins (installed on first use).
bool graphileReady(const std::function<void(const QString &)> &say)
{
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty()
        || QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty()) {
        say(QStringLiteral("graphile-worker: not measured — node and npm are not installed (.ci/deps installs them)"));
        return false;
    }
    if (QFileInfo::exists(graphileDir() + QStringLiteral("/node_modules/graphile-worker")))
        return true;
    QProcess npm;
    npm.setWorkingDirectory(graphileDir());
    npm.setProcessChannelMode(QProcess::MergedChannels);
    npm.start(QStringLiteral("npm"),
              {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
               QStringLiteral("--loglevel=error")});
    if (!npm.waitForFinished(300000) || npm.exitCode() != 0) {
        say(QStringLiteral("graphile-worker: not measured — npm ci in tests/bench/graphile failed: %1")
                .arg(QString::fromLocal8Bit(npm.readAll()).trimmed()));
        return false;
    }
    return true;
}

/// One graphile-worker process with `workers` concurrent jobs draining kJobs no-op jobs.
double graphileWorker(test::PgServer &pg, int workers)
{
    const QString url = pg.createDatabase(QStringLiteral("graphile_%1").arg(workers));
    const QString out
        = runTool(QStringLiteral("node"),
                  {graphileDir() + QStringLiteral("/run.cjs"), url, QString::number(workers), QString::number(kJobs)});
    return grab(out, QStringLiteral("\"jobsPerSecond\":([0-9.]+)"));
}

/// Jobs per second, ours beside the raw loop, the lease protocol alone and graphile-worker.
void throughput(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    say(QStringLiteral("baselines on the same server: a raw FOR UPDATE SKIP LOCKED loop in pgbench (-M prepared, one "
                       "client per worker, each transaction takes 50 due jobs and deletes them), our lease protocol "
                       "alone in pgbench (lease 50 in one committed statement, delete them in a second transaction), "
                       "and graphile-worker 0.17.3 with the batching preset of its performance page (node "
                       "tests/bench/graphile/run.cjs: local queue 500, completions batched)"));
    const bool graphile = graphileReady(say);
    for (int workers : {4, 16}) {
        const double ours = ourQueue(pg, workers);
        const double raw = rawSkipLocked(pg, workers);
        const double leased = leasedSkipLocked(pg, workers);
        const double gw = graphile ? graphileWorker(pg, workers) : -1;
        say(QStringLiteral("%1 workers: ours %2 jobs/s | raw SKIP LOCKED %3 jobs/s -> ours %4% of it (target >= 90%) | "
                           "the committed-lease protocol alone in pgbench %7 jobs/s (%8% of raw) -> ours %9% of it | "
                           "graphile-worker %5 -> ours %6x (target >= 1.5x)")
                .arg(workers)
                .arg(ours, 0, 'f', 0)
                .arg(raw, 0, 'f', 0)
                .arg(100 * ours / raw, 0, 'f', 0)
                .arg(gw > 0 ? QStringLiteral("%1 jobs/s").arg(gw, 0, 'f', 0) : QStringLiteral("not measured"))
                .arg(gw > 0 ? QString::number(ours / gw, 'f', 2) : QStringLiteral("-"))
                .arg(leased, 0, 'f', 0)
                .arg(100 * leased / raw, 0, 'f', 0)
                .arg(100 * ours / leased, 0, 'f', 0));
    }
}

/// From an enqueue's COMMIT to the stage starting the job, with `backlog` other jobs queued.
void startLatency(test::PgServer &pg, const std::function<void(const QString &)> &say, int backlog)
{
    auto db = freshDb(pg, QStringLiteral("queue_lat_%1").arg(backlog));
    // Other jobs in the queue: retries scheduled for later, which the lease must skip cheaply.
    if (backlog > 0)
        seedJobs(*db, backlog, QStringLiteral("normalise"), nowMs() + 3600 * 1000,
                 QStringLiteral("00000000-0000-7000-9000-"));
    auto stage = std::make_shared<LatencyStage>();
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{4, QStringLiteral("bench"), 60000, 250});
    runner.start();
    QThread::msleep(300); // workers idle, listening
    auto c = db->connect();
    QHash<QString, Clock::time_point> committed;
    std::vector<double> commitMs;
    const int samples = 400;
    for (int i = 0; i < samples; ++i) {
        const QString id = ids::newEventId();
        store::Tx tx(*c.value());
        tx.begin(true);
        const auto t0 = Clock::now();
        store::EventRepository::insertBatch(
            *c.value(),
            {store::NewRawEvent{id, QStringLiteral("chat"), "application/json", "{}", id, QStringLiteral("bench")}},
            QStringLiteral("normalise"), 5, nowMs());
        tx.commit();
        const auto t1 = Clock::now();
        committed.insert(id, t1);
        commitMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        QThread::msleep(5);
    }
    QElapsedTimer wait;
    wait.start();
    while (wait.elapsed() < 10000) {
        QMutexLocker lock(&stage->mutex);
        if (stage->starts.size() >= samples)
            break;
        lock.unlock();
        QThread::msleep(10);
    }
    runner.stop();
    std::vector<double> latencies;
    for (auto it = committed.cbegin(); it != committed.cend(); ++it) {
        if (stage->starts.contains(it.key()))
            latencies.push_back(std::max(
                0.0, std::chrono::duration<double, std::milli>(stage->starts.value(it.key()) - it.value()).count()));
    }
    say(QStringLiteral(
            "start latency with %1 other jobs queued: p50 %2 ms (target <= 1), p90 %3 ms, p99 %4 ms over %5 jobs "
            "(from COMMIT returned to the stage starting; 4 idle workers woken by LISTEN/NOTIFY; "
            "enqueue commit p50 %6 ms)")
            .arg(backlog)
            .arg(percentile(latencies, 0.5), 0, 'f', 2)
            .arg(percentile(latencies, 0.9), 0, 'f', 2)
            .arg(percentile(latencies, 0.99), 0, 'f', 2)
            .arg(latencies.size())
            .arg(percentile(commitMs, 0.5), 0, 'f', 2));
}

} // namespace

void runQueueBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    throughput(pg, say);
    for (int backlog : {0, 10000, 100000, 1000000})
        startLatency(pg, say, backlog);
}

} // namespace salesflow::bench
