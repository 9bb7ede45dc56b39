// Queue and runner: leases, takeover of expired leases, retries with backoff, failure after the
// last attempt, and exactly-once completion with many workers — on SQLite and PostgreSQL.
#include "tst_suites.h"

#include "engine/core/clock.h"
#include "engine/core/ids.h"
#include "engine/pipeline/replay.h"
#include "engine/pipeline/runner.h"
#include "engine/queue/jobqueue.h"
#include "engine/store/database.h"
#include "engine/store/eventrepository.h"
#include "engine/store/migrator.h"
#include "engine/store/pgconnection.h"
#include "tests/support/engines.h"
#include "tests/support/manualclock.h"
#include "tests/support/testbackend.h"

#include <QThread>
#include <QtTest>

#include <atomic>

using namespace salesflow;
using namespace salesflow::store;
using queue::Job;
using queue::JobQueue;

namespace {

std::shared_ptr<Database> openDb(const QString &tag)
{
    auto db = test::openDb(tag);
    db->acquire().value()->execScript("CREATE TABLE test_effects (event_id TEXT NOT NULL, attempt INTEGER NOT NULL)");
    return db;
}

QStringList seed(Database &db, int n, qint64 now)
{
    auto c = db.acquire();
    QList<NewRawEvent> events;
    QStringList ids;
    for (int i = 0; i < n; ++i) {
        const QString id = ids::newEventId();
        ids << id;
        events << NewRawEvent{id,   QStringLiteral("chat"),           "application/json",
                              "{}", QStringLiteral("chat:key:") + id, QStringLiteral("t")};
    }
    Tx tx(*c.value());
    tx.begin(true);
    if (!EventRepository::insertBatch(*c.value(), events, QStringLiteral("normalise"), 3, now))
        qFatal("seed failed");
    tx.commit();
    return ids;
}

/// Records each completed run in test_effects, inside the completion transaction.
class RecordingStage : public pipeline::IStage
{
public:
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 16; }
    Result<pipeline::StageOutput> run(const Job &job, Connection &) override
    {
        ++runs;
        if (failTimes > 0 && job.attempts <= failTimes)
            return makeError("stage.flaky", QStringLiteral("flaky failure %1").arg(job.attempts));
        if (permanent)
            return permanentError("permanent.bad_input", QStringLiteral("cannot parse line 3"));
        pipeline::StageOutput out;
        out.newStatus = EventStatus::Normalised;
        const QString id = job.eventId;
        const int attempt = job.attempts;
        out.apply = [id, attempt](Connection &c) -> Status {
            auto r = c.exec("INSERT INTO test_effects (event_id, attempt) VALUES ($1, $2)", {id, attempt});
            if (!r)
                return r.error();
            return Done{};
        };
        return out;
    }
    std::atomic<int> runs{0};
    int failTimes = 0;
    bool permanent = false;
};

using test::count;

} // namespace

void TestQueue::enqueueWakesListenersOnlyOnceCommitted()
{
    auto db = openDb(QStringLiteral("wake"));
    if (db->dialect() != Dialect::Postgres)
        QSKIP("SQLite has no NOTIFY: the process wakes its own workers");
    auto listenerConn = db->connect();
    auto *listener = dynamic_cast<PgConnection *>(listenerConn.value().get());
    QVERIFY(listener && listener->exec("LISTEN " + JobQueue::channel(), {}));
    const QStringList ids = seed(*db, 1, nowMs()); // one event and its job, committed
    auto woke = listener->waitForNotifications(2000);
    QVERIFY(woke && woke->size() == 1);
    QCOMPARE(woke->first().channel, QString::fromLatin1(JobQueue::channel()));
    QCOMPARE(woke->first().payload, QStringLiteral("normalise")); // the stage whose jobs arrived
    auto c = db->connect();
    {
        Tx tx(*c.value());
        QVERIFY(tx.begin(true));
        QVERIFY(JobQueue::enqueue(*c.value(), ids, QStringLiteral("enrich"), 3, 0, nowMs()));
        woke = listener->waitForNotifications(300);
        QVERIFY(woke && woke->isEmpty()); // not while the jobs are invisible to the listener
        QVERIFY(tx.commit());
    }
    woke = listener->waitForNotifications(2000);
    QVERIFY(woke && woke->size() == 1);
    QCOMPARE(woke->first().payload, QStringLiteral("enrich"));
    {
        Tx tx(*c.value());
        QVERIFY(tx.begin(true));
        QVERIFY(JobQueue::enqueue(*c.value(), ids, QStringLiteral("plan"), 3, 0, nowMs()));
    } // rolled back: nothing to wake for
    woke = listener->waitForNotifications(300);
    QVERIFY(woke && woke->isEmpty());
}

