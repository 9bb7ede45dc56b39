// Replays against the HubSpot emulator: a dry run of a thousand events with a changed prompt
// leaves every table it must not touch byte-identical and calls HubSpot not once; the real replay
// after it sends exactly the actions the dry run said would change, and creates nothing twice.
#include "tst_suites.h"

#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "tests/support/apiserve.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/httpclient.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/hubspotfixture.h"
#include "tests/support/llmemulator.h"
#include "tests/support/testbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QtTest>

using namespace salesflow;
using test::await;

namespace {

constexpr int kEvents = 1000;

/// The tables a dry run must not touch, whole (audit: all but the replay's own entries).
QByteArray footprint(store::Connection &c)
{
    QByteArray out;
    for (const char *table : {"raw_events", "normalised_events", "crm_entities", "enrichment_outputs", "crm_actions",
                              "crm_action_results", "jobs", "hubspot_state", "hubspot_calls", "prompt_versions"})
        out += test::dump(c, table, QByteArray("SELECT * FROM ") + table + " ORDER BY 1");
    out += test::dump(c, "audit_logs", "SELECT * FROM audit_logs WHERE action NOT LIKE 'replay.%' ORDER BY id");
    return out;
}

void waitUntilAllDone(store::Database &db, int events)
{
    QTRY_VERIFY_WITH_TIMEOUT(test::count(db, "SELECT count(*) FROM raw_events WHERE status = 'done'") == events
                                 && test::count(db, "SELECT count(*) FROM jobs") == 0,
                             240000);
}

ReplayInfo finished(LocalEngine &e, const QString &id)
{
    for (int i = 0; i < 6000; ++i) {
        auto page = await(e.replay(test::caller(), id, ReplayItemQuery{1, {}, false}));
        if (page && page->replay.status != QLatin1String("running")
            && page->replay.status != QLatin1String("selecting"))
            return page->replay;
        QThread::msleep(50);
    }
    qFatal("replay %s did not finish", qPrintable(id));
    return {};
}

/// Every item of a replay, in order.
QList<ReplayItem> allItems(LocalEngine &e, const QString &id)
{
    QList<ReplayItem> out;
    ReplayItemQuery q{1000, {}, false};
    for (;;) {
        auto page = await(e.replay(test::caller(), id, q));
        if (!page)
            qFatal("%s", qPrintable(page.error().message));
        out += page->items;
        if (page->next.isEmpty())
            return out;
        q.after = page->next;
    }
}

/// The emulator's write calls after the first `from` exchanges, by path.
QMap<QString, int> writesSince(const test::HubSpotEmulator &emu, int from)
{
    QMap<QString, int> out;
    const auto log = emu.exchanges();
    for (qsizetype i = from; i < log.size(); ++i) {
        if (log.at(i).method != "GET")
            out[QString::fromLatin1(log.at(i).path)] += 1;
    }
    return out;
}

} // namespace

