// The enrich stage's batch with a network model: the batch's calls go out together on one
// worker thread (as many at once as the provider's concurrency allows), an invalid answer is
// asked again alone, and one call's failure is that job's only.
#include "tst_suites.h"

#include "engine/core/config.h"
#include "engine/llm/llm.h"
#include "engine/llm/pricing.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/enrich/enrichstage.h"
#include "engine/store/database.h"
#include "tests/support/engines.h"
#include "tests/support/llmemulator.h"
#include "tests/support/testbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace salesflow;
using test::LlmEmulator;
using Step = test::LlmEmulator::Step;

namespace {

qint64 normalised(LocalEngine &engine)
{
    return test::count(engine, "SELECT count(*) FROM raw_events WHERE status = 'normalised'");
}

/// Four chat events, normalised and waiting for enrich (no enrich worker runs in this engine).
QList<queue::Job> normalisedChats(LocalEngine &engine)
{
    QList<IngestItem> items;
    for (int n = 0; n < 4; ++n)
        items.append({QStringLiteral("chat"),
                      "application/json",
                      QStringLiteral(R"({"conversation_id":"b-%1","visitor":{"email":"ana%1@contoso.com"},
                          "messages":[{"from":"visitor","text":"Batch %1: pricing for %2 seats, and is there SSO?"}]})")
                          .arg(n)
                          .arg(10 + n)
                          .toUtf8(),
                      {}});
    auto f = engine.ingest(test::caller(), items);
    f.waitForFinished();
    QList<queue::Job> jobs;
    const auto receipts = f.result().value();
    for (const auto &r : receipts) {
        queue::Job job;
        job.eventId = r.value().id;
        jobs.append(job);
    }
    QElapsedTimer waited;
    waited.start();
    while (normalised(engine) < 4 && waited.elapsed() < 20000)
        QTest::qWait(50);
    return jobs;
}

Config openai(const LlmEmulator &emu, int concurrency)
{
    Config cfg;
    cfg.llm = QStringLiteral("openai");
    cfg.openaiApiKey = emu.openaiKey;
    cfg.openaiBaseUrl = emu.openaiBaseUrl();
    cfg.llmConcurrency = concurrency;
    cfg.llmMaxRetries = 0;
    return cfg;
}

std::unique_ptr<pipeline::EnrichStage> stageFor(const Config &cfg)
{
    auto provider = llm::makeProvider(cfg);
    auto prices = llm::PriceTable::load({});
    if (!provider || !prices)
        return nullptr;
    return std::make_unique<pipeline::EnrichStage>(provider.value(), prices.value(), pipeline::EnrichStage::Options{});
}

/// The user message of a received OpenAI request.
QString userPart(const LlmEmulator::Received &r)
{
    return r.body.value(QLatin1String("messages"))
        .toArray()
        .at(1)
        .toObject()
        .value(QLatin1String("content"))
        .toString();
}

} // namespace

void TestEnrich::aBatchsCallsGoOutTogetherAndAnInvalidAnswerIsAskedAgainAlone()
{
    LlmEmulator emu;
    QVERIFY(emu.start());
    emu.setDefaultDelayMs(300);
    Step invalid;
    invalid.kind = Step::InvalidAnswer;
    emu.script(LlmEmulator::Api::OpenAi, invalid); // whichever call arrives first
    const Config cfg = openai(emu, 4);
    auto engine = test::openEngine(cfg, QStringLiteral("ebatch"), {QStringLiteral("normalise")});
    const QList<queue::Job> jobs = normalisedChats(*engine);
    QCOMPARE(jobs.size(), 4);
    QCOMPARE(normalised(*engine), qint64(4));
    auto stage = stageFor(cfg);
    QVERIFY(stage);
    QCOMPARE(stage->batchSize(), 4);
    auto c = engine->database()->acquire();
    const QList<Result<pipeline::StageOutput>> outs = stage->runBatch(jobs, *c.value());
    // One thread sent the four calls at once; the re-ask went alone.
    QCOMPARE(emu.maxInFlight(), 4);
    const QList<LlmEmulator::Received> received = emu.received();
    QCOMPARE(received.size(), 5);
    const QString invalidOne = userPart(received.first()).section(QLatin1String("Batch "), 1).left(1);
    int reAsks = 0;
    for (const auto &r : received.mid(1))
        if (userPart(r).contains(QLatin1String("Your previous answer was rejected"))) {
            ++reAsks;
            QCOMPARE(userPart(r).section(QLatin1String("Batch "), 1).left(1), invalidOne);
        }
    QCOMPARE(reAsks, 1);
    QList<int> parts;
    for (const auto &out : outs) {
        QVERIFY2(out.ok(), out.ok() ? "" : qPrintable(out.error().message));
        QVERIFY(out->detail.startsWith(QLatin1String("openai/")));
        parts.append(out->batchPart);
    }
    QVERIFY(outs.first()->batchWrite->apply(*c.value(), parts).ok());
    const QByteArray calls = test::dump(*c.value(), "llm calls",
                                        "SELECT llm_calls, count(*) FROM enrichment_outputs GROUP BY llm_calls"
                                        " ORDER BY llm_calls");
    QVERIFY2(calls.contains("| 1 | 3") && calls.contains("| 2 | 1"), calls.constData());
    engine->stop();
}

void TestEnrich::aBatchKeepsTheConcurrencyCapAndOneFailureIsThatJobsOnly()
{
    LlmEmulator emu;
    QVERIFY(emu.start());
    emu.setDefaultDelayMs(200);
    Step bad;
    bad.kind = Step::Status;
    bad.status = 400;
    bad.errorType = "invalid_request_error";
    emu.script(LlmEmulator::Api::OpenAi, bad);
    Config cfg = openai(emu, 2);
    auto engine = test::openEngine(cfg, QStringLiteral("ecap"), {QStringLiteral("normalise")});
    const QList<queue::Job> jobs = normalisedChats(*engine);
    QCOMPARE(normalised(*engine), qint64(4));
    auto stage = stageFor(cfg);
    QVERIFY(stage);
    auto c = engine->database()->acquire();
    const QList<Result<pipeline::StageOutput>> outs = stage->runBatch(jobs, *c.value());
    QCOMPARE(emu.requestCount(), 4);
    QVERIFY2(emu.maxInFlight() <= 2, qPrintable(QString::number(emu.maxInFlight())));
    int failed = 0;
    for (const auto &out : outs) {
        if (out.ok())
            continue;
        ++failed;
        QCOMPARE(out.error().code, QStringLiteral("permanent.llm.http_400"));
    }
    QCOMPARE(failed, 1);
    engine->stop();
}