void TestQueue::aLeaseCommitsOnItsOwnWithoutChangingTheSession()
{
    auto db = openDb(QStringLiteral("leaseown"));
    const qint64 now = nowMs();
    seed(*db, 3, now);
    auto c = db->connect();
    auto other = db->connect();
    auto leased = JobQueue::lease(*c.value(), QStringLiteral("normalise"), 2, QStringLiteral("w1"), 60000, now);
    QVERIFY(leased && leased->size() == 2);
    // Committed at once: another connection sees the two leases.
    QCOMPARE(other.value()->exec("SELECT count(*) FROM jobs WHERE lease_owner = 'w1'")->int64(0, 0), 2);
    if (db->dialect() == Dialect::Postgres) { // the lease's asynchronous commit stayed its own
        QCOMPARE(c.value()->exec("SELECT current_setting('synchronous_commit')")->text(0, 0), QStringLiteral("on"));
    }
}

void TestQueue::theHeartbeatNeverWaitsForAJobBeingCompleted()
{
    auto db = openDb(QStringLiteral("renewskip"));
    if (db->dialect() != Dialect::Postgres)
        QSKIP("SQLite has one writer at a time: the heartbeat waits its turn");
    const qint64 now = nowMs();
    seed(*db, 2, now);
    auto worker = db->connect();
    auto keeper = db->connect();
    auto jobs = JobQueue::lease(*worker.value(), QStringLiteral("normalise"), 2, QStringLiteral("w"), 60000, now);
    QVERIFY(jobs && jobs->size() == 2);
    // A renewal that waited would hang here (and could deadlock with the completion): it fails
    // instead of hanging past this.
    QVERIFY(keeper.value()->exec("SET statement_timeout = 5000"));
    Tx tx(*worker.value());
    QVERIFY(tx.begin(true));
    QCOMPARE(JobQueue::complete(*worker.value(), {jobs->first()})->size(), 1); // its row is locked
    auto renewed = JobQueue::renew(*keeper.value(), jobs.value(), now + 120000);
    QVERIFY2(renewed, renewed ? "" : qPrintable(renewed.error().message));
    QCOMPARE(renewed.value(), 1); // the other job; the one being completed was skipped
    QVERIFY(tx.commit());
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs"), 1);
    QCOMPARE(count(*db, "SELECT run_after FROM jobs"), now + 120000);
}

void TestQueue::leaseTakesDueJobsInOrderOnce()
{
    auto db = openDb(QStringLiteral("lease"));
    const qint64 now = nowMs();
    seed(*db, 10, now);
    auto c1 = db->connect();
    auto c2 = db->connect();
    auto a = JobQueue::lease(*c1.value(), QStringLiteral("normalise"), 6, QStringLiteral("w1"), 60000, now);
    auto b = JobQueue::lease(*c2.value(), QStringLiteral("normalise"), 6, QStringLiteral("w2"), 60000, now);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a->size(), 6);
    QCOMPARE(b->size(), 4);
    QSet<qint64> ids;
    for (const Job &j : a.value() + b.value())
        ids.insert(j.id);
    QCOMPARE(ids.size(), 10);
    QCOMPARE(a->first().attempts, 1);
    // Nothing is due until the leases expire.
    QCOMPARE(JobQueue::lease(*c1.value(), QStringLiteral("normalise"), 10, QStringLiteral("w1"), 60000, now)->size(),
             0);
    QCOMPARE(
        JobQueue::lease(*c1.value(), QStringLiteral("other"), 10, QStringLiteral("w1"), 60000, now + 120000)->size(),
        0);
}