void TestReplay::dryRunChangesNothingAndTheRealRunSendsOnlyTheChanges()
{
    test::HubSpotEmulator emu;
    QVERIFY(emu.start());
    Config cfg = test::hubspotConfig(emu);
    cfg.hubspotVerify = 0; // reads back would blur the count of writes
    cfg.dbUrl = test::freshDbUrl(QStringLiteral("replay"));
    auto engine = test::openEngine(cfg, {}, test::allStages());
    auto c = engine->database()->acquire();
    QVERIFY(test::runSetup(cfg, *c.value()).ok());
    for (int from = 0; from < kEvents; from += 100) {
        QList<IngestItem> items;
        for (int i = from; i < from + 100; ++i)
            items.append(IngestItem{QStringLiteral("chat"), "application/json", test::chat(i), {}});
        QVERIFY(await(engine->ingest(test::caller(), items)).ok());
    }
    waitUntilAllDone(*engine->database(), kEvents);
    const qsizetype notes = emu.objects(QStringLiteral("notes")).size();
    const qsizetype tasks = emu.objects(QStringLiteral("tasks")).size();
    QCOMPARE(notes, kEvents);

    // A new version of the prompt (same text: the offline analyser answers the same).
    auto active = await(engine->prompt(test::caller(), QStringLiteral("enrich")));
    const PromptVersionInfo v1 = active->versions.first();
    QVERIFY(await(engine->createPromptVersion(test::caller(), QStringLiteral("enrich"),
                                              {v1.templateText, v1.settings, QStringLiteral("v2")}))
                .ok());
    const QByteArray before = footprint(*c.value());
    const int callsBefore = emu.calls();
    ReplayRequest r;
    r.status = EventStatus::Done;
    r.fromStage = QStringLiteral("enrich");
    r.promptVersion = 2;
    r.dryRun = true;
    auto dry = await(engine->startReplay(test::caller(), r));
    QVERIFY2(dry.ok(), qPrintable(dry.error().message));
    const ReplayInfo dryDone = finished(*engine, dry->id);
    QCOMPARE(dryDone.status, QStringLiteral("done"));
    QCOMPARE(dryDone.total, kEvents);
    QCOMPARE(dryDone.failed, 0);
    QCOMPARE(dryDone.changed, kEvents);
    for (const ReplayItem &item : allItems(*engine, dry->id)) {
        QVERIFY2(item.fields.isEmpty(), // the same analysis
                 qPrintable(item.fields.isEmpty() ? QString() : item.fields.first().field));
        QCOMPARE(item.actions.size(), 1); // only the note, whose footer names the prompt version
        QCOMPARE(item.actions.first().change, QStringLiteral("changed"));
        QCOMPARE(item.actions.first().kind, QStringLiteral("note"));
        QCOMPARE(item.actions.first().properties.size(), 1);
        QCOMPARE(item.actions.first().properties.first().field, QStringLiteral("hs_note_body"));
    }
    QCOMPARE(emu.calls(), callsBefore);
    QCOMPARE(footprint(*c.value()), before);

    // A cancel stops it after the batch in hand; what was done stays, nothing more happens.
    auto stopped = await(engine->startReplay(test::caller(), r));
    QVERIFY(stopped.ok());
    auto cancelled = await(engine->cancelReplay(test::caller(), stopped->id));
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.error().message));
    QCOMPARE(cancelled->status, QStringLiteral("cancelled"));
    QThread::msleep(300); // the batch in hand, if any, ends
    const qint64 doneAtCancel = finished(*engine, stopped->id).done;
    QVERIFY2(doneAtCancel < kEvents, "the cancel came after the whole replay");
    QThread::msleep(500);
    QCOMPARE(finished(*engine, stopped->id).done, doneAtCancel);
    QCOMPARE(await(engine->cancelReplay(test::caller(), stopped->id)).error().httpStatus, 409);
    QCOMPARE(footprint(*c.value()), before);

    // The real run sends what the dry run showed, and nothing else.
    const int logBefore = int(emu.exchanges().size());
    r.dryRun = false;
    auto real = await(engine->startReplay(test::caller(), r));
    QVERIFY2(real.ok(), qPrintable(real.error().message));
    QCOMPARE(finished(*engine, real->id).done, kEvents);
    waitUntilAllDone(*engine->database(), kEvents);
    const QMap<QString, int> writes = writesSince(emu, logBefore);
    QVERIFY2(!writes.isEmpty(), "the changed notes were not sent");
    for (auto it = writes.cbegin(); it != writes.cend(); ++it)
        QVERIFY2(it.key().contains(QStringLiteral("/notes/")), qPrintable(it.key())); // no task, contact or company
    QCOMPARE(emu.objects(QStringLiteral("notes")).size(), notes); // updated in place, none created
    QCOMPARE(emu.objects(QStringLiteral("tasks")).size(), tasks);
    QCOMPARE(test::count(*c.value(),
                         "SELECT count(*) FROM crm_actions WHERE kind = 'note' AND status = 'done'"
                         " AND payload LIKE '%prompt enrich v2%'"),
             kEvents);
    engine->stop();
}

namespace {

QJsonObject json(const test::HttpResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

/// Polls GET /v1/replays/{id} until it has finished; answers the last page.
QJsonObject replayFinished(quint16 port, const QString &id, const QByteArray &token)
{
    for (int i = 0; i < 1200; ++i) {
        const QJsonObject r
            = json(test::callServing(port, "GET", "/v1/replays/" + id.toUtf8() + "?limit=100", {}, token));
        const QString status = r.value(QLatin1String("status")).toString();
        if (status != QLatin1String("running") && status != QLatin1String("selecting"))
            return r;
        QThread::msleep(50);
    }
    qFatal("replay %s did not finish", qPrintable(id));
    return {};
}

/// Writes HubSpot received after the first `from` exchanges that mention `text`.
int writesMentioning(const test::HubSpotEmulator &emu, int from, const QString &text)
{
    int n = 0;
    const auto log = emu.exchanges();
    for (qsizetype i = from; i < log.size(); ++i)
        n += log.at(i).method != "GET" && log.at(i).body.contains(text.toUtf8()) ? 1 : 0;
    return n;
}

} // namespace

namespace {

/// The incident of the done-when script: three events failed by the LLM, two written, a server.
struct Incident
{
    test::HubSpotEmulator hubspot;
    test::LlmEmulator llm;
    std::unique_ptr<LocalEngine> engine;
    std::unique_ptr<http::ApiListener> server;
    quint16 port = 0;
    QByteArray admin;
    QStringList ids;
    qsizetype notesBefore = 0;

