// Replays against the HubSpot emulator: a dry run of a thousand events with a changed prompt
// leaves every table it must not touch byte-identical and calls HubSpot not once; the real replay
// after it sends exactly the actions the dry run said would change, and creates nothing twice.
#include "tst_suites.h"

#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/hubspotfixture.h"
#include "tests/support/testbackend.h"

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