void TestQueue::expiredLeaseIsTakenOverAndStaleCompletionRejected()
{
    auto db = openDb(QStringLiteral("takeover"));
    const qint64 now = nowMs();
    seed(*db, 1, now);
    auto c = db->connect();
    auto first = JobQueue::lease(*c.value(), QStringLiteral("normalise"), 1, QStringLiteral("dead"), 1000, now);
    QCOMPARE(first->size(), 1);
    // The first worker "dies"; after its lease runs out another worker takes the job.
    auto second
        = JobQueue::lease(*c.value(), QStringLiteral("normalise"), 1, QStringLiteral("alive"), 1000, now + 1001);
    QCOMPARE(second->size(), 1);
    QCOMPARE(second->first().id, first->first().id);
    QCOMPARE(second->first().attempts, 2);
    // The stale worker's completion must not count.
    Tx tx(*c.value());
    tx.begin(true);
    QCOMPARE(JobQueue::complete(*c.value(), first.value())->size(), 0);
    QCOMPARE(JobQueue::complete(*c.value(), second.value())->size(), 1);
    QVERIFY(tx.commit().ok());
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs"), 0);
}

void TestQueue::backoffGrowsWithJitterAndCap()
{
    for (int attempt = 1; attempt <= 30; ++attempt) {
        const qint64 base = qMin<qint64>(300000, qint64(1000) << qMin(attempt - 1, 20));
        const qint64 b = JobQueue::backoffMs(attempt);
        QVERIFY2(b >= base / 2 && b <= base, qPrintable(QString::number(b)));
    }
}

void TestQueue::runnerCompletesEveryJobExactlyOnce()
{
    auto db = openDb(QStringLiteral("runner"));
    const QStringList ids = seed(*db, 300, nowMs());
    auto stage = std::make_shared<RecordingStage>();
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{4, QStringLiteral("test"), 60000, 50});
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(count(*db, "SELECT count(*) FROM jobs"), 0, 30000);
    runner.stop();
    QCOMPARE(count(*db, "SELECT count(*) FROM test_effects"), 300);
    QCOMPARE(count(*db, "SELECT count(DISTINCT event_id) FROM test_effects"), 300);
    QCOMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'normalised'"), 300);
    // Every transition is audited with before and after.
    QCOMPARE(count(*db,
                   "SELECT count(*) FROM audit_logs WHERE action = 'transition' AND before_state = 'received'"
                   " AND after_state = 'normalised' AND actor = 'engine:normalise'"),
             300);
    QCOMPARE(runner.completed.load(), 300);
}

void TestQueue::aDrainedStageIsLeasedAgainOnlyWhenItsJobsAreAnnounced()
{
    auto db = openDb(QStringLiteral("drained"));
    auto stage = std::make_shared<RecordingStage>();
    // A poll interval far beyond the test: only wake-ups decide when the stage is leased again.
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{2, QStringLiteral("test"), 60000, 120000});
    runner.start();
    QThread::msleep(500); // both workers have leased the stage once and found it drained
    auto c = db->connect();
    auto announce = [&](const QString &stageName) {
        if (db->dialect() == Dialect::Postgres) // as another process's enqueue would
            QVERIFY(c.value()->exec("SELECT pg_notify('salesflow_jobs', $1)", {stageName}));
        else
            runner.waker().notify(stageName);
    };
    // A job written without a wake-up, as a retry falling due would be.
    const QString id = ids::newEventId();
    QVERIFY(c.value()->exec("INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes,"
                            " received_at, received_by, status, updated_at)"
                            " VALUES ($1, 'chat', 'application/json', $1, '{}', 2, 0, 't', 'received', 0)",
                            {id}));
    QVERIFY(c.value()->exec("INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at)"
                            " VALUES ($1, 'normalise', 0, 3, 0, 0)",
                            {id}));
    announce(QStringLiteral("plan")); // another stage's jobs: the workers wake and skip this stage
    QThread::msleep(1000);
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs"), 1);
    announce(QStringLiteral("normalise"));
    QTRY_COMPARE_WITH_TIMEOUT(count(*db, "SELECT count(*) FROM jobs"), 0, 10000);
    runner.stop();
    QCOMPARE(count(*db, "SELECT count(*) FROM test_effects"), 1);
}

