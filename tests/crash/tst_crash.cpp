// "Nothing lost, nothing twice" under kill -9, on SQLite and on a real PostgreSQL:
//  - salesflowd is killed with SIGKILL while 16 clients post events; after a restart every event
//    that got a 202 or 200 is stored under the id it was given, and has exactly one first job.
//  - worker processes are killed with SIGKILL while they drain the queue; at the end every job
//    ran to a committed completion exactly once.
//  - salesflowd is killed with SIGKILL in the middle of a replay; after a restart the replay goes
//    on where it stopped, and every event was put back into the pipeline exactly once.
//  - with the production lease settings, slow LLM calls keep their leases through the heartbeat,
//    and the jobs of a worker killed with SIGKILL are resumed by another within 30 s.
#include "engine/hubspot/setup.h"
#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "engine/store/migrator.h"
#include "engine/store/sharedratebudget.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/httpclient.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/llmemulator.h"
#include "tests/support/pgserver.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>

using namespace salesflow;

namespace {

// Clients of the replica test. Each posts chat events one after another and, as a real sender
// does, sends an unanswered event again under the same Idempotency-Key until it is acknowledged:
// a 503 from a commit whose outcome is unknown (the database went away with it sent) means
// "send it again", and that retry is answered 200 duplicate when the first attempt was stored.
struct AckingClients
{
    quint16 port = 0;
    QByteArray token;
    std::mutex mutex;
    QHash<QByteArray, QString> acked; // key -> event id
    QSet<QByteArray> storedBeforeTheirAnswer; // acknowledged by a retry's 200 duplicate
    QList<QByteArray> neverAnswered; // gave up after a minute
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;

    void post(const QByteArray &key)
    {
        QElapsedTimer trying;
        trying.start();
        for (;;) {
            const auto r
                = test::HttpClient("127.0.0.1", port)
                      .request("POST", "/v1/events/chat",
                               R"({"id":")" + key
                                   + R"(","messages":[{"author":"visitor","text":"SSO pricing for 40 seats?"}]})",
                               {{"Content-Type", "application/json"},
                                {"Authorization", "Bearer " + token},
                                {"Idempotency-Key", key}},
                               5000);
            std::lock_guard lock(mutex);
            if (r.status == 202 || r.status == 200) {
                acked.insert(key, QString::fromLatin1(r.body.mid(r.body.indexOf("\"id\":\"") + 6, 36)));
                if (r.status == 200)
                    storedBeforeTheirAnswer.insert(key);
                return;
            }
            if (trying.elapsed() > 60000) {
                neverAnswered.append(key);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // 503 while the store is down
        }
    }

    void start(int n)
    {
        for (int t = 0; t < n; ++t)
            threads.emplace_back([this, t] {
                for (int seq = 0; !stop; ++seq)
                    post("c" + QByteArray::number(t) + "-" + QByteArray::number(seq));
            });
    }

    void join()
    {
        stop = true;
        for (auto &c : threads)
            if (c.joinable())
                c.join();
    }

    ~AckingClients() { join(); } // a failed check returns early: the threads still end

    qint64 count()
    {
        std::lock_guard lock(mutex);
        return acked.size();
    }
};

} // namespace

class TestCrash : public QObject
{
    Q_OBJECT

private:
    QString m_bin; // build/app/salesflowd
    QString m_worker;
    std::unique_ptr<test::PgServer> m_pg;
    QTemporaryDir m_dir;

    QString dbUrl(const QString &backend, const QString &name)
    {
        if (backend == QLatin1String("postgres"))
            return m_pg->createDatabase(name);
        return QStringLiteral("sqlite://") + m_dir.path() + QLatin1Char('/') + name + QStringLiteral(".db");
    }

