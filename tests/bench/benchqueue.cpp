#include "benchqueue.h"

#include "engine/core/clock.h"
#include "engine/core/ids.h"
#include "engine/pipeline/runner.h"
#include "engine/store/database.h"
#include "engine/store/eventrepository.h"
#include "engine/store/migrator.h"
#include "tests/support/pgserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
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

} // namespace

void runQueueBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    const int total = 100000;
    for (int workers : {4, 16}) {
        auto db = freshDb(pg, QStringLiteral("queue_tp_%1").arg(workers));
        seedJobs(*db, total, QStringLiteral("normalise"), 0, QStringLiteral("00000000-0000-7000-8000-"));
        pipeline::Runner runner(db, {std::make_shared<NoopStage>()},
                                pipeline::Runner::Options{workers, QStringLiteral("bench"), 60000, 50});
        QElapsedTimer t;
        t.start();
        runner.start();
        QStringList tenths;
        qint64 lastMs = 0;
        for (int tenth = 1; tenth <= 10; ++tenth) {
            while (runner.completed.load() < qint64(total) * tenth / 10)
                QThread::msleep(2);
            const qint64 ms = t.elapsed();
            tenths << QString::number(double(total / 10) * 1000.0 / double(qMax<qint64>(1, ms - lastMs)), 'f', 0);
            lastMs = ms;
        }
        runner.stop();
        say(QStringLiteral("%1 workers: %2 no-op jobs in %3 s = %4 jobs/s (each completion committed, batches of 64); "
                           "jobs/s per tenth of the 100,000 backlog: %5")
                .arg(workers)
                .arg(total)
                .arg(double(lastMs) / 1000, 0, 'f', 2)
                .arg(double(total) * 1000 / double(lastMs), 0, 'f', 0)
                .arg(tenths.join(QStringLiteral(" "))));
    }

    for (int backlog : {0, 10000, 100000}) {
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
                    0.0,
                    std::chrono::duration<double, std::milli>(stage->starts.value(it.key()) - it.value()).count()));
        }
        say(QStringLiteral("start latency with %1 other jobs queued: p50 %2 ms, p90 %3 ms, p99 %4 ms over %5 jobs "
                           "(from COMMIT returned to the stage starting; 4 idle workers woken by LISTEN/NOTIFY; "
                           "enqueue commit p50 %6 ms)")
                .arg(backlog)
                .arg(percentile(latencies, 0.5), 0, 'f', 2)
                .arg(percentile(latencies, 0.9), 0, 'f', 2)
                .arg(percentile(latencies, 0.99), 0, 'f', 2)
                .arg(latencies.size())
                .arg(percentile(commitMs, 0.5), 0, 'f', 2));
    }
}

} // namespace salesflow::bench
