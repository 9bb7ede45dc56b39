#include "benchreplay.h"

#include "engine/local/localengine.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/hubspotfixture.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QElapsedTimer>
#include <QThread>

namespace salesflow::bench {

namespace {

constexpr int kEvents = 10000;

/// Seconds until every event is done and the queue is empty.
double pipelineSeconds(LocalEngine &e)
{
    QElapsedTimer t;
    t.start();
    while (test::count(e, "SELECT count(*) FROM jobs") > 0
           || test::count(e, "SELECT count(*) FROM raw_events") < kEvents)
        QThread::msleep(100);
    return t.elapsed() / 1000.0;
}

/// One dry run of every event from enrich; its seconds from start to finish.
double dryRunSeconds(LocalEngine &e)
{
    ReplayRequest r;
    r.source = QStringLiteral("chat");
    r.fromStage = QStringLiteral("enrich");
    r.dryRun = true;
    QElapsedTimer t;
    t.start();
    auto started = test::await(e.startReplay(test::caller(), r));
    if (!started)
        qFatal("%s", qPrintable(started.error().message));
    for (;;) {
        auto page = test::await(e.replay(test::caller(), started->id, ReplayItemQuery{1, {}, false}));
        if (page && page->replay.status == QLatin1String("done") && page->replay.done == kEvents)
            return t.elapsed() / 1000.0;
        if (page && page->replay.status != QLatin1String("running")
            && page->replay.status != QLatin1String("selecting"))
            qFatal("dry run ended %s", qPrintable(page->replay.status));
        QThread::msleep(50);
    }
}

} // namespace

void runReplayBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    Config cfg; // offline analyser, no HubSpot token: the write stage runs dry
    cfg.dbUrl = pg.createDatabase(QStringLiteral("replay_bench"));
    cfg.reviewThreshold = 0.0;
    auto engine = test::openEngine(cfg, {}, test::allStages());
    QElapsedTimer t;
    t.start();
    for (int from = 0; from < kEvents; from += 500) {
        QList<IngestItem> items;
        for (int i = from; i < from + 500; ++i)
            items.append(IngestItem{QStringLiteral("chat"), "application/json", test::chat(i), {}});
        if (!test::await(engine->ingest(test::caller(), items)))
            qFatal("ingest failed");
    }
    const double first = t.elapsed() / 1000.0 + pipelineSeconds(*engine);
    say(QStringLiteral("%1 chat events, offline analyser, in-process engine on PostgreSQL (4 workers, one replay "
                       "worker); dry run from enrich = normalised event + enrichment + plan + diff against the "
                       "ledger per event, nothing written but the replay's own rows")
            .arg(kEvents));
    say(QStringLiteral("baseline, same run: the pipeline's first pass over them (ingest → done, write dry): %1 s, "
                       "%2 events/s")
            .arg(first, 0, 'f', 1)
            .arg(kEvents / first, 0, 'f', 0));
    for (int round = 1; round <= 3; ++round) {
        const double s = dryRunSeconds(*engine);
        say(QStringLiteral("dry run round %1: %2 s, %3 events/s (%4x the first pass)")
                .arg(round)
                .arg(s, 0, 'f', 1)
                .arg(kEvents / s, 0, 'f', 0)
                .arg((kEvents / s) / (kEvents / first), 0, 'f', 2));
    }
    engine->stop();
}

} // namespace salesflow::bench