    QByteArray runCli(const QStringList &args)
    {
        const test::CliRun r = test::runSalesflowd(args, QProcessEnvironment::systemEnvironment(), {}, 30000);
        if (r.exitCode != 0)
            qFatal("salesflowd %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), r.err.constData());
        return r.out.trimmed();
    }

    /// Starts `salesflowd serve --role api`; returns its port (0 on failure).
    quint16 startServer(QProcess &p, const QString &url)
    {
        return test::startServe(p, {QStringLiteral("--db"), url, QStringLiteral("--role"), QStringLiteral("api")});
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_bin = test::salesflowdPath();
        m_worker = QCoreApplication::applicationDirPath() + QStringLiteral("/crash_worker");
        QVERIFY2(QFile::exists(m_bin), qPrintable(m_bin));
        m_pg = std::make_unique<test::PgServer>();
        QVERIFY2(m_pg->start(), qPrintable(m_pg->error()));
    }

    void acknowledgedEventsSurviveKill9_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void acknowledgedEventsSurviveKill9()
    {
        QFETCH(QString, backend);
        const QString url = dbUrl(backend, QStringLiteral("crash_ingest"));
        runCli({QStringLiteral("migrate"), QStringLiteral("--db"), url});
        const QByteArray token = runCli({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"),
                                         QStringLiteral("load"), QStringLiteral("--role"), QStringLiteral("ingest"),
                                         QStringLiteral("--db"), url});
        QVERIFY(token.startsWith("sft_"));

        std::mutex mutex;
        QHash<QByteArray, QString> acked; // Idempotency-Key -> id answered
        std::atomic<qint64> refused{0};
        const int rounds = 4;
        for (int round = 0; round < rounds; ++round) {
            QProcess server;
            const quint16 port = startServer(server, url);
            QVERIFY2(port, server.readAllStandardError().constData());
            std::atomic<bool> stop{false};
            std::vector<std::thread> clients;
            for (int t = 0; t < 16; ++t) {
                clients.emplace_back([&, t] {
                    test::HttpClient client("127.0.0.1", port);
                    for (int seq = 0; !stop; ++seq) {
                        const QByteArray key = "r" + QByteArray::number(round) + "-c" + QByteArray::number(t) + "-"
                            + QByteArray::number(seq);
                        const auto r
                            = client.request("POST", "/v1/events/chat", R"({"id":")" + key + R"(","messages":[]})",
                                             {{"Content-Type", "application/json"},
                                              {"Authorization", "Bearer " + token},
                                              {"Idempotency-Key", key}},
                                             5000);
                        if (r.status == 202 || r.status == 200) {
                            const QString id = QString::fromLatin1(r.body.mid(r.body.indexOf("\"id\":\"") + 6, 36));
                            std::lock_guard lock(mutex);
                            acked.insert(key, id);
                        } else if (r.status == 0) {
                            ++refused;
                            if (stop)
                                break;
                            std::this_thread::sleep_for(std::chrono::milliseconds(5));
                        } else {
                            qWarning("unexpected status %d: %s", r.status, r.body.constData());
                        }
                    }
                });
            }
            // Kill at a random moment while requests are in flight.
            QTest::qWait(400 + int(QRandomGenerator::global()->bounded(600)));
            server.kill(); // SIGKILL
            server.waitForFinished(5000);
            stop = true;
            for (auto &c : clients)
                c.join();
        }
        QVERIFY2(acked.size() > 500, qPrintable(QStringLiteral("only %1 events acknowledged").arg(acked.size())));

        // A restarted server answers every acknowledged key as a duplicate with the same id.
        QProcess server;
        const quint16 port = startServer(server, url);
        QVERIFY(port);
        test::HttpClient client("127.0.0.1", port);
        int checked = 0;
        for (auto it = acked.cbegin(); it != acked.cend() && checked < 200; ++it, ++checked) {
            const auto r = client.request("POST", "/v1/events/chat", "{}",
                                          {{"Content-Type", "application/json"},
                                           {"Authorization", "Bearer " + token},
                                           {"Idempotency-Key", it.key()}});
            QCOMPARE(r.status, 200);
            QVERIFY(r.body.contains(it.value().toLatin1()));
        }
        server.terminate();
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitCode(), 0); // SIGTERM is a graceful stop

        auto db = store::Database::open(url);
        QVERIFY(db.ok());
        auto c = db.value()->acquire();
        for (auto it = acked.cbegin(); it != acked.cend(); ++it) {
            auto row = c.value()->exec("SELECT id FROM raw_events WHERE dedup_key = $1",
                                       {QString(QStringLiteral("chat:key:") + QString::fromLatin1(it.key()))});
            QVERIFY(row.ok());
            QVERIFY2(row->size() == 1,
                     qPrintable(QStringLiteral("acknowledged event %1 was lost").arg(QString::fromLatin1(it.key()))));
            QCOMPARE(row->text(0, 0), it.value());
        }
        // Every stored event has exactly one first job; no job without its event.
        QCOMPARE(test::count(*c.value(),
                             "SELECT count(*) FROM (SELECT r.id FROM raw_events r LEFT JOIN jobs j ON j.event_id = r.id"
                             " GROUP BY r.id HAVING count(j.id) <> 1) x"),
                 0);
        QCOMPARE(
            test::count(*c.value(),
                        "SELECT count(*) FROM jobs j LEFT JOIN raw_events r ON r.id = j.event_id WHERE r.id IS NULL"),
            0);
        qInfo("%s: %lld events acknowledged over %d kill -9 rounds, all stored; %lld requests hit a dead server",
              qPrintable(backend), qint64(acked.size()), rounds, refused.load());
    }

