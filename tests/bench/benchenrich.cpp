#include "benchenrich.h"

#include "benchtools.h"

#include "engine/core/config.h"
#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "tests/support/llmemulator.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QThread>

namespace salesflow::bench {

namespace {

struct Round
{
    double eventsPerSecond = 0;
    double cpuMsPerEvent = 0;
    int maxInFlight = 0;
    int events = 0;
    double seconds = 0;
};

Round runRound(test::PgServer &pg, int delayMs, int concurrency, int events, const QString &tag)
{
    test::LlmEmulator emu;
    emu.start();
    emu.setDefaultDelayMs(delayMs);
    const QString url = pg.createDatabase(tag);
    {
        // Events stored up front (ingest is measured elsewhere); a worker process then drains them.
        QList<IngestItem> items;
        for (int i = 0; i < events; ++i) {
            items.append(IngestItem{
                QStringLiteral("chat"),
                "application/json",
                QStringLiteral(
                    R"({"conversation_id":"b%1","visitor":{"email":"buyer%1@example-corp.com","name":"Sam Lee"},
                                        "messages":[{"from":"visitor","text":"Hi, we need pricing for 25 seats and a demo. Does it integrate with Salesforce? Our security team needs the SOC 2 report."}]})")
                    .arg(i)
                    .toUtf8(),
                {}});
        }
        storeReceived(url, items);
    }
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    QProcess worker;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("openai"));
    env.insert(QStringLiteral("OPENAI_BASE_URL"), emu.openaiBaseUrl());
    env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(emu.openaiKey));
    env.insert(QStringLiteral("SALESFLOW_LLM_CONCURRENCY"), QString::number(concurrency));
    startWorker(worker, url, env);
    QElapsedTimer clock;
    clock.start();
    qint64 t10 = -1, t90 = -1;
    int done = 0;
    while (done < events && clock.elapsed() < 600000) {
        QThread::msleep(50);
        done = int(c.value()->exec("SELECT count(*) FROM enrichment_outputs")->int64(0, 0));
        if (t10 < 0 && done >= events / 10)
            t10 = clock.elapsed();
        if (t90 < 0 && done >= events * 9 / 10)
            t90 = clock.elapsed();
    }
    Round r;
    r.events = done;
    r.cpuMsPerEvent = double(cpuMsOf(worker.processId())) / qMax(1, done);
    r.seconds = (t90 - t10) / 1000.0;
    r.eventsPerSecond = (events * 8 / 10) / qMax(0.001, r.seconds);
    r.maxInFlight = emu.maxInFlight();
    worker.terminate();
    worker.waitForFinished(20000);
    return r;
}

} // namespace

void runEnrichBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    const int concurrency = 16;
    say(QStringLiteral(
            "emulated LLM: OpenAI Chat Completions from tests/support/llmemulator (in the bench process), "
            "salesflowd serve --role worker --workers 2 with SALESFLOW_LLM=openai SALESFLOW_LLM_CONCURRENCY=%1; "
            "rate measured between 10% and 90% of the events enriched; CPU = salesflowd utime+stime (start-up and "
            "normalise included) / events")
            .arg(concurrency));
    const Round slow = runRound(pg, 1000, concurrency, 480, QStringLiteral("enrich_slow"));
    const double bound = concurrency * 1000.0 / 1000.0;
    say(QStringLiteral(
            "LLM answers after 1000 ms: %1 events/s, LLM bound %2/s -> %3% of it; calls in flight at most %4 (cap %5); "
            "engine CPU %6 ms per event (%7 events)")
            .arg(slow.eventsPerSecond, 0, 'f', 2)
            .arg(bound, 0, 'f', 1)
            .arg(100.0 * slow.eventsPerSecond / bound, 0, 'f', 1)
            .arg(slow.maxInFlight)
            .arg(concurrency)
            .arg(slow.cpuMsPerEvent, 0, 'f', 2)
            .arg(slow.events));
    const Round fast = runRound(pg, 0, concurrency, 3000, QStringLiteral("enrich_fast"));
    say(QStringLiteral("baseline, same run, LLM answers at once: %1 events/s, engine CPU %2 ms per event (%3 events) — "
                       "the engine's own ceiling, "
                       "%4x the 1-second LLM's bound")
            .arg(fast.eventsPerSecond, 0, 'f', 1)
            .arg(fast.cpuMsPerEvent, 0, 'f', 2)
            .arg(fast.events)
            .arg(fast.eventsPerSecond / bound, 0, 'f', 1));
}

} // namespace salesflow::bench
