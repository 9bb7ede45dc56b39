// The salesflowd commands as an operator runs them, on SQLite and PostgreSQL:
// `cli_tests sqlite|postgres`. Exit codes: 0 ok, 1 runtime failure, 2 usage error.
#include "tests/support/httpclient.h"
#include "tests/support/llmemulator.h"
#include "tests/support/pgserver.h"
#include "tests/support/rawhttp.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

using namespace salesflow;
using test::runSalesflowd;

namespace {

/// AWS Transcribe job output of about `bytes`: words with two alternatives each.
QByteArray bigAwsTranscript(qsizetype bytes)
{
    QByteArray items;
    for (int i = 0; items.size() < bytes; ++i) {
        const QByteArray t = QByteArray::number(i * 0.3, 'f', 2);
        items += QByteArray(i ? "," : "") + "{\"type\":\"pronunciation\",\"start_time\":\"" + t + "\",\"end_time\":\""
            + t + "\",\"alternatives\":[{\"confidence\":\"0.98\",\"content\":\"word\"},"
            + "{\"confidence\":\"0.01\",\"content\":\"ward\"}]}";
    }
    return "{\"jobName\":\"big\",\"results\":{\"transcripts\":[{\"transcript\":\"word\"}],\"items\":[" + items + "]}}";
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    QString m_db;
    QTemporaryDir m_dir;

    QStringList withDb(QStringList args) const { return args << QStringLiteral("--db") << m_db; }

private Q_SLOTS:
    void init() { m_db = test::freshDbUrl(QStringLiteral("cli")); }

    void usageErrorsExitTwo()
    {
        QCOMPARE(runSalesflowd({}).exitCode, 2);
        QVERIFY(runSalesflowd({}).err.contains("usage: salesflowd"));
        QCOMPARE(runSalesflowd({QStringLiteral("--help")}).exitCode, 0);
        QCOMPARE(runSalesflowd({QStringLiteral("--version")}).exitCode, 0);
        QCOMPARE(runSalesflowd({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(runSalesflowd(withDb({QStringLiteral("token")})).exitCode, 2);
        QCOMPARE(runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("create")})).exitCode, 2);
        const auto replay
            = runSalesflowd(withDb({QStringLiteral("replay"), QStringLiteral("--status"), QStringLiteral("napping")}));
        QCOMPARE(replay.exitCode, 2);
        QVERIFY(replay.err.contains("unknown --status"));
        QCOMPARE(
            runSalesflowd(withDb({QStringLiteral("serve"), QStringLiteral("--role"), QStringLiteral("boss")})).exitCode,
            2);
    }

    void tokensAreCreatedAloneOnStdoutAndRevoked()
    {
        const auto migrated = runSalesflowd(withDb({QStringLiteral("migrate")}));
        QCOMPARE(migrated.exitCode, 0);
        QVERIFY(migrated.out.startsWith("schema at version "));
        const auto created
            = runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"),
                                    QStringLiteral("website"), QStringLiteral("--role"), QStringLiteral("ingest")}));
        QCOMPARE(created.exitCode, 0);
        const QByteArray token = created.out.trimmed();
        QVERIFY2(token.startsWith("sft_") && !token.contains('\n'),
                 created.out.constData()); // alone: scripts capture it
        QVERIFY(!created.err.contains(token)); // never in a log line
        const auto revoked
            = runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("revoke"), QStringLiteral("website")}));
        QCOMPARE(revoked.exitCode, 0);
        QVERIFY(revoked.out.contains("revoked 1 token(s) named website"));
        const auto again
            = runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("revoke"), QStringLiteral("website")}));
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains("no active token named 'website'"));
    }

    void usersAreAddedWithThePasswordOnStdin()
    {
        const QStringList add = withDb({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("rita"),
                                        QStringLiteral("--role"), QStringLiteral("reviewer")});
        const auto added = runSalesflowd(add, QProcessEnvironment::systemEnvironment(), "a long passphrase\n");
        QCOMPARE(added.exitCode, 0);
        QVERIFY(added.out.contains("added rita (reviewer)"));
        QVERIFY(!added.out.contains("passphrase") && !added.err.contains("passphrase"));
        QCOMPARE(runSalesflowd(add, QProcessEnvironment::systemEnvironment(), "another one\n").exitCode, 1); // taken
        const auto shortOne
            = runSalesflowd(withDb({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("sam"),
                                    QStringLiteral("--role"), QStringLiteral("viewer")}),
                            QProcessEnvironment::systemEnvironment(), "short\n");
        QCOMPARE(shortOne.exitCode, 2);
        QVERIFY(shortOne.err.contains("at least 8 characters"));
        QCOMPARE(
            runSalesflowd(withDb({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("rita")})).exitCode,
            0);
        const auto listed = runSalesflowd(withDb({QStringLiteral("user"), QStringLiteral("list")}));
        QCOMPARE(listed.out, QByteArray("rita\treviewer\tdisabled\n"));
        QVERIFY(runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"),
                                      QStringLiteral("site"), QStringLiteral("--role"), QStringLiteral("ingest")}))
                    .exitCode
                == 0);
        QCOMPARE(runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("list")})).out,
                 QByteArray("site\tingest\n"));
    }

    void promptVersionsAreCreatedShownAndActivated()
    {
        const QString dir = QDir::tempPath() + QStringLiteral("/salesflow-cli-prompt");
        QDir().mkpath(dir);
        const auto write = [&](const QString &name, const QByteArray &text) {
            QFile f(dir + QLatin1Char('/') + name);
            f.open(QIODevice::WriteOnly | QIODevice::Truncate);
            f.write(text);
            return f.fileName();
        };
        const QString bad = write(QStringLiteral("bad.prompt"), "### system\nBe brief.\n### user\n{{event.txet}}\n");
        const QString good = write(QStringLiteral("good.prompt"),
                                   "---\nsettings: {\"temperature\": 0}\n---\n### system\nBe brief.\n"
                                   "### user\n{{event.text}}\n");
        const auto refused = runSalesflowd(
            withDb({QStringLiteral("prompt"), QStringLiteral("create"), QStringLiteral("enrich"), bad}));
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("line 4, column 1: unknown placeholder {{event.txet}}"), refused.err.constData());
        const auto created
            = runSalesflowd(withDb({QStringLiteral("prompt"), QStringLiteral("create"), QStringLiteral("enrich"), good,
                                    QStringLiteral("--notes"), QStringLiteral("terse")}));
        QCOMPARE(created.exitCode, 0);
        QVERIFY2(created.out.contains("created enrich version 2 (not active"), created.out.constData());
        const auto activated = runSalesflowd(withDb(
            {QStringLiteral("prompt"), QStringLiteral("activate"), QStringLiteral("enrich"), QStringLiteral("2")}));
        QVERIFY2(activated.out.contains("enrich version 2 is active"), activated.err.constData());
        const auto listed = runSalesflowd(withDb({QStringLiteral("prompt"), QStringLiteral("list")}));
        QVERIFY2(listed.out.contains("enrich\t2\t2\t"), listed.out.constData());
        const auto shown
            = runSalesflowd(withDb({QStringLiteral("prompt"), QStringLiteral("show"), QStringLiteral("enrich"),
                                    QStringLiteral("--version"), QStringLiteral("2")}));
        QVERIFY2(shown.out.startsWith("* v2 ") && shown.out.contains("— terse")
                     && shown.out.contains("settings: {\"temperature\":0}") && shown.out.contains("{{event.text}}"),
                 shown.out.constData());
        QCOMPARE(runSalesflowd(withDb({QStringLiteral("prompt"), QStringLiteral("activate"), QStringLiteral("enrich"),
                                       QStringLiteral("two")}))
                     .exitCode,
                 2);
    }

    void importStatusAndReplayDryRun()
    {
        const QString file = m_dir.filePath(QStringLiteral("events.jsonl"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"submission_id\":\"i-1\",\"fields\":{\"email\":\"a@b.co\"}}\n"
                "{\"submission_id\":\"i-2\",\"fields\":{\"email\":\"c@d.co\"}}\n"
                "\n"
                "{not json\n"
                "{\"submission_id\":\"i-3\",\"fields\":{\"email\":\"e@f.co\"}}\n");
        f.close();
        const QStringList import
            = withDb({QStringLiteral("import"), file, QStringLiteral("--source"), QStringLiteral("form")});
        const auto first = runSalesflowd(import);
        QCOMPARE(first.exitCode, 1); // one line was refused, and said so
        QVERIFY2(first.out.contains("imported 3 new, 0 duplicate, 1 rejected"), first.out.constData());
        QVERIFY2(first.err.contains("line 4:"), first.err.constData());
        const auto second = runSalesflowd(import);
        QVERIFY2(second.out.contains("imported 0 new, 3 duplicate, 1 rejected"), second.out.constData());
        const auto status = runSalesflowd(withDb({QStringLiteral("status")}));
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.contains("events: 3\n") && status.out.contains("  received: 3\n"), status.out.constData());
        QVERIFY(status.out.contains("queue depth: 3\n"));
        // A dry run shows what a replay would change: never parsed, so everything is new.
        const auto dry = runSalesflowd(withDb({QStringLiteral("replay"), QStringLiteral("--status"),
                                               QStringLiteral("received"), QStringLiteral("--dry-run")}));
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.out.contains("dry run 1 done: 3 events, 3 would change, 0 failed"), dry.out.constData());
        QVERIFY2(dry.out.contains("  field normalised.kind: 3\n"), dry.out.constData());
        QVERIFY2(dry.out.contains("  HubSpot added note: 3\n"), dry.out.constData());
        QVERIFY2(dry.err.contains("replay 1: 3 of 3 done"), dry.err.constData()); // plain progress off a terminal
        const auto replay
            = runSalesflowd(withDb({QStringLiteral("replay"), QStringLiteral("--status"), QStringLiteral("received")}));
        QCOMPARE(replay.exitCode, 0);
        QVERIFY2(replay.out.contains("left alone (a job is still waiting): 3"), replay.out.constData());
        const auto missing
            = runSalesflowd(withDb({QStringLiteral("replay"), QStringLiteral("--event"), QStringLiteral("nope")}));
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.out.contains("no such event: nope"));
    }

    void hubspotSetupWithoutATokenSaysWhy()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HUBSPOT_ACCESS_TOKEN"));
        const auto r = runSalesflowd({QStringLiteral("hubspot"), QStringLiteral("setup")}, env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("HUBSPOT_ACCESS_TOKEN is not set"), r.err.constData());
    }

    void sigtermStopsWithinSecondsDuringAnLlmCall()
    {
        test::LlmEmulator emu;
        emu.start();
        emu.setDefaultDelayMs(120000); // a model that keeps the call open for two minutes
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("openai"));
        env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(emu.openaiKey));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), emu.openaiBaseUrl());
        env.insert(QStringLiteral("SALESFLOW_LLM_TIMEOUT_MS"), QStringLiteral("120000"));
        QVERIFY(runSalesflowd(withDb({QStringLiteral("migrate")}), env).exitCode == 0);
        const QByteArray token
            = runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"),
                                    QStringLiteral("w"), QStringLiteral("--role"), QStringLiteral("ingest")}),
                            env)
                  .out.trimmed();
        QProcess server;
        const quint16 port = test::startServe(server, withDb({}), env);
        QVERIFY2(port, server.readAllStandardError().constData());
        const auto posted
            = test::HttpClient("127.0.0.1", port)
                  .request("POST", "/v1/events/chat",
                           R"({"id":"c1","messages":[{"author":"visitor","text":"We need SSO, what does it cost?"}]})",
                           {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
        QCOMPARE(posted.status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(emu.requestCount() > 0, 20000); // the LLM call is out and waiting
        QElapsedTimer t;
        t.start();
        server.terminate(); // SIGTERM
        QVERIFY(server.waitForFinished(30000));
        qInfo() << "salesflowd stopped" << t.elapsed() << "ms after SIGTERM with an LLM call in flight";
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
        QVERIFY2(t.elapsed() < 10000, "SIGTERM waited for the LLM call instead of abandoning it");
    }

    void idleConnectionsAtTheDescriptorLimitDoNotLockEveryoneOut()
    {
        // 300 idle connections against a server allowed 256 descriptors: it caps what it
        // holds, does not spin on EMFILE, and answers again once the idle ones time out.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_HTTP_HEAD_TIMEOUT_MS"), QStringLiteral("1000"));
        QProcess server;
        server.setChildProcessModifier([] {
            const rlimit low{256, 256};
            ::setrlimit(RLIMIT_NOFILE, &low);
        });
        const quint16 port = test::startServe(server, withDb({}), env);
        QVERIFY2(port, server.readAllStandardError().constData());
        std::vector<std::unique_ptr<test::RawConnection>> idle;
        for (int i = 0; i < 300; ++i)
            idle.push_back(std::make_unique<test::RawConnection>(port));
        const double cpuBefore = cpuSeconds(server.processId());
        QTest::qWait(1500);
        const double cpu = cpuSeconds(server.processId()) - cpuBefore;
        qInfo() << "salesflowd used" << cpu << "s of CPU in 1.5 s holding 300 idle connections at 256 descriptors";
        QVERIFY2(cpu < 0.5, "the server spins while the descriptors are used up");
        QElapsedTimer t;
        t.start();
        int status = 0;
        while (status != 200 && t.elapsed() < 15000) {
            status = test::HttpClient("127.0.0.1", port).request("GET", "/healthz", {}, {}, 2000).status;
            if (status != 200)
                QTest::qWait(200);
        }
        qInfo() << "/healthz answered" << t.elapsed() << "ms after the CPU check";
        QCOMPARE(status, 200);
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
    }

    void logLinesCarryTheFieldsShippersExpectAndEmfMetrics()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.access.info=true"));
        env.insert(QStringLiteral("SALESFLOW_EMF_INTERVAL_S"), QStringLiteral("1"));
        const QByteArray token = createToken(QStringLiteral("site"), QStringLiteral("ingest"));
        QProcess server;
        const quint16 port = test::startServe(server, withDb({}), env);
        QVERIFY2(port, server.readAllStandardError().constData());
        const auto posted = test::HttpClient("127.0.0.1", port)
                                .request("POST", "/v1/events/chat",
                                         R"({"id":"log1","messages":[{"author":"visitor","text":"Pricing?"}]})",
                                         {{"Content-Type", "application/json"},
                                          {"Authorization", "Bearer " + token},
                                          {"X-Request-Id", "req-42"},
                                          {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
        QCOMPARE(posted.status, 202);
        QCOMPARE(posted.header("X-Request-Id"), QByteArray("req-42"));
        const QByteArray made = test::HttpClient("127.0.0.1", port).request("GET", "/healthz").header("X-Request-Id");
        QVERIFY2(made.size() == 16, made.constData()); // none given: one is made up and answered
        // Refused by its head alone (no such route), before any handler: still traceable.
        const auto refused
            = test::HttpClient("127.0.0.1", port).request("GET", "/v1/nowhere", {}, {{"X-Request-Id", "req-43"}});
        QCOMPARE(refused.status, 404);
        QCOMPARE(refused.header("X-Request-Id"), QByteArray("req-43"));
        const QString eventId = QJsonDocument::fromJson(posted.body).object().value(QLatin1String("id")).toString();
        const auto broken = test::HttpClient("127.0.0.1", port)
                                .request("POST", "/v1/events/transcript", "not a transcript",
                                         {{"Content-Type", "text/vtt"}, {"Authorization", "Bearer " + token}});
        QCOMPARE(broken.status, 202); // stored raw first; normalise fails it
        const QString brokenId = QJsonDocument::fromJson(broken.body).object().value(QLatin1String("id")).toString();
        QTest::qWait(2500); // two EMF periods
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
        QJsonObject access, emf, failed;
        for (const QByteArray &line : server.readAllStandardError().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (line.trimmed().isEmpty())
                continue;
            QVERIFY2(!o.isEmpty(), line.constData()); // every line is one JSON object
            if (o.contains(QLatin1String("_aws")))
                emf = o;
            else if (o.value(QLatin1String("request_id")).toString() == QLatin1String("req-42"))
                access = o;
            else if (o.value(QLatin1String("event_id")).toString() == brokenId
                     && o.value(QLatin1String("category")).toString() == QLatin1String("salesflow.pipeline"))
                failed = o; // not its access line, which may come before or after
            else
                QVERIFY2(o.contains(QLatin1String("timestamp")) && o.contains(QLatin1String("level")),
                         line.constData());
        }
        QVERIFY(!access.isEmpty());
        QCOMPARE(access.value(QLatin1String("category")).toString(), QStringLiteral("salesflow.access"));
        QCOMPARE(access.value(QLatin1String("event_id")).toString(), eventId);
        QCOMPARE(access.value(QLatin1String("trace_id")).toString(),
                 QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(access.value(QLatin1String("role")).toString(), QStringLiteral("all"));
        QVERIFY(
            access.value(QLatin1String("message")).toString().startsWith(QLatin1String("POST /v1/events/chat 202")));
        QVERIFY(
            QDateTime::fromString(access.value(QLatin1String("timestamp")).toString(), Qt::ISODateWithMs).isValid());
        // A stage's lines name the event and the stage: one event's path is one filter away.
        QCOMPARE(failed.value(QLatin1String("stage")).toString(), QStringLiteral("normalise"));
        QCOMPARE(failed.value(QLatin1String("level")).toString(), QStringLiteral("warning"));
        QVERIFY(
            failed.value(QLatin1String("message")).toString().startsWith(QLatin1String("event failed at normalise")));
        QVERIFY2(!emf.isEmpty(), "no EMF line in 2.5 s at SALESFLOW_EMF_INTERVAL_S=1");
        const QJsonObject directive = emf.value(QLatin1String("_aws"))
                                          .toObject()
                                          .value(QLatin1String("CloudWatchMetrics"))
                                          .toArray()[0]
                                          .toObject();
        QCOMPARE(directive.value(QLatin1String("Namespace")).toString(), QStringLiteral("SalesFlow"));
        for (const QJsonValue &m : directive.value(QLatin1String("Metrics")).toArray()) {
            const QString name = m.toObject().value(QLatin1String("Name")).toString();
            QVERIFY2(emf.value(name).isDouble(), qPrintable(name)); // each declared metric has its value
        }
        QVERIFY(emf.contains(QLatin1String("QueueDepth")) && emf.contains(QLatin1String("LlmErrors")));
    }

    void aWorkerListensOnlyForProbesAndScrapes()
    {
        QVERIFY(runSalesflowd(withDb({QStringLiteral("migrate")})).exitCode == 0);
        const QByteArray viewer = createToken(QStringLiteral("prom"), QStringLiteral("viewer"));
        QProcess worker;
        const quint16 port = test::startServe(worker, withDb({QStringLiteral("--role"), QStringLiteral("worker")}));
        QVERIFY2(port, worker.readAllStandardError().constData());
        test::HttpClient http("127.0.0.1", port);
        QCOMPARE(http.request("GET", "/healthz").status, 200);
        QCOMPARE(http.request("GET", "/readyz").status, 200);
        const auto metrics = http.request("GET", "/metrics", {}, {{"Authorization", "Bearer " + viewer}});
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.body.contains("salesflow_queue_jobs"));
        QCOMPARE(http.request("GET", "/v1/events", {}, {{"Authorization", "Bearer " + viewer}}).status, 404);
        const auto refused = test::HttpClient("127.0.0.1", port)
                                 .request("POST", "/v1/events/chat", "{}", {{"Authorization", "Bearer " + viewer}});
        QCOMPARE(refused.status, 404);
        worker.terminate();
        QVERIFY(worker.waitForFinished(30000));
        QCOMPARE(worker.exitCode(), 0);
    }

    void secretsAreReadFromFilesNamedByFileVariables()
    {
        QFile dbFile(m_dir.filePath(QStringLiteral("db-url")));
        QVERIFY(dbFile.open(QIODevice::WriteOnly));
        dbFile.write(m_db.toUtf8() + "\n"); // as `echo URL > file` writes it
        dbFile.close();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_DB_FILE"), dbFile.fileName());
        env.remove(QStringLiteral("SALESFLOW_DB"));
        const auto migrated = runSalesflowd({QStringLiteral("migrate")}, env);
        QCOMPARE(migrated.exitCode, 0);
        QCOMPARE(runSalesflowd({QStringLiteral("token"), QStringLiteral("list")}, env).exitCode, 0);
        env.insert(QStringLiteral("OPENAI_API_KEY_FILE"), m_dir.filePath(QStringLiteral("missing")));
        const auto unreadable = runSalesflowd({QStringLiteral("status")}, env);
        QCOMPARE(unreadable.exitCode, 2);
        QVERIFY2(unreadable.err.contains("OPENAI_API_KEY_FILE: cannot read"), unreadable.err.constData());
        QFile empty(m_dir.filePath(QStringLiteral("empty-key")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write("\n"); // a secret file left half-written
        empty.close();
        env.insert(QStringLiteral("OPENAI_API_KEY_FILE"), empty.fileName());
        const auto blank = runSalesflowd({QStringLiteral("status")}, env);
        QCOMPARE(blank.exitCode, 2);
        QVERIFY2(blank.err.contains("OPENAI_API_KEY_FILE: ") && blank.err.contains("is empty"), blank.err.constData());
        env.remove(QStringLiteral("OPENAI_API_KEY_FILE"));
        env.insert(QStringLiteral("SALESFLOW_DB"), m_db);
        const auto both = runSalesflowd({QStringLiteral("status")}, env);
        QCOMPARE(both.exitCode, 2);
        QVERIFY2(both.err.contains("SALESFLOW_DB and SALESFLOW_DB_FILE are both set"), both.err.constData());
        QVERIFY(!both.err.contains(m_db.toUtf8()));
    }

    void metricsSayTheStoreIsDownWhileItIs()
    {
        // What SalesFlowStoreUnreachable alerts on: a scrape during a database outage still
        // answers, with salesflow_store_up 0 (the scraper's token was vouched for before).
        if (!test::isPostgres())
            QSKIP("a database outage is a PostgreSQL matter");
        test::PgServer pg;
        QVERIFY2(pg.start(), qPrintable(pg.error()));
        m_db = pg.createDatabase(QStringLiteral("outage"));
        const QByteArray viewer = createToken(QStringLiteral("prometheus"), QStringLiteral("viewer"));
        QProcess server;
        const quint16 port = test::startServe(server, withDb({QStringLiteral("--role"), QStringLiteral("api")}));
        QVERIFY2(port, server.readAllStandardError().constData());
        const auto scrape = [&] {
            return test::HttpClient("127.0.0.1", port)
                .request("GET", "/metrics", {}, {{"Authorization", "Bearer " + viewer}});
        };
        QVERIFY(scrape().body.contains("salesflow_store_up 1"));
        pg.stop();
        const auto during = scrape();
        QCOMPARE(during.status, 200);
        QVERIFY2(during.body.contains("salesflow_store_up 0"), during.body.constData());
        QCOMPARE(test::HttpClient("127.0.0.1", port)
                     .request("GET", "/metrics", {}, {{"Authorization", "Bearer sft_never_seen"}})
                     .status,
                 503); // a token the store never vouched for is not let in
        QVERIFY(pg.restart());
        QTRY_VERIFY_WITH_TIMEOUT(scrape().body.contains("salesflow_store_up 1"), 20000);
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
    }

    void bodyLimitsArePerSource()
    {
        // A 2.5-minute stereo call with alternatives is ~1.3 MB of AWS Transcribe JSON: over the
        // general 1 MiB limit, within the transcript source's 16 MiB.
        const QByteArray aws = bigAwsTranscript(1300 * 1000);
        const QByteArray chat
            = "{\"id\":\"big\",\"messages\":[{\"author\":\"a\",\"text\":\"" + QByteArray(1300 * 1000, 'x') + "\"}]}";
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SALESFLOW_MAX_BODY"));
        const QByteArray token = createToken(QStringLiteral("big"), QStringLiteral("ingest"));
        QProcess server;
        quint16 port = test::startServe(server, withDb({}), env);
        QVERIFY2(port, server.readAllStandardError().constData());
        const auto post = [&](const char *path, const QByteArray &body) {
            return test::HttpClient("127.0.0.1", port)
                .request("POST", path, body,
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}})
                .status;
        };
        // A refusal by Content-Length is answered before the body is read and the connection
        // closed: the head alone is sent, so a client still writing cannot miss the answer.
        const auto refusedHead = [&](const char *path, qsizetype length) {
            test::RawConnection c(port);
            c.send(QByteArray("POST ") + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                   + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(length)
                   + "\r\n\r\n");
            const auto r = c.read(1, 10000);
            return r.isEmpty() ? 0 : r.first().status;
        };
        QCOMPARE(post("/v1/events/transcript", aws), 202);
        QCOMPARE(refusedHead("/v1/events/chat", chat.size()), 413);
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
        env.insert(QStringLiteral("SALESFLOW_MAX_BODY_TRANSCRIPT"), QStringLiteral("500000"));
        env.insert(QStringLiteral("SALESFLOW_MAX_BODY_CHAT"), QStringLiteral("2000000"));
        port = test::startServe(server, withDb({}), env);
        QVERIFY2(port, server.readAllStandardError().constData());
        QCOMPARE(refusedHead("/v1/events/transcript", aws.size()), 413);
        QCOMPARE(post("/v1/events/chat", chat), 202);
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
    }

    void theSdksTeamsRunSendUnchanged()
    {
        // @segment/analytics-node and @rudderstack/rudder-sdk-node from npm (tests/senders,
        // installed by .ci/deps), pointed at salesflowd with an ingest token as the write key.
        const QString senders = QStringLiteral(SALESFLOW_SENDERS_DIR);
        if (!QFile::exists(senders + QStringLiteral("/node_modules/@segment/analytics-node/package.json")))
            QSKIP("the SDKs are not installed: run .ci/deps (npm ci in tests/senders)");
        const QByteArray token = createToken(QStringLiteral("sdk"), QStringLiteral("ingest"));
        const QByteArray viewer = createToken(QStringLiteral("look"), QStringLiteral("viewer"));
        QProcess server;
        const quint16 port = test::startServe(server, withDb({}));
        QVERIFY2(port, server.readAllStandardError().constData());
        QProcess node;
        node.setWorkingDirectory(senders);
        node.start(QStringLiteral("node"),
                   {QStringLiteral("send.cjs"), QStringLiteral("http://127.0.0.1:%1").arg(port),
                    QString::fromLatin1(token), QStringLiteral("ci")});
        QVERIFY(node.waitForFinished(90000));
        const QByteArray said = node.readAllStandardOutput() + node.readAllStandardError();
        QVERIFY2(node.exitCode() == 0, said.constData());
        const auto events = [&] {
            return QJsonDocument::fromJson(test::HttpClient("127.0.0.1", port)
                                               .request("GET", "/v1/events?source=product&limit=200", {},
                                                        {{"Authorization", "Bearer " + viewer}})
                                               .body)
                .object()
                .value(QLatin1String("items"))
                .toArray();
        };
        QCOMPARE(events().size(), 16); // eight calls through each SDK, each stored once
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
    }

    void segmentsHttpApiAnswersWhatSendersRetryOn()
    {
        const QByteArray token = createToken(QStringLiteral("seg"), QStringLiteral("ingest"));
        QProcess server;
        const quint16 port = test::startServe(server, withDb({}));
        QVERIFY2(port, server.readAllStandardError().constData());
        const QByteArray basic = "Basic " + QByteArray(token + ":").toBase64();
        const QByteArray batch = "{\"batch\":[{\"type\":\"track\",\"messageId\":\"r1\",\"userId\":\"u\","
                                 "\"event\":\"A\"}],\"writeKey\":\""
            + token + "\"}";
        const auto post = [&](const char *path, const QByteArray &body, const QByteArray &auth) {
            QList<QPair<QByteArray, QByteArray>> h{{"Content-Type", "application/json"}};
            if (!auth.isEmpty())
                h.append({"Authorization", auth});
            return test::HttpClient("127.0.0.1", port).request("POST", path, body, h);
        };
        QCOMPARE(post("/v1/batch", batch, basic).status, 200);
        const auto again = post("/v1/batch", batch, {}); // the key in the body, as analytics-node sends it
        QCOMPARE(again.status, 200);
        QVERIFY(QJsonDocument::fromJson(again.body)
                    .object()
                    .value(QLatin1String("items"))
                    .toArray()[0]
                    .toObject()
                    .value(QLatin1String("duplicate"))
                    .toBool()); // a retry is not a second event
        // A batch with one message already taken and one new: each answered for itself, in order.
        const QByteArray mixed = "{\"batch\":[{\"type\":\"track\",\"messageId\":\"r1\",\"userId\":\"u\","
                                 "\"event\":\"A\"},{\"type\":\"track\",\"messageId\":\"r3\",\"userId\":\"u\","
                                 "\"event\":\"C\"}]}";
        const auto both = post("/v1/batch", mixed, basic);
        QCOMPARE(both.status, 200);
        const QJsonArray items = QJsonDocument::fromJson(both.body).object().value(QLatin1String("items")).toArray();
        QCOMPARE(items.size(), 2);
        QVERIFY(items[0].toObject().value(QLatin1String("duplicate")).toBool());
        QCOMPARE(items[0].toObject().value(QLatin1String("id")),
                 QJsonDocument::fromJson(again.body)
                     .object()
                     .value(QLatin1String("items"))
                     .toArray()[0]
                     .toObject()
                     .value(QLatin1String("id")));
        QVERIFY(!items[1].toObject().value(QLatin1String("duplicate")).toBool());
        QCOMPARE(post("/v1/track", "{\"userId\":\"u\",\"event\":\"B\",\"messageId\":\"r2\"}", basic).status, 200);
        QCOMPARE(post("/v1/batch", batch, "Basic " + QByteArray("sft_wrong:").toBase64()).status, 401);
        QCOMPARE(post("/v1/batch", "{\"batch\":", basic).status, 400); // malformed: no retry
        QCOMPARE(post("/v1/identify", "[1]", basic).status, 400); // not a message at all
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
        QVERIFY(!server.readAllStandardError().contains(token)); // the key never reaches the log
    }

    void aStopAnswersWaitingChangeFeedsFirst()
    {
        // A rolling restart: desktops wait in 30-second long polls. SIGTERM answers them with
        // what changed so far (they poll again elsewhere) instead of dropping them unanswered.
        const QByteArray viewer = createToken(QStringLiteral("desk"), QStringLiteral("viewer"));
        QProcess server;
        const quint16 port = test::startServe(server, withDb({}));
        QVERIFY2(port, server.readAllStandardError().constData());
        const QList<QPair<QByteArray, QByteArray>> auth{{"Authorization", "Bearer " + viewer}};
        const QByteArray cursor
            = QJsonDocument::fromJson(test::HttpClient("127.0.0.1", port).request("GET", "/v1/changes", {}, auth).body)
                  .object()
                  .value(QLatin1String("cursor"))
                  .toString()
                  .toUtf8();
        QVERIFY(!cursor.isEmpty());
        test::HttpResponse waited;
        std::thread poll([&] {
            waited = test::HttpClient("127.0.0.1", port)
                         .request("GET", "/v1/changes?wait_ms=30000&after=" + cursor, {}, auth, 40000);
        });
        QTest::qWait(500); // the poll is waiting
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
        poll.join();
        QCOMPARE(waited.status, 200);
        const QByteArray log = server.readAllStandardError();
        QVERIFY2(!log.contains("unanswered"), log.constData());
    }

    void readinessIsAnnouncedToSystemdOnceReady()
    {
        // What systemd does for Type=notify: a datagram socket named by NOTIFY_SOCKET.
        const QByteArray path = QFile::encodeName(m_dir.filePath(QStringLiteral("notify.sock")));
        QFile::remove(QString::fromLocal8Bit(path));
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), QString::fromLocal8Bit(path));
        QProcess server;
        const quint16 port = test::startServe(server, withDb({}), env);
        QVERIFY2(port, server.readAllStandardError().constData());
        const QByteArray ready = receiveDatagram(fd, 10000);
        QVERIFY2(ready.contains("READY=1"), ready.constData());
        // Ready means what /readyz says, at once.
        QCOMPARE(test::HttpClient("127.0.0.1", port).request("GET", "/readyz").status, 200);
        server.terminate();
        const QByteArray stopping = receiveDatagram(fd, 10000);
        QVERIFY2(stopping.contains("STOPPING=1"), stopping.constData());
        QVERIFY(server.waitForFinished(30000));
        QCOMPARE(server.exitCode(), 0);
        ::close(fd);
    }

private:
    /// One datagram from `fd` within `timeoutMs`; empty when none came.
    static QByteArray receiveDatagram(int fd, int timeoutMs)
    {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) != 1)
            return {};
        char buf[512];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        return n > 0 ? QByteArray(buf, int(n)) : QByteArray();
    }

    QByteArray createToken(const QString &name, const QString &role) const
    {
        return runSalesflowd(withDb({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"), name,
                                     QStringLiteral("--role"), role}))
            .out.trimmed();
    }

    /// User and system CPU time of a process so far, from /proc.
    static double cpuSeconds(qint64 pid)
    {
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return 0;
        const QByteArray stat = f.readAll();
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    test::setBackend(args.size() > 1 && !args[1].startsWith(QLatin1Char('-')) ? args.takeAt(1)
                                                                              : QStringLiteral("sqlite"));
    TestCli cli;
    return QTest::qExec(&cli, args);
}

#include "tst_cli.moc"