namespace {
/// Two batches of two jobs whose writes take the same two unique keys in opposite orders
/// ("x" then "y", and "y" then "x"), each waiting after its first write for the other's.
class CrossingStage : public pipeline::IStage
{
public:
    explicit CrossingStage(QStringList events) : m_events(std::move(events)) { }
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 2; }
    Result<pipeline::StageOutput> run(const Job &job, Connection &) override
    {
        const int i = int(m_events.indexOf(job.eventId));
        const QString key = (i == 0 || i == 3) ? QStringLiteral("x") : QStringLiteral("y");
        pipeline::StageOutput out;
        out.contended = {QStringLiteral("x"), QStringLiteral("y")};
        out.apply = [this, i, key](Connection &c) -> Status {
            ++applied;
            auto r = c.exec("INSERT INTO crossing (k) VALUES ($1) ON CONFLICT (k) DO NOTHING", {key});
            if (!r)
                return r.error();
            if (i == 0 || i == 2) { // the batch's first write: wait (bounded) for the other batch's
                firstWrites.fetch_add(1);
                for (int t = 0; t < 300 && firstWrites.load() < 2; ++t)
                    QThread::msleep(10);
            }
            return Done{};
        };
        return out;
    }
    std::atomic<int> applied{0};
    std::atomic<int> firstWrites{0};

private:
    QStringList m_events;
};
/// A stage whose jobs write their rows together (one BatchWrite for the batch); one job's own
/// apply fails, so the Runner commits the batch job by job.
class SharedWriteStage : public pipeline::IStage
{
public:
    explicit SharedWriteStage(QStringList events) : m_events(std::move(events)) { }
    QString name() const override { return QStringLiteral("normalise"); }
    int batchSize() const override { return 8; }
    Result<pipeline::StageOutput> run(const Job &job, Connection &c) override { return runBatch({job}, c).first(); }
    QList<Result<pipeline::StageOutput>> runBatch(const QList<Job> &jobs, Connection &) override
    {
        struct Rows final : pipeline::BatchWrite
        {
            QStringList events;
            std::atomic<int> *calls;
            Status apply(Connection &c, const QList<int> &parts) override
            {
                ++*calls;
                for (int part : parts) {
                    if (auto r = c.exec("INSERT INTO shared_rows (event_id) VALUES ($1)", {events.at(part)}); !r)
                        return r.error();
                }
                return Done{};
            }
        };
        auto write = std::make_shared<Rows>();
        write->calls = &batchApplies;
        QList<Result<pipeline::StageOutput>> out;
        for (const Job &job : jobs) {
            pipeline::StageOutput o;
            o.newStatus = EventStatus::Normalised;
            o.batchWrite = write;
            o.batchPart = int(write->events.size());
            write->events.append(job.eventId);
            if (job.eventId == m_events.at(2)) // this job's own write breaks its transaction
                o.apply = [](Connection &c) -> Status { return c.exec("SELECT * FROM no_such_table").error(); };
            out.append(o);
        }
        return out;
    }
    std::atomic<int> batchApplies{0};

private:
    QStringList m_events;
};
} // namespace

void TestQueue::aBatchsSharedWritesAreMadeOnceForTheJobsThatCommit()
{
    auto db = openDb(QStringLiteral("sharedwrite"));
    db->acquire().value()->execScript("CREATE TABLE shared_rows (event_id TEXT NOT NULL)");
    const QStringList events = seed(*db, 4, nowMs());
    auto stage = std::make_shared<SharedWriteStage>(events);
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{1, QStringLiteral("test"), 60000, 20});
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'normalised'"), 3, 20000);
    runner.stop();
    // The batch failed as a whole (nothing of it stays), then each job committed on its own with
    // its own part: every committed job's row once, none for the job whose write failed.
    QCOMPARE(count(*db, "SELECT count(*) FROM shared_rows"), 3);
    QCOMPARE(count(*db, "SELECT count(DISTINCT event_id) FROM shared_rows"), 3);
    auto c = db->acquire();
    QCOMPARE(c.value()->exec("SELECT count(*) FROM shared_rows WHERE event_id = $1", {events.at(2)})->int64(0, 0), 0);
    QVERIFY(stage->batchApplies.load() >= 1 + 4); // the batch, then each job (the failing one again on retry)
}