    void jobsRunExactlyOnceThroughKill9_data() { acknowledgedEventsSurviveKill9_data(); }

    void jobsRunExactlyOnceThroughKill9()
    {
        QFETCH(QString, backend);
        const QString url = dbUrl(backend, QStringLiteral("crash_queue"));
        const int events = 5000;
        {
            auto db = store::Database::open(url);
            QVERIFY(db.ok());
            auto c = db.value()->acquire();
            QVERIFY(store::Migrator::migrate(*c.value()).ok());
            QVERIFY(c.value()
                        ->execScript("CREATE TABLE test_effects (event_id TEXT NOT NULL, attempt INTEGER NOT NULL)")
                        .ok());
            // Seed events with their first job, as ingest does.
            QVERIFY(c.value()->begin(true).ok());
            for (int i = 0; i < events; ++i) {
                const QString id = QStringLiteral("00000000-0000-7000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
                QVERIFY(c.value()
                            ->exec("INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes,"
                                   " received_at, received_by, status, updated_at) VALUES ($1, 'chat', "
                                   "'application/json', $1, $2, 2, 0, 'seed', 'received', 0)",
                                   {id, QByteArray("{}")})
                            .ok());
                QVERIFY(c.value()
                            ->exec("INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at)"
                                   " VALUES ($1, 'normalise', 0, 1000, 0, 0)",
                                   {id})
                            .ok());
            }
            QVERIFY(c.value()->commit().ok());
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_LEASE_MS"), QStringLiteral("800")); // killed leases fall due fast
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
        auto db = store::Database::open(url);
        auto c = db.value()->acquire();
        int kills = 0;
        QElapsedTimer timer;
        timer.start();
        std::array<std::unique_ptr<QProcess>, 2> workers;
        while (test::count(*c.value(), "SELECT count(*) FROM jobs") > 0) {
            QVERIFY2(timer.elapsed() < 240000, "the queue did not drain");
            for (auto &w : workers) {
                if (!w || w->state() == QProcess::NotRunning) {
                    w = std::make_unique<QProcess>();
                    w->setProcessEnvironment(env);
                    w->start(m_worker, {url});
                    QVERIFY(w->waitForStarted(10000));
                }
            }
            QTest::qWait(100 + int(QRandomGenerator::global()->bounded(250)));
            auto &victim = workers[QRandomGenerator::global()->bounded(2)];
            if (kills < 25) {
                victim->kill(); // SIGKILL, mid-batch
                victim->waitForFinished(5000);
                ++kills;
            }
        }
        for (auto &w : workers) {
            w->terminate();
            w->waitForFinished(10000);
        }
        QCOMPARE(test::count(*c.value(), "SELECT count(*) FROM test_effects"), events);
        QCOMPARE(test::count(*c.value(), "SELECT count(DISTINCT event_id) FROM test_effects"), events);
        QCOMPARE(test::count(*c.value(), "SELECT count(*) FROM raw_events WHERE status = 'normalised'"), events);
        QCOMPARE(test::count(*c.value(), "SELECT count(*) FROM audit_logs WHERE action = 'transition'"), events);
        const qint64 retried = test::count(*c.value(), "SELECT count(*) FROM test_effects WHERE attempt > 1");
        qInfo("%s: %d jobs, %d worker kills, %lld jobs completed on a later attempt, none twice", qPrintable(backend),
              events, kills, retried);
    }

    void writebackExactlyOnceThroughKill9AndFaults_data() { acknowledgedEventsSurviveKill9_data(); }

    // The whole pipeline in two salesflowd worker processes against the HubSpot emulator, which
    // fails 20% of the writes (5xx, 429, timeouts, and connections dropped after the write
    // landed), while the workers are killed with SIGKILL again and again. At the end every
    // event has exactly one note, one task, one contact, and the companies once each.
    void writebackExactlyOnceThroughKill9AndFaults()
    {
        QFETCH(QString, backend);
        const QString url = dbUrl(backend, QStringLiteral("crash_write"));
        const int events = 60;
        test::HubSpotEmulator emu;
        QVERIFY(emu.start());
        {
            LocalEngine::Options o;
            o.config.dbUrl = url;
            o.runWorkers = false;
            auto e = LocalEngine::open(o);
            QVERIFY2(e.ok(), e.ok() ? "" : qPrintable(e.error().message));
            auto c = e.value()->database()->acquire();
            hubspot::ClientConfig hc;
            hc.baseUrl = emu.baseUrl();
            hc.token = emu.token;
            hubspot::Client client(hc);
            store::SharedRateBudget budget(*c.value());
            QVERIFY(hubspot::setup(client, budget).ok());
            QList<IngestItem> items;
            for (int i = 0; i < events; ++i) {
                items.append(IngestItem{
                    QStringLiteral("chat"),
                    "application/json",
                    QStringLiteral(
                        R"({"id":"k-%1","participants":[{"id":"v","name":"Kim Lee","email":"kim%1@corp-%2.com","role":"visitor"}],
                                            "messages":[{"author":"v","role":"visitor","text":"Please send pricing for 20 seats; we want a demo next week.","sent_at":"2026-11-26T10:00:00Z"}]})")
                        .arg(i)
                        .arg(i % 7)
                        .toUtf8(),
                    {}});
            }
            auto f = e.value()->ingest(test::caller(), items);
            f.waitForFinished();
            QVERIFY(f.result().ok());
            e.value()->stop();
        }
        emu.setFaultRate(0.2, 11);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"),
                   QStringLiteral("salesflow.*.info=false;salesflow.*.warning=false"));
        env.insert(QStringLiteral("SALESFLOW_LEASE_MS"), QStringLiteral("3000"));
        env.insert(QStringLiteral("SALESFLOW_MAX_ATTEMPTS"), QStringLiteral("100"));
        env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("0"));
        env.insert(QStringLiteral("HUBSPOT_ACCESS_TOKEN"), QString::fromLatin1(emu.token));
        env.insert(QStringLiteral("HUBSPOT_BASE_URL"), emu.baseUrl());
        env.insert(QStringLiteral("SALESFLOW_HUBSPOT_TIMEOUT_MS"), QStringLiteral("800"));
        auto db = store::Database::open(url);
        auto c = db.value()->acquire();
        int kills = 0;
        QElapsedTimer timer;
        timer.start();
        std::array<std::unique_ptr<QProcess>, 2> workers;
        while (test::count(*c.value(), "SELECT count(*) FROM raw_events WHERE status = 'done'") < events) {
            QVERIFY2(timer.elapsed() < 240000, "the writeback did not finish");
            for (auto &w : workers) {
                if (!w || w->state() == QProcess::NotRunning) {
                    w = std::make_unique<QProcess>();
                    w->setProcessEnvironment(env);
                    w->setProcessChannelMode(QProcess::ForwardedErrorChannel);
                    w->start(QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/salesflowd"),
                             {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--role"),
                              QStringLiteral("worker"), QStringLiteral("--workers"), QStringLiteral("2")});
                    QVERIFY(w->waitForStarted(10000));
                }
            }
            QTest::qWait(300 + int(QRandomGenerator::global()->bounded(700)));
            if (kills < 12) {
                auto &victim = workers[QRandomGenerator::global()->bounded(2)];
                victim->kill(); // SIGKILL, wherever it is: mid-call, mid-commit
                victim->waitForFinished(5000);
                ++kills;
            }
        }
        for (auto &w : workers) {
            w->terminate();
            w->waitForFinished(10000);
        }
        QCOMPARE(emu.objects(QStringLiteral("notes")).size(), events);
        QCOMPARE(emu.objects(QStringLiteral("tasks")).size(), events);
        QCOMPARE(emu.objects(QStringLiteral("contacts")).size(), events);
        QCOMPARE(emu.objects(QStringLiteral("companies")).size(), 7);
        QSet<QString> keys;
        for (const auto &n : emu.objects(QStringLiteral("notes")))
            keys.insert(n.properties.value(QStringLiteral("salesflow_action_key")));
        QCOMPARE(keys.size(), events);
        auto open = c.value()->exec("SELECT kind, status, COALESCE(last_error, ''), count(*) FROM crm_actions"
                                    " WHERE status NOT IN ('done', 'superseded') GROUP BY kind, status, last_error");
        QString left;
        for (int i = 0; open && i < open->size(); ++i)
            left += QStringLiteral("%1 %2 (%3): %4; ")
                        .arg(open->text(i, 0), open->text(i, 1), open->text(i, 2), open->text(i, 3));
        QVERIFY2(open && open->isEmpty(), qPrintable(QStringLiteral("actions not done: ") + left));
        // Every note is on its contact's timeline (association type 202), once per pair.
        QSet<QString> noteToContact;
        for (const auto &a : emu.associations())
            if (a.fromType == QLatin1String("notes") && a.typeId == 202)
                noteToContact.insert(QStringLiteral("%1>%2").arg(a.fromId).arg(a.toId));
        QCOMPARE(noteToContact.size(), events);
        qInfo("%s: %d events written back through %d worker kills and %d injected HubSpot faults in %d calls; "
              "one note, task and contact each",
              qPrintable(backend), events, kills, emu.faultsInjected(), emu.calls());
    }

    void replicasSurviveADatabaseRestartAndARollingRestart()
    {
        // One api and two worker processes on one PostgreSQL, as in production: while clients
        // post, PostgreSQL restarts, then each worker is stopped (SIGTERM) and started again in
        // turn. Every acknowledged event is stored once, analysed once and reaches done.
        const QString url = dbUrl(QStringLiteral("postgres"), QStringLiteral("replicas"));
        runCli({QStringLiteral("migrate"), QStringLiteral("--db"), url});
        const QByteArray token = runCli({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"),
                                         QStringLiteral("site"), QStringLiteral("--role"), QStringLiteral("ingest"),
                                         QStringLiteral("--db"), url});
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("0")); // nothing waits for a person
        QProcess api;
        const quint16 port = test::startServe(
            api, {QStringLiteral("--db"), url, QStringLiteral("--role"), QStringLiteral("api")}, env);
        QVERIFY2(port, api.readAllStandardError().constData());
        auto startWorker = [&](QProcess &w) {
            w.setProcessEnvironment(env);
            w.start(m_bin,
                    {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--role"),
                     QStringLiteral("worker"), QStringLiteral("--workers"), QStringLiteral("2")});
            return w.waitForStarted(10000);
        };
        auto workers = std::make_unique<std::array<QProcess, 2>>();
        QVERIFY(startWorker((*workers)[0]) && startWorker((*workers)[1]));

        AckingClients clients;
        clients.port = port;
        clients.token = token;
        clients.start(4);
        QTest::qWait(1500);
        qInfo("restarting PostgreSQL with %lld acknowledged", clients.count());
        QVERIFY(m_pg->restart());
        qInfo("PostgreSQL is back");
        QTest::qWait(1500);
        for (QProcess &w : *workers) { // a rolling restart, one worker at a time
            w.terminate();
            QVERIFY(w.waitForFinished(30000));
            QCOMPARE(w.exitCode(), 0);
            qInfo("a worker stopped; starting it again");
            QVERIFY(startWorker(w));
            QTest::qWait(1000);
        }
        clients.join();
        const QHash<QByteArray, QString> &acked = clients.acked;
        qInfo("clients stopped with %lld acknowledged, %lld of them stored before a retry's duplicate answer",
              qint64(acked.size()), qint64(clients.storedBeforeTheirAnswer.size()));
        QVERIFY2(clients.neverAnswered.isEmpty(),
                 qPrintable(QStringLiteral("not acknowledged within a minute: %1")
                                .arg(QString::fromLatin1(clients.neverAnswered.join(' ')))));
        QVERIFY2(acked.size() > 100, qPrintable(QStringLiteral("only %1 events acknowledged").arg(acked.size())));

        auto db = store::Database::open(url);
        QVERIFY(db.ok());
        auto c = db.value()->acquire();
        QVERIFY(c.ok());
        QElapsedTimer settling;
        settling.start();
        while (test::count(*c.value(), "SELECT count(*) FROM raw_events WHERE status <> 'done'") > 0
               && settling.elapsed() < 90000)
            QTest::qWait(500);
        const QByteArray left = test::dump(
            *c.value(), "not done", "SELECT status, count(*) FROM raw_events WHERE status <> 'done' GROUP BY status");
        QVERIFY2(test::count(*c.value(), "SELECT count(*) FROM raw_events WHERE status <> 'done'") == 0,
                 left.constData());
        QCOMPARE(test::count(*c.value(), "SELECT count(*) FROM raw_events"), qint64(acked.size()));
        for (auto it = acked.cbegin(); it != acked.cend(); ++it) {
            QCOMPARE(test::count(*c.value(), "SELECT count(*) FROM raw_events WHERE id = $1 AND dedup_key = $2",
                                 {it.value(), QString(QStringLiteral("chat:key:") + QString::fromLatin1(it.key()))}),
                     1);
        }
        // Analysed once: one enrichment per event, none twice after a restart took its job over.
        QCOMPARE(test::count(*c.value(),
                             "SELECT count(*) FROM (SELECT event_id FROM enrichment_outputs GROUP BY event_id"
                             " HAVING count(*) <> 1) x"),
                 0);
        QCOMPARE(test::count(*c.value(), "SELECT count(DISTINCT event_id) FROM enrichment_outputs"),
                 qint64(acked.size()));
        qInfo("%lld events acknowledged across a PostgreSQL restart and a rolling restart of two workers; all done, "
              "each analysed once",
              qint64(acked.size()));
        for (QProcess &w : *workers) {
            w.terminate();
            w.waitForFinished(30000);
        }
        const QString stuck = test::stopOrDescribe(api);
        QVERIFY2(stuck.isEmpty(), qPrintable(stuck));
    }

    void replaysResumeAfterKill9_data() { acknowledgedEventsSurviveKill9_data(); }

    void replaysResumeAfterKill9()
    {
        QFETCH(QString, backend);
        const QString url = dbUrl(backend, QStringLiteral("crash_replay"));
        runCli({QStringLiteral("migrate"), QStringLiteral("--db"), url});
        const QByteArray token = runCli({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"),
                                         QStringLiteral("ops"), QStringLiteral("--role"), QStringLiteral("admin"),
                                         QStringLiteral("--db"), url});
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_REPLAY_LEASE_MS"),
                   QStringLiteral("1500")); // a dead holder's lease lapses fast
        env.insert(QStringLiteral("SALESFLOW_REPLAY_BATCH"), QStringLiteral("5"));
        const QStringList serve{QStringLiteral("--db"), url, QStringLiteral("--role"), QStringLiteral("all")};
        const QList<QPair<QByteArray, QByteArray>> auth{{"Authorization", "Bearer " + token},
                                                        {"Content-Type", "application/json"}};
        auto server = std::make_unique<QProcess>();
        quint16 port = test::startServe(*server, serve, env);
        QVERIFY(port);
        const int events = 600;
        for (int from = 0; from < events; from += 100) {
            QByteArray batch = "[";
            for (int i = from; i < from + 100; ++i)
                batch += QStringLiteral("%1{\"submission_id\": \"r-%2\", \"fields\": {\"email\": "
                                        "\"b%3@acme.example\", \"message\": \"pricing?\"}}")
                             .arg(i > from ? QStringLiteral(",") : QString())
                             .arg(i)
                             .arg(i % 50)
                             .toUtf8();
            QCOMPARE(test::HttpClient("127.0.0.1", port)
                         .request("POST", "/v1/events/form/batch", batch + "]", auth, 10000)
                         .status,
                     202);
        }
        auto db = store::Database::open(url).value();
        QTRY_COMPARE_WITH_TIMEOUT(test::count(*db, "SELECT count(*) FROM jobs"), 0, 120000);
        const test::HttpResponse started
            = test::HttpClient("127.0.0.1", port)
                  .request("POST", "/v1/replays", R"({"source": "form", "from": "enrich"})", auth, 10000);
        QCOMPARE(started.status, 202);
        const QByteArray id
            = QJsonDocument::fromJson(started.body).object().value(QLatin1String("id")).toString().toUtf8();
        const QByteArray path = "/v1/replays/" + id + "?limit=1";
        qint64 doneAtKill = 0;
        for (int i = 0; i < 3000 && doneAtKill == 0; ++i) {
            const auto r = test::HttpClient("127.0.0.1", port).request("GET", path, {}, auth, 5000);
            const qint64 done = QJsonDocument::fromJson(r.body).object().value(QLatin1String("done")).toInteger();
            if (done >= events / 10) {
                server->kill(); // SIGKILL, between or inside a batch's transaction
                server->waitForFinished();
                doneAtKill = done;
            }
            QThread::msleep(5);
        }
        QVERIFY2(doneAtKill > 0 && doneAtKill < events, "the replay was not caught half-way");
        server = std::make_unique<QProcess>();
        port = test::startServe(*server, serve, env);
        QVERIFY(port);
        QTRY_COMPARE_WITH_TIMEOUT(
            test::count(*db, "SELECT count(*) FROM replays WHERE id = $1 AND status = 'done'", {id.toLongLong()}), 1,
            60000);
        QVERIFY(test::count(*db, "SELECT resumed FROM replays WHERE id = $1", {id.toLongLong()}) >= 1);
        QCOMPARE(test::count(*db, "SELECT done FROM replays WHERE id = $1", {id.toLongLong()}), events);
        // Each event requeued exactly once by this replay (skipped ones: not at all).
        QCOMPARE(test::count(*db,
                             "SELECT count(*) FROM replay_items i WHERE i.replay_id = $1 AND (SELECT count(*) FROM"
                             " audit_logs a WHERE a.event_id = i.event_id AND a.detail LIKE $2)"
                             " <> CASE WHEN i.state = 'done' THEN 1 ELSE 0 END",
                             {id.toLongLong(),
                              QString(QStringLiteral("%(replay ") + QString::fromUtf8(id) + QStringLiteral(")%"))}),
                 0);
        QVERIFY(test::count(*db, "SELECT count(*) FROM replay_items WHERE replay_id = $1 AND state = 'done'",
                            {id.toLongLong()})
                > events / 2);
        qInfo("%s: replay of %d events killed at %lld done, resumed and finished; each requeued once",
              qPrintable(backend), events, doneAtKill);
        server->terminate();
        server->waitForFinished();
    }

    // Production lease settings (nothing shortened): a run longer than a lease keeps it through
    // the heartbeat, and after `kill -9` of the worker holding it another worker resumes the work
    // within 30 s.
    void workResumesWithin30sOfKill9()
    {
        const QString url = dbUrl(QStringLiteral("postgres"), QStringLiteral("crash_resume"));
        const int events = 4;
        test::LlmEmulator llm;
        QVERIFY(llm.start());
        llm.setDefaultDelayMs(27000); // a slow model: longer than the 20 s lease
        {
            LocalEngine::Options o;
            o.config.dbUrl = url;
            o.runWorkers = false;
            auto e = LocalEngine::open(o);
            QVERIFY(e.ok());
            QList<IngestItem> items;
            for (int i = 0; i < events; ++i)
                items.append({QStringLiteral("chat"),
                              "application/json",
                              QStringLiteral(R"({"id":"slow-%1","messages":[{"author":"ann%1@acme.example",)"
                                             R"("role":"visitor","text":"Pricing for %1 seats, please."}]})")
                                  .arg(i + 10)
                                  .toUtf8(),
                              {}});
            QVERIFY(test::await(e.value()->ingest(test::caller(), items)).ok());
            e.value()->stop();
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
        env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("openai"));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), llm.openaiBaseUrl());
        env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(llm.openaiKey));
        env.remove(QStringLiteral("SALESFLOW_LEASE_MS"));
        const auto startWorker = [&](QProcess &w) {
            w.setProcessEnvironment(env);
            w.start(m_bin,
                    {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--role"),
                     QStringLiteral("worker")});
            return w.waitForStarted(10000);
        };
        QProcess first, second;
        QVERIFY(startWorker(first));
        QTRY_COMPARE_WITH_TIMEOUT(llm.requestCount(), events, 20000); // every event in a slow call
        QVERIFY(startWorker(second));
        QTest::qWait(23000); // past one lease: the heartbeat kept them, nobody took them over
        QCOMPARE(llm.requestCount(), events);
        llm.setDefaultDelayMs(0);
        first.kill(); // SIGKILL in the middle of every call
        QVERIFY(first.waitForFinished(5000));
        QElapsedTimer sinceKill;
        sinceKill.start();
        auto db = store::Database::open(url);
        auto c = db.value()->acquire();
        while (test::count(*c.value(), "SELECT count(*) FROM jobs WHERE stage = 'enrich'") > 0) {
            QVERIFY2(sinceKill.elapsed() < 30000, "the killed worker's jobs were not resumed within 30 s");
            QTest::qWait(100);
        }
        qInfo("postgres: %d slow LLM calls kept their 20 s leases for 23 s; after kill -9 resumed and done in "
              "%lld ms",
              events, sinceKill.elapsed());
        QCOMPARE(test::count(*c.value(), "SELECT count(*) FROM enrichment_outputs"), events);
        second.terminate();
        QVERIFY(second.waitForFinished(30000));
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
