#include "benchwrite.h"

#include "benchtools.h"

#include "engine/core/config.h"
#include "engine/hubspot/setup.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/store/database.h"
#include "engine/store/sharedratebudget.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QThread>

namespace salesflow::bench {

namespace {

/// Plans the actions of `events` chat events with the real pipeline (offline enrichment),
/// writing nothing to HubSpot yet.
void planActions(const QString &url, const test::HubSpotEmulator &emu, int events)
{
    LocalEngine::Options o;
    o.config.dbUrl = url;
    o.config.reviewThreshold = 0;
    o.config.workers = 2;
    auto stages = pipeline::builtStages(o.config);
    for (const auto &s : stages.value())
        if (s->name() != QLatin1String("write"))
            o.stages.push_back(s);
    auto e = LocalEngine::open(o);
    if (!e)
        qFatal("%s", qPrintable(e.error().message));
    auto c = e.value()->database()->acquire();
    setUpHubSpot(emu.baseUrl(), emu.token, *c.value());
    QList<IngestItem> items;
    for (int i = 0; i < events; ++i) {
        items.append(IngestItem{
            QStringLiteral("chat"),
            "application/json",
            QStringLiteral(
                R"({"id":"b-%1","participants":[{"id":"v","name":"Pat Kim","email":"pat%1@firm-%2.com","role":"visitor"}],
                                        "messages":[{"author":"v","role":"visitor","text":"We need pricing for 40 seats and a demo next week; is there SSO?","sent_at":"2026-11-26T10:00:00Z"}]})")
                .arg(i)
                .arg(i % 200)
                .toUtf8(),
            {}});
    }
    ingestInChunks(*e.value(), items);
    QElapsedTimer t;
    t.start();
    while (c.value()->exec("SELECT count(*) FROM raw_events WHERE status = 'planned'")->int64(0, 0) < events
           && t.elapsed() < 300000)
        QThread::msleep(200);
    e.value()->stop();
}

/// A `salesflowd --role worker` writes every planned action to the emulator.
void writeAll(const QString &url, const test::HubSpotEmulator &emu, int burst, int events, store::Connection &c)
{
    QProcess worker;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    env.insert(QStringLiteral("HUBSPOT_ACCESS_TOKEN"), QString::fromLatin1(emu.token));
    env.insert(QStringLiteral("HUBSPOT_BASE_URL"), emu.baseUrl());
    env.insert(QStringLiteral("SALESFLOW_HUBSPOT_BURST"), QString::number(burst));
    startWorker(worker, url, env);
    QElapsedTimer t;
    t.start();
    while (c.exec("SELECT count(*) FROM raw_events WHERE status = 'done'")->int64(0, 0) < events
           && t.elapsed() < 600000)
        QThread::msleep(200);
    worker.terminate();
    worker.waitForFinished(20000);
}

/// Calls per rolling-limit window from the first call (the last one is partial).
QList<int> callsPerWindow(const QList<test::HubSpotEmulator::Exchange> &exchanges, qint64 windowMs)
{
    QList<int> perWindow;
    for (const auto &x : exchanges) {
        const int w = int((x.atMs - exchanges.first().atMs) / windowMs);
        while (perWindow.size() <= w)
            perWindow.append(0);
        ++perWindow[w];
    }
    return perWindow;
}

} // namespace

void runWriteBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    const int burst = 100;
    const int events = 2450; // 4 actions each plus one company upsert per domain: 10,000 actions
    test::HubSpotEmulator emu;
    emu.burstLimit = burst;
    emu.start();
    const QString url = pg.createDatabase(QStringLiteral("writeback"));
    planActions(url, emu, events);
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    const qint64 actions = c.value()->exec("SELECT count(*) FROM crm_actions")->int64(0, 0);
    const int setupCalls = emu.calls();
    writeAll(url, emu, burst, events, *c.value());
    const auto exchanges = emu.exchanges().mid(setupCalls);
    if (exchanges.isEmpty()) {
        say(QStringLiteral("writeback: no calls were made - FAILED"));
        return;
    }
    const qint64 first = exchanges.first().atMs;
    const qint64 last = exchanges.last().atMs;
    int writes = 0, reads = 0, tooMany = 0, lateTooMany = 0;
    for (const auto &x : exchanges) {
        if (x.path.contains("/batch/read"))
            ++reads;
        else
            ++writes;
        if (x.status == 429) {
            ++tooMany;
            if (x.atMs > first + emu.windowMs)
                ++lateTooMany;
        }
    }
    const QList<int> perWindow = callsPerWindow(exchanges, emu.windowMs);
    QStringList windowsText;
    for (int n : perWindow)
        windowsText << QString::number(n);
    say(QStringLiteral("calls per 10-s window from the first call: %1 (the last window is partial)")
            .arg(windowsText.join(QLatin1String(", "))));
    const qint64 done
        = c.value()->exec("SELECT count(*) FROM crm_actions WHERE status IN ('done', 'superseded')")->int64(0, 0);
    // The share of the ceiling: calls in the full windows over what the limit allows in them.
    int full = 0, inFull = 0;
    for (qsizetype i = 0; i + 1 < perWindow.size(); ++i) {
        ++full;
        inFull += perWindow[i];
    }
    const double share = full > 0 ? double(inFull) / (double(burst) * full) : 0.0;
    say(QStringLiteral(
            "%1 actions (%2 done) for %3 events: %4 calls (%5 writes, %6 read-backs for verification) in %7 s; "
            "%8 actions per write call; full windows: %9 calls in %10 x 10 s against a ceiling of %11 each -> %12% of "
            "the ceiling "
            "(target >= 90%); 429s: %13 (%14 after the first window)")
            .arg(actions)
            .arg(done)
            .arg(events)
            .arg(exchanges.size())
            .arg(writes)
            .arg(reads)
            .arg((last - first) / 1000.0, 0, 'f', 1)
            .arg(double(actions) / qMax(1, writes), 0, 'f', 1)
            .arg(inFull)
            .arg(full)
            .arg(burst)
            .arg(share * 100, 0, 'f', 1)
            .arg(tooMany)
            .arg(lateTooMany));
}

} // namespace salesflow::bench