    test::HttpResponse call(const QByteArray &method, const QByteArray &path, const QJsonObject &body = {})
    {
        return test::callServing(port, method, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(),
                                 admin);
    }
    qint64 count(const QByteArray &sql) { return test::count(*engine->database(), sql); }
};

void startIncident(Incident &f)
{
    QVERIFY(f.hubspot.start());
    QVERIFY(f.llm.start());
    Config cfg = test::hubspotConfig(f.hubspot);
    cfg.hubspotVerify = 0;
    cfg.llm = QStringLiteral("openai");
    cfg.openaiApiKey = f.llm.openaiKey;
    cfg.openaiBaseUrl = f.llm.openaiBaseUrl();
    cfg.llmConcurrency = 1;
    cfg.maxAttempts = 1;
    cfg.dbUrl = test::freshDbUrl(QStringLiteral("incident"));
    for (int i = 0; i < 3; ++i)
        f.llm.script(test::LlmEmulator::Api::OpenAi,
                     {test::LlmEmulator::Step::Status, 400, "invalid_request_error", "bad_prompt", {}, 0, {}});
    f.engine = test::openEngine(cfg, {}, test::allStages());
    QVERIFY(test::runSetup(cfg, *f.engine->database()->acquire().value()).ok());
    f.server = test::serveApi(f.engine.get(), f.engine.get(), http::ApiServer::Options{}, &f.port);
    f.admin = test::createToken(*f.engine, QStringLiteral("ops"), Role::Admin);
    for (int i = 0; i < 5; ++i) {
        const auto r = test::callServing(f.port, "POST", "/v1/events/chat", test::chat(100 + i), f.admin);
        QCOMPARE(r.status, 202);
        f.ids << json(r).value(QLatin1String("id")).toString();
        QTRY_VERIFY_WITH_TIMEOUT(f.count("SELECT count(*) FROM jobs") == 0, 30000);
    }
    QCOMPARE(f.count("SELECT count(*) FROM raw_events WHERE status = 'failed'"), 3);
    QCOMPARE(f.count("SELECT count(*) FROM raw_events WHERE status = 'done'"), 2);
    f.notesBefore = f.hubspot.objects(QStringLiteral("notes")).size();
}

/// A new version, tested on three real events beside the active one, then activated.
void tuneThePrompt(Incident &f)
{
    const QJsonObject v1
        = json(f.call("GET", "/v1/prompts/enrich")).value(QLatin1String("versions")).toArray().first().toObject();
    const auto created = f.call("POST", "/v1/prompts/enrich/versions",
                                {{QStringLiteral("template"), v1.value(QLatin1String("template"))},
                                 {QStringLiteral("settings"), v1.value(QLatin1String("settings"))},
                                 {QStringLiteral("notes"), QStringLiteral("after the incident")}});
    QCOMPARE(created.status, 201);
    QCOMPARE(json(created).value(QLatin1String("version")).toInt(), 2);
    const auto tested = f.call("POST", "/v1/prompts/enrich/versions/2/test",
                               {{QStringLiteral("events"), QJsonArray{f.ids.at(0), f.ids.at(3), f.ids.at(4)}}});
    QCOMPARE(tested.status, 200);
    const QJsonArray events = json(tested).value(QLatin1String("events")).toArray();
    QCOMPARE(events.size(), 3);
    for (const QJsonValue &e : events) {
        const QJsonObject o = e.toObject();
        QVERIFY2(o.value(QLatin1String("error")).isNull(), qPrintable(o.value(QLatin1String("error")).toString()));
        QVERIFY(!o.value(QLatin1String("candidate")).toObject().value(QLatin1String("summary")).toString().isEmpty());
        QVERIFY(!o.value(QLatin1String("active")).toObject().value(QLatin1String("summary")).toString().isEmpty());
        QVERIFY(!o.value(QLatin1String("candidate_actions")).toArray().isEmpty());
    }
    QVERIFY(json(tested).value(QLatin1String("tokens")).toObject().value(QLatin1String("input")).toInt() > 0);
    QCOMPARE(f.hubspot.objects(QStringLiteral("notes")).size(), f.notesBefore); // a test sends nothing
    QCOMPARE(f.call("POST", "/v1/prompts/enrich/versions/2/activate").status, 200);
}

/// Last week's failed events: a dry run first, then the replay, which sends only their writes.
void replayTheFailed(Incident &f)
{
    QJsonObject ask{{QStringLiteral("status"), QStringLiteral("failed")},
                    {QStringLiteral("since"), QDateTime::currentDateTimeUtc().addDays(-7).toString(Qt::ISODate)},
                    {QStringLiteral("dry_run"), true}};
    auto dry = f.call("POST", "/v1/replays", ask);
    QCOMPARE(dry.status, 202);
    const QJsonObject dryDone = replayFinished(f.port, json(dry).value(QLatin1String("id")).toString(), f.admin);
    QCOMPARE(dryDone.value(QLatin1String("status")).toString(), QStringLiteral("done"));
    QCOMPARE(dryDone.value(QLatin1String("total")).toInt(), 3);
    QCOMPARE(dryDone.value(QLatin1String("changed")).toInt(), 3);
    for (const QJsonValue &v : dryDone.value(QLatin1String("items")).toArray()) {
        const QJsonObject item = v.toObject();
        QCOMPARE(item.value(QLatin1String("from")).toString(), QStringLiteral("enrich")); // where each failed
        const QJsonObject summary = item.value(QLatin1String("fields")).toArray().at(0).toObject();
        QVERIFY(summary.value(QLatin1String("before")).isNull()); // nothing usable before
        QVERIFY(!summary.value(QLatin1String("after")).toString().isEmpty());
        QCOMPARE(item.value(QLatin1String("actions")).toArray().first().toObject().value(QLatin1String("change")),
                 QJsonValue(QStringLiteral("added")));
    }
    QCOMPARE(f.hubspot.objects(QStringLiteral("notes")).size(), f.notesBefore);
    const int logBefore = int(f.hubspot.exchanges().size());
    ask.insert(QStringLiteral("dry_run"), false);
    auto real = f.call("POST", "/v1/replays", ask);
    QCOMPARE(real.status, 202);
    QCOMPARE(replayFinished(f.port, json(real).value(QLatin1String("id")).toString(), f.admin)
                 .value(QLatin1String("done"))
                 .toInt(),
             3);
    QTRY_COMPARE_WITH_TIMEOUT(f.count("SELECT count(*) FROM raw_events WHERE status = 'done'"), 5, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(f.hubspot.objects(QStringLiteral("notes")).size(), f.notesBefore + 3, 30000);
    for (int i = 3; i < 5; ++i) // the events that were fine: nothing sent for them
        QCOMPARE(writesMentioning(f.hubspot, logBefore, f.ids.at(i)), 0);
}

/// All of it in the audit, and /metrics as Prometheus reads it.
void readTheAuditAndMetrics(Incident &f)
{
    for (const char *action : {"prompt.create", "prompt.test", "prompt.activate", "replay.start", "replay.finish"})
        QVERIFY2(!json(f.call("GET", QByteArray("/v1/audit?action=") + action))
                      .value(QLatin1String("items"))
                      .toArray()
                      .isEmpty(),
                 action);
    const auto metrics = f.call("GET", "/metrics");
    QVERIFY(metrics.body.contains("salesflow_llm_calls_total{"));
    QVERIFY(metrics.body.contains("salesflow_replay_items_total{mode=\"dry_run\",state=\"done\"}"));
    QVERIFY(metrics.body.contains("salesflow_stage_run_seconds_bucket{stage=\"enrich\",le=\"+Inf\"}"));
    QProcess promtool;
    promtool.start(QStringLiteral("promtool"), {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY2(promtool.waitForStarted(), "promtool (Debian package prometheus) is not installed: run .ci/deps");
    promtool.write(metrics.body);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30000));
    QVERIFY2(promtool.exitCode() == 0,
             QByteArray(promtool.readAllStandardOutput() + promtool.readAllStandardError()).constData());
}

} // namespace

void TestReplay::adminTunesAPromptAndReplaysAnIncidentOverHttp()
{
    // An LLM incident fails three events; an admin, over HTTP only, writes a new prompt version,
    // tests it, activates it, dry-runs a replay of last week's failed events, runs it, and reads
    // it all in the audit.
    Incident f;
    for (auto step : {startIncident, tuneThePrompt, replayTheFailed, readTheAuditAndMetrics}) {
        step(f);
        if (QTest::currentTestFailed())
            break;
    }
    f.server.reset();
    if (f.engine)
        f.engine->stop();
}