void TestQueue::batchesWritingSharedKeysInOppositeOrdersDoNotDeadlock()
{
    auto db = openDb(QStringLiteral("crossing"));
    if (db->dialect() != Dialect::Postgres)
        QSKIP("SQLite has one writer at a time");
    db->acquire().value()->execScript("CREATE TABLE crossing (k TEXT PRIMARY KEY)");
    auto stage = std::make_shared<CrossingStage>(seed(*db, 4, nowMs()));
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{2, QStringLiteral("test"), 60000, 20});
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(runner.completed.load(), 4, 20000);
    runner.stop();
    // A deadlock would have aborted one batch, and its jobs would have been applied again one by
    // one: each apply ran once, the second batch having waited for the first's locks.
    QCOMPARE(stage->applied.load(), 4);
    QCOMPARE(db->acquire().value()->exec("SELECT count(*) FROM crossing")->int64(0, 0), 2);
}

void TestQueue::failingStageRetriesThenSucceeds()
{
    test::ManualClock clock;
    auto db = openDb(QStringLiteral("retry"));
    seed(*db, 1, clock.nowMs());
    auto stage = std::make_shared<RecordingStage>();
    stage->failTimes = 2;
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{1, QStringLiteral("test"), 60000, 20});
    runner.start();
    QTRY_COMPARE(stage->runs.load(), 1);
    QTRY_COMPARE(count(*db, "SELECT count(*) FROM jobs WHERE lease_token IS NULL"), 1);
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs WHERE last_error = 'flaky failure 1'"), 1);
    clock.now += 1001; // first backoff is at most 1 s
    QTRY_COMPARE(stage->runs.load(), 2);
    clock.now += 2001;
    QTRY_COMPARE(count(*db, "SELECT count(*) FROM test_effects"), 1);
    runner.stop();
    QCOMPARE(count(*db, "SELECT attempt FROM test_effects"), 3);
    QCOMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'normalised'"), 1);
}

void TestQueue::lastAttemptFailsTheEventVisibly()
{
    test::ManualClock clock;
    auto db = openDb(QStringLiteral("fail"));
    seed(*db, 1, clock.nowMs());
    auto stage = std::make_shared<RecordingStage>();
    stage->failTimes = 100;
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{1, QStringLiteral("test"), 60000, 20});
    runner.start();
    for (int attempt = 1; attempt <= 3; ++attempt) {
        QTRY_COMPARE(stage->runs.load(), attempt);
        clock.now += 10 * 60 * 1000;
    }
    QTRY_COMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'failed'"), 1);
    runner.stop();
    auto c = db->acquire();
    auto row = c.value()->exec("SELECT failed_stage, last_error FROM raw_events");
    QCOMPARE(row->text(0, 0), QStringLiteral("normalise"));
    QCOMPARE(row->text(0, 1), QStringLiteral("flaky failure 3"));
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs"), 0);
    QCOMPARE(count(*db, "SELECT count(*) FROM audit_logs WHERE after_state = 'failed' AND detail = 'attempt 3 of 3'"),
             1);
}

void TestQueue::permanentErrorFailsAtOnce()
{
    auto db = openDb(QStringLiteral("permanent"));
    seed(*db, 2, nowMs());
    auto stage = std::make_shared<RecordingStage>();
    stage->permanent = true;
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{1, QStringLiteral("test"), 60000, 20});
    runner.start();
    QTRY_COMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'failed'"), 2);
    runner.stop();
    QCOMPARE(stage->runs.load(), 2);
    QCOMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE last_error = 'cannot parse line 3'"), 2);
}

