#include "benchpipeline.h"

#include "engine/core/config.h"
#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/llmemulator.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QThread>

namespace salesflow::bench {

namespace {

struct Mode
{
    QString name;
    bool llm = false; ///< the OpenAI emulator answering at once, else the offline analyser
    bool hubspot = false; ///< the HubSpot emulator, else a dry run
    int llmConcurrency = 0; ///< SALESFLOW_LLM_CONCURRENCY (0: the default, 4), i.e. the enrich batch
};

/// `events` chat events stored as received (ingest is measured elsewhere), none processed yet.
QString storeBacklog(test::PgServer &pg, const QString &tag, int events)
{
    const QString url = pg.createDatabase(tag);
    QList<IngestItem> items;
    for (int j = 0; j < events; ++j)
        items.append(IngestItem{
            QStringLiteral("chat"),
            "application/json",
            QStringLiteral(
                R"({"id":"p-%1","participants":[{"id":"v","name":"Pat Kim","email":"pat%1@firm-%2.com","role":"visitor"}],"messages":[{"author":"v","role":"visitor","text":"We need pricing for 40 seats and a demo next week; is there SSO? Our security team needs the SOC 2 report.","sent_at":"2026-11-26T10:00:00Z"}]})")
                .arg(j)
                .arg(j % 500)
                .toUtf8(),
            {}});
    storeReceived(url, items);
    return url;
}

QProcessEnvironment workerEnv(const Mode &m, const test::LlmEmulator &llm, const test::HubSpotEmulator &hs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("0")); // nothing waits for a person
    env.remove(QStringLiteral("HUBSPOT_ACCESS_TOKEN"));
    if (m.llm) {
        env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("openai"));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), llm.openaiBaseUrl());
        env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(llm.openaiKey));
        if (m.llmConcurrency > 0)
            env.insert(QStringLiteral("SALESFLOW_LLM_CONCURRENCY"), QString::number(m.llmConcurrency));
    } else {
        env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("offline"));
    }
    if (m.hubspot) {
        env.insert(QStringLiteral("HUBSPOT_ACCESS_TOKEN"), QString::fromLatin1(hs.token));
        env.insert(QStringLiteral("HUBSPOT_BASE_URL"), hs.baseUrl());
        env.insert(QStringLiteral("SALESFLOW_HUBSPOT_BURST"), QString::number(hs.burstLimit));
    }
    return env;
}

QString drain(test::PgServer &pg, const Mode &m, int events, int round)
{
    test::LlmEmulator llm;
    llm.start();
    llm.setDefaultDelayMs(0);
    test::HubSpotEmulator hs;
    hs.burstLimit = 1000000; // the engine's work is measured here, not HubSpot's limit (writeback section)
    hs.dailyLimit = 100000000;
    hs.start();
    const QString url
        = storeBacklog(pg, QStringLiteral("pipeline_%1_%2").arg(round).arg(m.hubspot + 2 * m.llm), events);
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    if (m.hubspot)
        setUpHubSpot(hs.baseUrl(), hs.token, *c.value());
    QProcess worker;
    startWorker(worker, url, workerEnv(m, llm, hs));
    QElapsedTimer clock;
    clock.start();
    QStringList tenths;
    qint64 through = 0, last = 0;
    for (int tenth = 1; tenth <= 10 && clock.elapsed() < 3600000; ++tenth) {
        while (through < qint64(events) * tenth / 10 && clock.elapsed() < 3600000) {
            QThread::msleep(100);
            through = c.value()
                          ->exec("SELECT count(*) FROM raw_events WHERE status IN ('done', 'failed', "
                                 "'in_review')")
                          ->int64(0, 0);
        }
        const qint64 ms = clock.elapsed();
        tenths << QString::number(double(events) / 10 * 1000 / double(qMax<qint64>(1, ms - last)), 'f', 0);
        last = ms;
    }
    const qint64 cpu = cpuMsOf(worker.processId());
    worker.terminate();
    worker.waitForFinished(20000);
    const auto st = c.value()->exec("SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status "
                                    "= 'failed'), (SELECT count(*) FROM crm_actions) FROM raw_events");
    return QStringLiteral("%1: %2 events in %3 s = %4 events/s; engine CPU %5 ms per event (target <= 0.5); per tenth "
                          "of the backlog: %6 events/s; %7 done, %8 failed, %9 HubSpot actions")
        .arg(m.name)
        .arg(events)
        .arg(double(last) / 1000, 0, 'f', 1)
        .arg(double(events) * 1000 / double(qMax<qint64>(1, last)), 0, 'f', 0)
        .arg(double(cpu) / qMax(1, events), 0, 'f', 2)
        .arg(tenths.join(QLatin1Char(' ')))
        .arg(st->int64(0, 0))
        .arg(st->int64(0, 1))
        .arg(st->int64(0, 2));
}

} // namespace

void runPipelineBenchmarks(test::PgServer &pg, const Say &say)
{
    const int backlog = qEnvironmentVariableIntValue("SALESFLOW_BENCH_BACKLOG") > 0
        ? qEnvironmentVariableIntValue("SALESFLOW_BENCH_BACKLOG")
        : 20000;
    say(QStringLiteral("salesflowd serve --role worker --workers 2 draining %1 received chat events "
                       "(SALESFLOW_BENCH_BACKLOG=%1; the issue's 1,000,000 takes about an hour at these rates); "
                       "CPU = salesflowd utime+stime over the whole drain; HubSpot emulator without rate limits")
            .arg(backlog));
    const Mode modes[]
        = {{QStringLiteral("offline analyser, dry run"), false, false},
           {QStringLiteral("instant LLM (OpenAI emulator), dry run"), true, false},
           {QStringLiteral("instant LLM, 16 calls at once (SALESFLOW_LLM_CONCURRENCY=16), dry run"), true, false, 16},
           {QStringLiteral("offline analyser, HubSpot emulator"), false, true}};
    int round = 0;
    for (const Mode &m : modes) {
        const int events = round == 0 ? backlog : qMin(backlog, 5000); // the first mode drains the whole backlog
        say(drain(pg, m, events, ++round));
    }
}

} // namespace salesflow::bench