void TestQueue::crashedWorkersJobIsRunAgainAfterItsLease()
{
    test::ManualClock clock;
    auto db = openDb(QStringLiteral("crashed"));
    seed(*db, 1, clock.nowMs());
    {
        // A worker leases and "dies" without completing.
        auto c = db->connect();
        QCOMPARE(
            JobQueue::lease(*c.value(), QStringLiteral("normalise"), 1, QStringLiteral("dead"), 30000, clock.nowMs())
                ->size(),
            1);
    }
    auto stage = std::make_shared<RecordingStage>();
    pipeline::Runner runner(db, {stage}, pipeline::Runner::Options{1, QStringLiteral("test"), 30000, 20});
    runner.start();
    QTest::qWait(100);
    QCOMPARE(stage->runs.load(), 0); // still leased by the dead worker
    clock.now += 30001;
    QTRY_COMPARE(count(*db, "SELECT count(*) FROM test_effects"), 1);
    runner.stop();
    QCOMPARE(count(*db, "SELECT attempt FROM test_effects"), 2);
}

void TestQueue::failedEventIsReplayedFromItsStage()
{
    auto db = openDb(QStringLiteral("replay"));
    const QStringList ids = seed(*db, 1, nowMs());
    auto broken = std::make_shared<RecordingStage>();
    broken->permanent = true;
    {
        pipeline::Runner runner(db, {broken}, pipeline::Runner::Options{1, QStringLiteral("test"), 60000, 20});
        runner.start();
        QTRY_COMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'failed'"), 1);
    }
    auto c = db->acquire();
    pipeline::ReplaySelection byId;
    byId.eventIds = QStringList{ids.first(), QStringLiteral("no-such-id")};
    // A dry run says what it would do and writes nothing.
    auto dry = pipeline::Replay::replay(*c.value(), byId, QString(), QStringLiteral("test"), 3, true, nowMs());
    QVERIFY(dry.ok());
    QCOMPARE(dry->queued, QStringList{ids.first()});
    QCOMPARE(dry->missing, QStringList{QStringLiteral("no-such-id")});
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs"), 0);
    // Without --from the event starts again at the stage it failed in.
    auto plan = pipeline::Replay::replay(*c.value(), byId, QString(), QStringLiteral("test"), 3, false, nowMs());
    QVERIFY2(plan.ok(), qPrintable(plan.error().message));
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs WHERE stage = 'normalise'"), 1);
    QCOMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'received' AND last_error IS NULL"), 1);
    QCOMPARE(count(*db,
                   "SELECT count(*) FROM audit_logs WHERE before_state = 'failed' AND after_state = 'received'"
                   " AND detail = 'replay from normalise'"),
             1);
    // Replaying again while its job waits changes nothing.
    auto again = pipeline::Replay::replay(*c.value(), byId, QString(), QStringLiteral("test"), 3, false, nowMs());
    QCOMPARE(again->alreadyQueued, QStringList{ids.first()});
    QCOMPARE(count(*db, "SELECT count(*) FROM jobs"), 1);
    // Fixed, it goes through.
    auto fixed = std::make_shared<RecordingStage>();
    pipeline::Runner runner(db, {fixed}, pipeline::Runner::Options{1, QStringLiteral("test"), 60000, 20});
    runner.start();
    QTRY_COMPARE(count(*db, "SELECT count(*) FROM raw_events WHERE status = 'normalised'"), 1);
    runner.stop();
    // Selection by status and time; a bad stage is refused.
    pipeline::ReplaySelection byStatus;
    byStatus.status = EventStatus::Normalised;
    byStatus.sinceMs = nowMs() - 60000;
    auto sel = pipeline::Replay::replay(*c.value(), byStatus, QStringLiteral("normalise"), QStringLiteral("test"), 3,
                                        true, nowMs());
    QCOMPARE(sel->queued.size(), 1);
    QCOMPARE(pipeline::Replay::replay(*c.value(), byStatus, QStringLiteral("nowhere"), QStringLiteral("test"), 3, true,
                                      nowMs())
                 .error()
                 .httpStatus,
             400);
}
