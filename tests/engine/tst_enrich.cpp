// The enrich stage: prompts, the offline analyser, the OpenAI / OpenAI-compatible / Anthropic
// clients against the LLM emulator (tests/support/llmemulator), validation and review routing,
// and what every injected fault ends as.
#include "tst_suites.h"

#include "engine/api/json.h"
#include "engine/core/clock.h"
#include "engine/core/config.h"
#include "engine/core/ids.h"
#include "engine/llm/analysis.h"
#include "engine/llm/httpcall.h"
#include "engine/llm/offline.h"
#include "engine/llm/pricing.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/replay.h"
#include "engine/pipeline/runner.h"
#include "engine/pipeline/stages.h"
#include "engine/sources/intake.h"
#include "engine/store/database.h"
#include "engine/store/enrichmentrepository.h"
#include "engine/store/entityrepository.h"
#include "engine/store/eventrepository.h"
#include "engine/store/promptrepository.h"
#include "tests/support/engines.h"
#include "tests/support/llmemulator.h"
#include "tests/support/testbackend.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace salesflow;
using test::LlmEmulator;
using Step = test::LlmEmulator::Step;

namespace {

const QStringList kSettled{EventStatus::Enriched, EventStatus::InReview, EventStatus::Done, EventStatus::Failed};

/// These tests are about enrichment: the plan and write stages (tst_writeback) stay out, so an
/// enriched event waits with its plan job, as a reviewer would see it.
std::unique_ptr<LocalEngine> openEngine(const Config &config, const QString &tag)
{
    return test::openEngine(config, tag, {QStringLiteral("normalise"), QStringLiteral("enrich")});
}

QString ingestOne(LocalEngine &e, const QString &source, const QByteArray &type, const QByteArray &payload)
{
    auto f = e.ingest(test::caller(), {IngestItem{source, type, payload, {}}});
    f.waitForFinished();
    return f.result().value().first().value().id;
}

EventDetail detailOf(LocalEngine &e, const QString &id)
{
    auto f = e.event(test::caller(), id);
    f.waitForFinished();
    return f.result().value();
}

bool settled(LocalEngine &e, const QString &id)
{
    return kSettled.contains(detailOf(e, id).summary.status);
}

/// A chat event with a clear ask and a security concern, distinct per call.
QByteArray chat(int n, const char *extra = "")
{
    return QStringLiteral(R"({"conversation_id":"c-%1","visitor":{"email":"lena%1@northwind.com","name":"Lena Park"},
        "messages":[{"from":"visitor","text":"We want pricing for 40 seats and a demo next week. %2"},
                    {"from":"visitor","text":"Do you have a SOC 2 report? Our security team must review it before we sign."}]})")
        .arg(n)
        .arg(QLatin1String(extra))
        .toUtf8();
}

/// OpenAI against the emulator, one call at a time (scripted answers arrive in order).
Config openaiConfig(const LlmEmulator &emu)
{
    Config cfg;
    cfg.llm = QStringLiteral("openai");
    cfg.openaiApiKey = emu.openaiKey;
    cfg.openaiBaseUrl = emu.openaiBaseUrl();
    cfg.llmConcurrency = 1;
    return cfg;
}

} // namespace

void TestEnrich::schemaIsStrictAndValidationCatchesBadAnswers()
{
    // Strict structured output: every object closed, every property required (NOTES §1, §9).
    std::function<void(const QJsonObject &)> closed = [&](const QJsonObject &s) {
        if (s.value(QLatin1String("type")).toString() == QLatin1String("object")) {
            QCOMPARE(s.value(QLatin1String("additionalProperties")), QJsonValue(false));
            const QJsonObject props = s.value(QLatin1String("properties")).toObject();
            QCOMPARE(s.value(QLatin1String("required")).toArray().size(), props.size());
            for (const QJsonValue &p : props)
                closed(p.toObject());
        } else if (s.value(QLatin1String("type")).toString() == QLatin1String("array")) {
            closed(s.value(QLatin1String("items")).toObject());
        }
    };
    closed(llm::analysisSchema());

    const QString text = QStringLiteral("We need pricing.  Our CFO   must approve anything over 10k.");
    llm::Analysis good;
    good.summary = QStringLiteral("s");
    good.intent = QStringLiteral("high");
    good.leadQuality = 70;
    good.objections = {{QStringLiteral("authority"), QStringLiteral("our cfo must approve anything over 10k")},
                       {QStringLiteral("budget"), QStringLiteral("we cannot afford it")}};
    good.nextAction = QStringLiteral("call");
    good.followUpSubject = QStringLiteral("Re");
    good.followUpBody = QStringLiteral("Hi");
    good.leadScoreChange = 5;
    good.confidence = 0.8;
    auto v = llm::validate(llm::toJson(good), text);
    QVERIFY(v.analysis);
    // Evidence matches case- and whitespace-insensitively; invented evidence is dropped.
    QCOMPARE(v.analysis->objections.size(), 1);
    QCOMPARE(v.analysis->objections.first().category, QStringLiteral("authority"));
    QCOMPARE(v.analysis->confidence, 0.65);
    QVERIFY(v.notes.join(QLatin1Char(' ')).contains(QLatin1String("we cannot afford it")));

    QJsonObject bad = llm::toJson(good);
    bad.insert(QStringLiteral("intent"), QStringLiteral("maybe"));
    bad.insert(QStringLiteral("lead_quality"), 101);
    bad.insert(QStringLiteral("lead_score_change"), 2.5);
    bad.insert(QStringLiteral("confidence"), QStringLiteral("high"));
    bad.remove(QStringLiteral("summary"));
    bad.insert(QStringLiteral("extra"), 1);
    v = llm::validate(bad, text);
    QVERIFY(!v.analysis);
    const QString errors = v.errors.join(QLatin1Char('|'));
    for (const char *field : {"intent", "lead_quality", "lead_score_change", "confidence", "summary", "extra"})
        QVERIFY2(errors.contains(QLatin1String(field)), qPrintable(errors));
}

void TestEnrich::retryPolicyFollowsTheSdks()
{
    using llm::RetryPolicy;
    const RetryPolicy openai{RetryPolicy::Flavour::OpenAi, 2, 1000};
    const RetryPolicy anthropic{RetryPolicy::Flavour::Anthropic, 2, 1000};
    const QHash<QByteArray, QByteArray> none;
    // Retried statuses, backoff min(0.5·2^n, 8) s with jitter in [0.75, 1].
    for (int status : {0, 408, 409, 429, 500, 503, 529})
        QCOMPARE(llm::retryDelayMs(openai, status, none, {}, 0, 0.0).value_or(-1), qint64(500));
    QCOMPARE(llm::retryDelayMs(openai, 500, none, {}, 1, 1.0).value_or(-1), qint64(750));
    QCOMPARE(llm::retryDelayMs(RetryPolicy{RetryPolicy::Flavour::OpenAi, 9, 1000}, 500, none, {}, 6, 0.0).value_or(-1),
             qint64(8000));
    for (int status : {400, 401, 403, 404, 413, 422})
        QVERIFY(!llm::retryDelayMs(openai, status, none, {}, 0, 0.0));
    QVERIFY(!llm::retryDelayMs(openai, 500, none, {}, 2, 0.0)); // out of retries
    // x-should-retry overrides the status either way.
    QVERIFY(llm::retryDelayMs(openai, 400, {{"x-should-retry", "true"}}, {}, 0, 0.0));
    QVERIFY(!llm::retryDelayMs(openai, 500, {{"x-should-retry", "false"}}, {}, 0, 0.0));
    // Billing 429s never clear by waiting.
    QVERIFY(!llm::retryDelayMs(openai, 429, none, R"({"error":{"type":"insufficient_quota"}})", 0, 0.0));
    // Server delays: retry-after-ms, retry-after seconds, retry-after HTTP-date.
    QCOMPARE(llm::retryDelayMs(openai, 429, {{"retry-after-ms", "1234.5"}}, {}, 0, 0.0).value_or(-1), qint64(1234));
    QCOMPARE(llm::retryDelayMs(openai, 429, {{"retry-after", "3"}}, {}, 0, 0.0).value_or(-1), qint64(3000));
    const QByteArray date = QDateTime::currentDateTimeUtc().addSecs(10).toString(Qt::RFC2822Date).toLatin1();
    const qint64 fromDate = llm::retryDelayMs(openai, 503, {{"retry-after", date}}, {}, 0, 0.0).value_or(-1);
    QVERIFY2(fromDate > 8000 && fromDate <= 10000, qPrintable(QString::number(fromDate)));
    // Above the cap: OpenAI gives up, Anthropic falls back to its backoff.
    QVERIFY(!llm::retryDelayMs(openai, 429, {{"retry-after", "121"}}, {}, 0, 0.0));
    QCOMPARE(llm::retryDelayMs(anthropic, 429, {{"retry-after", "61"}}, {}, 0, 0.0).value_or(-1), qint64(500));
    QCOMPARE(llm::retryDelayMs(anthropic, 529, {{"retry-after", "60"}}, {}, 0, 0.0).value_or(-1), qint64(60000));
}

void TestEnrich::promptsAreSeededVersionedAndChecked()
{
    auto db = store::Database::open(test::freshDbUrl(QStringLiteral("prompts")));
    QVERIFY(db.ok());
    auto engine = openEngine(Config{}, QStringLiteral("prompts"));
    auto c = engine->database()->acquire();
    auto active = store::PromptRepository::active(*c.value(), QStringLiteral("enrich"));
    QVERIFY2(active.ok(), qPrintable(active.error().message));
    QCOMPARE(active->version, 1);
    QVERIFY(active->systemPart().contains(QLatin1String("sales analyst")));
    QVERIFY(active->userPart().contains(QLatin1String("{{event.text}}")));
    QCOMPARE(active->settings.value(QLatin1String("context_token_budget")).toInt(), 3000);
    // Seeding again changes nothing.
    QVERIFY(store::PromptRepository::seedDefaults(*c.value(), 1).ok());
    QCOMPARE(c.value()->exec("SELECT count(*) FROM prompt_versions")->int64(0, 0), 1);
    llm::PromptVersion broken = active.value();
    broken.templateText.replace(QLatin1String("{{deal}}"), QLatin1String("{{dael}}"));
    const Status s = llm::checkPrompt(broken);
    QVERIFY(!s.ok());
    QVERIFY(s.error().message.contains(QLatin1String("{{dael}}")));
    auto rendered = llm::renderPrompt(
        QStringLiteral("a {{ x }} b {{y}}"),
        {{QStringLiteral("x"), QStringLiteral("1")}, {QStringLiteral("y"), QStringLiteral("{{x}}")}});
    QCOMPARE(rendered.value(), QStringLiteral("a 1 b {{x}}")); // values are not re-expanded
    auto prices = llm::PriceTable::load({});
    QVERIFY(prices.ok());
    QCOMPARE(prices->cost(QStringLiteral("gpt-4o-mini-2024-07-18"), 1'000'000, 0, 0, 0).value_or(-1), 0.15);
    QVERIFY(!prices->cost(QStringLiteral("llama3.1"), 10, 0, 0, 10)); // unknown: no price, not free
    engine->stop();
}

void TestEnrich::offlineEnrichesEverySampleWithContext()
{
    auto engine = openEngine(Config{}, QStringLiteral("offline"));
    const QHash<QString, QString> ids = test::ingestSamples(*engine);
    auto c = engine->database()->acquire();
    const qint64 total = c.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        c.value()
            ->exec("SELECT count(*) FROM raw_events WHERE status IN ('enriched','in_review','done','failed')")
            ->int64(0, 0),
        total, 30000);
    QCOMPARE(c.value()->exec("SELECT count(*) FROM raw_events WHERE status = 'failed'")->int64(0, 0), 0);
    // Every event but HubSpot's own CRM changes has an offline enrichment.
    QCOMPARE(
        c.value()
            ->exec("SELECT count(*) FROM enrichment_outputs WHERE provider = 'offline' AND model = 'offline-rules-1'")
            ->int64(0, 0),
        c.value()->exec("SELECT count(*) FROM normalised_events WHERE kind <> 'crm_change'")->int64(0, 0));
    // The report the issue asks for: what offline made of each sample.
    QHash<QString, QString> names;
    for (auto it = ids.cbegin(); it != ids.cend(); ++it)
        names.insert(it.value(), it.key());
    auto rows = c.value()->exec(
        "SELECT r.id, n.kind, e.intent, e.lead_quality, e.confidence, r.status, e.objections,"
        " e.review_reasons, e.next_action FROM raw_events r JOIN normalised_events n ON n.event_id = r.id"
        " LEFT JOIN enrichment_outputs e ON e.event_id = r.id ORDER BY r.id");
    for (int i = 0; i < rows->size(); ++i) {
        QStringList cats;
        for (const QJsonValue &o : QJsonDocument::fromJson(rows->bytes(i, 6)).array()) {
            cats << o.toObject().value(QLatin1String("category")).toString();
            qInfo().noquote() << "    evidence" << o.toObject().value(QLatin1String("category")).toString() << ":"
                              << o.toObject().value(QLatin1String("evidence")).toString();
        }
        qInfo().noquote()
            << QStringLiteral("offline | %1 | %2 | intent %3 | quality %4 | confidence %5 | %6 | objections [%7] | %8")
                   .arg(names.value(rows->text(i, 0), rows->text(i, 0)), -36)
                   .arg(rows->text(i, 1), -16)
                   .arg(rows->text(i, 2), -6)
                   .arg(rows->text(i, 3), 3)
                   .arg(rows->text(i, 4), 4)
                   .arg(rows->text(i, 5), -9)
                   .arg(cats.join(QLatin1Char(',')), rows->text(i, 8));
    }
    // Spot checks a rep would make: the security questions are found with their quotes, the
    // pricing follow-up is a buyer.
    auto sec = c.value()->exec(
        "SELECT e.objections, e.intent FROM enrichment_outputs e JOIN raw_events r ON r.id = e.event_id"
        " WHERE r.id = $1",
        {ids.value(QStringLiteral("email-security-questions.eml"))});
    QCOMPARE(sec->size(), 1);
    const QJsonArray objections = QJsonDocument::fromJson(sec->bytes(0, 0)).array();
    bool security = false;
    for (const QJsonValue &o : objections)
        security = security || o.toObject().value(QLatin1String("category")).toString() == QLatin1String("security");
    QVERIFY2(security, sec->bytes(0, 0).constData());
    auto pricing = c.value()->exec("SELECT e.intent FROM enrichment_outputs e JOIN raw_events r ON r.id = e.event_id"
                                   " WHERE r.id = $1",
                                   {ids.value(QStringLiteral("email-pricing-followup.json"))});
    QCOMPARE(pricing->text(0, 0), QStringLiteral("high"));
    // Events that went on are waiting for the plan stage; the others wait for a reviewer.
    QCOMPARE(c.value()->exec("SELECT count(*) FROM jobs WHERE stage = 'plan'")->int64(0, 0),
             c.value()->exec("SELECT count(*) FROM raw_events WHERE status = 'enriched'")->int64(0, 0));
    QVERIFY(c.value()->exec("SELECT count(*) FROM raw_events WHERE status = 'in_review'")->int64(0, 0) > 0);
    // The lineage shows the enrichment with its provenance.
    auto some = c.value()->exec("SELECT event_id FROM enrichment_outputs ORDER BY id LIMIT 1");
    const EventDetail d = detailOf(*engine, some->text(0, 0));
    QCOMPARE(d.enrichments.size(), 1);
    QCOMPARE(d.enrichments.first().provider, QStringLiteral("offline"));
    QCOMPARE(d.enrichments.first().promptVersion, 1);
    // ... and so does GET /v1/events/{id}.
    const QJsonObject lineage = json::toJson(d);
    const QJsonObject first = lineage.value(QLatin1String("enrichments")).toArray().first().toObject();
    QCOMPARE(first.value(QLatin1String("provider")).toString(), QStringLiteral("offline"));
    QCOMPARE(first.value(QLatin1String("prompt")).toObject().value(QLatin1String("version")).toInt(), 1);
    QVERIFY(first.value(QLatin1String("intent")).isString());
    QVERIFY(first.value(QLatin1String("follow_up_email")).toObject().contains(QLatin1String("body")));
    QVERIFY(first.value(QLatin1String("cost_usd")).isDouble()); // offline is priced at 0
    QVERIFY(first.contains(QLatin1String("review_reasons")));
    engine->stop();
}

void TestEnrich::contextCarriesCrmKnowledgeWithinBudget()
{
    LlmEmulator emu;
    QVERIFY(emu.start());
    Config cfg = openaiConfig(emu);
    auto engine = openEngine(cfg, QStringLiteral("context"));
    // Earlier history of the same contact, then a HubSpot property change on the contact.
    QString last;
    for (int i = 0; i < 8; ++i) {
        last = ingestOne(
            *engine, QStringLiteral("form"), "application/json",
            QStringLiteral(
                R"({"submission_id":"s%1","fields":{"email":"omar@contoso.com","firstname":"Omar","message":"Message number %1 about onboarding %2"}})")
                .arg(i)
                .arg(QString(3000, QLatin1Char('x')))
                .toUtf8());
        QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, last), 20000);
        QVERIFY2(detailOf(*engine, last).summary.status != EventStatus::Failed,
                 qPrintable(detailOf(*engine, last).summary.lastError));
    }
    const QList<LlmEmulator::Received> got = emu.received();
    QVERIFY(!got.isEmpty());
    const QJsonObject body = got.last().body;
    const QString user
        = body.value(QLatin1String("messages")).toArray().at(1).toObject().value(QLatin1String("content")).toString();
    QVERIFY2(user.contains(QLatin1String("omar@contoso.com")), qPrintable(user.left(2000)));
    QVERIFY(user.contains(QLatin1String("contoso.com")));
    QVERIFY(user.contains(QLatin1String("Earlier events of this contact")));
    QVERIFY(user.contains(QLatin1String("form_submission")));
    // The budget (3000 tokens ≈ 12,000 characters) trims the history: not all 7 earlier events fit.
    QVERIFY2(user.size() <= 12000 + 200, qPrintable(QString::number(user.size())));
    QVERIFY(user.count(QLatin1String("- 20")) < 7);
    // OpenAI's dialect.
    QCOMPARE(body.value(QLatin1String("messages")).toArray().at(0).toObject().value(QLatin1String("role")).toString(),
             QStringLiteral("developer"));
    QCOMPARE(body.value(QLatin1String("max_completion_tokens")).toInt(), 1200);
    QVERIFY(!body.contains(QLatin1String("max_tokens")));
    QCOMPARE(body.value(QLatin1String("store")).toBool(true), false);
    const QJsonObject rf = body.value(QLatin1String("response_format")).toObject();
    QCOMPARE(rf.value(QLatin1String("json_schema")).toObject().value(QLatin1String("strict")).toBool(), true);
    QCOMPARE(got.last().header("x-stainless-retry-count"), QByteArray("0"));
    engine->stop();
}

void TestEnrich::contextFindsTheContactsOpenDealAndHistory()
{
    auto db = test::openDb(QStringLiteral("dealctx"));
    auto c = db->acquire();
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids << ids::newEventId(); // in order
    QList<store::NewRawEvent> raws;
    for (const QString &id : ids)
        raws << store::NewRawEvent{id, QStringLiteral("form"), "application/json", "{}", id, QStringLiteral("t")};
    QVERIFY(store::EventRepository::insertBatch(*c.value(), raws, QStringLiteral("enrich"), 3, nowMs()));
    // ana: a closed deal, then an open one, then an event naming none; ben: a first event; cy:
    // events without any deal.
    auto store = [&](const QString &id, const QString &email, const QString &deal) {
        sources::Normalised n;
        n.kind = QStringLiteral("form_submission");
        n.contactEmail = email;
        n.dealRef = deal;
        return store::EntityRepository::storeNormalised(*c.value(), id, n).ok();
    };
    QVERIFY(store(ids[0], QStringLiteral("ana@a.io"), QStringLiteral("D-closed")));
    QVERIFY(c.value()->exec("UPDATE crm_entities SET properties = '{\"dealstage\":\"closedlost\"}'"
                            " WHERE local_key = 'D-closed'"));
    QVERIFY(store(ids[1], QStringLiteral("ana@a.io"), QStringLiteral("D-open")));
    QVERIFY(store(ids[2], QStringLiteral("ana@a.io"), {}));
    QVERIFY(store(ids[3], QStringLiteral("ben@b.io"), {}));
    QVERIFY(store(ids[4], QStringLiteral("ana@a.io"), {}));
    auto third = store::EnrichmentRepository::loadContext(*c.value(), ids[2], 5);
    QVERIFY(third.ok());
    QVERIFY(third->deal.has_value());
    QCOMPARE(third->deal->key, QStringLiteral("D-open")); // the newest open one, not the closed one
    QCOMPARE(third->recent.size(), 2);
    QCOMPARE(third->recent.first().eventId, ids[1]);
    auto first = store::EnrichmentRepository::loadContext(*c.value(), ids[0], 5);
    QVERIFY(first.ok());
    QCOMPARE(first->deal->key, QStringLiteral("D-closed")); // its own deal, whatever its stage
    QVERIFY(first->recent.isEmpty());
    auto ben = store::EnrichmentRepository::loadContext(*c.value(), ids[3], 5);
    QVERIFY(ben.ok());
    QVERIFY(!ben->deal.has_value());
    QVERIFY(ben->recent.isEmpty()); // ana's events are not ben's history
    auto later = store::EnrichmentRepository::loadContext(*c.value(), ids[4], 5);
    QVERIFY(later.ok());
    QCOMPARE(later->deal->key, QStringLiteral("D-open"));
    QCOMPARE(later->recent.size(), 3);
}

void TestEnrich::everyProviderEnrichesTheSamples_data()
{
    QTest::addColumn<QString>("provider");
    QTest::newRow("openai") << QStringLiteral("openai");
    QTest::newRow("openai-compatible") << QStringLiteral("openai-compatible");
    QTest::newRow("anthropic") << QStringLiteral("anthropic");
}

void TestEnrich::everyProviderEnrichesTheSamples()
{
    QFETCH(QString, provider);
    LlmEmulator emu;
    QVERIFY(emu.start());
    Config cfg;
    cfg.llm = provider;
    cfg.llmConcurrency = 4;
    if (provider == QLatin1String("anthropic")) {
        cfg.anthropicApiKey = emu.anthropicKey;
        cfg.anthropicBaseUrl = emu.anthropicBaseUrl();
    } else {
        cfg.openaiApiKey = provider == QLatin1String("openai") ? emu.openaiKey : QByteArray();
        cfg.openaiBaseUrl = emu.openaiBaseUrl();
    }
    if (provider == QLatin1String("openai-compatible"))
        emu.openaiKey = QByteArray(); // Ollama: no key
    auto engine = openEngine(cfg, QStringLiteral("prov"));
    test::ingestSamples(*engine);
    auto c = engine->database()->acquire();
    const qint64 total = c.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        c.value()->exec("SELECT count(*) FROM raw_events WHERE status IN ('enriched','in_review','done')")->int64(0, 0),
        total, 30000);
    const qint64 enriched
        = c.value()->exec("SELECT count(*) FROM normalised_events WHERE kind <> 'crm_change'")->int64(0, 0);
    auto rows = c.value()->exec(
        "SELECT provider, model, request_id, input_tokens, output_tokens, cost_usd, outcome FROM enrichment_outputs");
    QCOMPARE(qint64(rows->size()), enriched);
    for (int i = 0; i < rows->size(); ++i) {
        QCOMPARE(rows->text(i, 0), provider);
        QVERIFY(rows->text(i, 2).startsWith(QLatin1String("req_")));
        QVERIFY(rows->int64(i, 3) > 0 && rows->int64(i, 4) > 0);
        QCOMPARE(rows->text(i, 6), QStringLiteral("ok"));
        // Priced models get a cost; a local model has none (unknown, not free).
        QCOMPARE(rows->isNull(i, 5), provider == QLatin1String("openai-compatible"));
    }
    const LlmEmulator::Received r = emu.received().first();
    if (provider == QLatin1String("anthropic")) {
        QCOMPARE(r.header("anthropic-version"), QByteArray("2023-06-01"));
        QCOMPARE(r.body.value(QLatin1String("tool_choice")).toObject().value(QLatin1String("type")).toString(),
                 QStringLiteral("tool"));
        QCOMPARE(r.body.value(QLatin1String("max_tokens")).toInt(), 1200);
        QVERIFY(r.body.value(QLatin1String("system"))
                    .toArray()
                    .first()
                    .toObject()
                    .contains(QLatin1String("cache_control")));
    } else if (provider == QLatin1String("openai-compatible")) {
        QCOMPARE(r.body.value(QLatin1String("max_tokens")).toInt(), 1200);
        QVERIFY(r.header("authorization").isEmpty());
        QCOMPARE(
            r.body.value(QLatin1String("messages")).toArray().at(0).toObject().value(QLatin1String("role")).toString(),
            QStringLiteral("system"));
        QVERIFY(r.body.value(QLatin1String("response_format"))
                    .toObject()
                    .value(QLatin1String("json_schema"))
                    .toObject()
                    .contains(QLatin1String("schema")));
    }
    // Concurrency cap: no more requests in flight than configured is checked by the bench;
    // here, the stats show the tokens.
    auto sf = engine->stats(test::caller());
    sf.waitForFinished();
    QVERIFY(sf.result()->llmInputTokens > 0);
    engine->stop();
}

void TestEnrich::everyFaultEndsRetriedOrReviewed_data()
{
    QTest::addColumn<int>("api");
    QTest::addColumn<QList<int>>("steps"); // Step kinds (and statuses for Status, as negative numbers)
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("expect"); // substring of the outcome/reason/error
    QTest::addColumn<int>("retries"); // http_retries at least
    const int oa = int(LlmEmulator::Api::OpenAi), an = int(LlmEmulator::Api::Anthropic);
    QTest::newRow("429 retry-after-ms") << oa << QList<int>{-429} << EventStatus::Enriched << QStringLiteral("ok") << 1;
    QTest::newRow("500 then 503") << oa << QList<int>{-500, -503} << EventStatus::Enriched << QStringLiteral("ok") << 2;
    QTest::newRow("timeout") << oa << QList<int>{Step::Timeout} << EventStatus::Enriched << QStringLiteral("ok") << 1;
    // A connection closed before any answer may be re-sent by QNetworkAccessManager itself
    // (it does so once for a reused keep-alive connection), so no retry count is promised.
    QTest::newRow("dropped connection") << oa << QList<int>{Step::Drop} << EventStatus::Enriched << QStringLiteral("ok")
                                        << 0;
    QTest::newRow("html body (job retry)")
        << oa << QList<int>{Step::NotJsonBody} << EventStatus::Enriched << QStringLiteral("ok") << 0;
    QTest::newRow("invalid once") << oa << QList<int>{Step::InvalidAnswer} << EventStatus::Enriched
                                  << QStringLiteral("ok") << 0;
    QTest::newRow("invalid twice") << oa << QList<int>{Step::InvalidAnswer, Step::MalformedContent}
                                   << EventStatus::InReview << QStringLiteral("invalid answer after 2 calls") << 0;
    QTest::newRow("invented evidence") << oa << QList<int>{Step::FakeEvidence} << EventStatus::Enriched
                                       << QStringLiteral("ok") << 0;
    QTest::newRow("refusal") << oa << QList<int>{Step::Refusal} << EventStatus::InReview
                             << QStringLiteral("refused: I'm sorry") << 0;
    QTest::newRow("truncated") << oa << QList<int>{Step::Truncated} << EventStatus::InReview
                               << QStringLiteral("truncated: the answer was cut") << 0;
    QTest::newRow("content filter") << oa << QList<int>{Step::ContentFilter} << EventStatus::InReview
                                    << QStringLiteral("filtered") << 0;
    QTest::newRow("quota 429") << oa << QList<int>{-4290} << EventStatus::Failed << QStringLiteral("insufficient_quota")
                               << 0;
    QTest::newRow("400 bad request") << oa << QList<int>{-400} << EventStatus::Failed << QStringLiteral("HTTP 400")
                                     << 0;
    QTest::newRow("anthropic 529") << an << QList<int>{-529, -500} << EventStatus::Enriched << QStringLiteral("ok")
                                   << 2;
    QTest::newRow("anthropic refusal") << an << QList<int>{Step::Refusal} << EventStatus::InReview
                                       << QStringLiteral("refused: cyber") << 0;
    QTest::newRow("anthropic text, no tool")
        << an << QList<int>{Step::TextInsteadOfTool} << EventStatus::InReview << QStringLiteral("no_tool_use") << 0;
    QTest::newRow("anthropic max_tokens")
        << an << QList<int>{Step::Truncated} << EventStatus::InReview << QStringLiteral("truncated") << 0;
}

void TestEnrich::everyFaultEndsRetriedOrReviewed()
{
    QFETCH(int, api);
    QFETCH(QList<int>, steps);
    QFETCH(QString, status);
    QFETCH(QString, expect);
    QFETCH(int, retries);
    LlmEmulator emu;
    QVERIFY(emu.start());
    Config cfg;
    const bool anthropic = api == int(LlmEmulator::Api::Anthropic);
    cfg.llm = anthropic ? QStringLiteral("anthropic") : QStringLiteral("openai");
    cfg.openaiApiKey = emu.openaiKey;
    cfg.openaiBaseUrl = emu.openaiBaseUrl();
    cfg.anthropicApiKey = emu.anthropicKey;
    cfg.anthropicBaseUrl = emu.anthropicBaseUrl();
    cfg.llmConcurrency = 1;
    cfg.llmTimeoutMs = 400;
    cfg.llmMaxRetries = 2;
    for (int s : steps) {
        Step step;
        if (s < 0) {
            step.kind = Step::Status;
            step.status = s == -4290 ? 429 : -s;
            if (s == -4290)
                step.errorType = step.errorCode = "insufficient_quota";
            if (s == -429)
                step.headers = {{"retry-after-ms", "50"}};
            if (s == -503)
                step.headers = {{"retry-after", "0.05"}};
        } else {
            step.kind = Step::Kind(s);
        }
        emu.script(LlmEmulator::Api(api), step);
    }
    auto engine = openEngine(cfg, QStringLiteral("fault"));
    const QString id = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(1));
    QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, id), 20000);
    const EventDetail d = detailOf(*engine, id);
    QCOMPARE(d.summary.status, status);
    if (status == EventStatus::Failed) {
        QVERIFY2(d.summary.lastError.contains(expect), qPrintable(d.summary.lastError));
        QCOMPARE(d.summary.failedStage, QStringLiteral("enrich"));
        QVERIFY(d.enrichments.isEmpty());
        engine->stop();
        return;
    }
    QCOMPARE(d.enrichments.size(), 1);
    const EnrichmentInfo &e = d.enrichments.first();
    const QString seen = e.outcome + QLatin1Char(' ') + e.reviewReasons.join(QLatin1Char(' '));
    QVERIFY2(seen.contains(expect), qPrintable(seen));
    QVERIFY2(e.httpRetries >= retries, qPrintable(QString::number(e.httpRetries)));
    QCOMPARE(e.provider, cfg.llm);
    if (status == EventStatus::InReview)
        QCOMPARE(e.reviewState, QStringLiteral("pending"));
    if (qstrcmp(QTest::currentDataTag(), "invalid once") == 0)
        QCOMPARE(e.llmCalls, 2);
    if (qstrcmp(QTest::currentDataTag(), "invented evidence") == 0) {
        QVERIFY(e.validationNotes.join(QLatin1Char(' ')).contains(QLatin1String("never afford")));
        QCOMPARE(e.confidence, 0.70);
    }
    // The audit trail says who did what: the enrich stage's transition with its provider.
    bool audited = false;
    for (const AuditEntry &a : d.audit)
        audited = audited || (a.actor == QLatin1String("engine:enrich") && a.detail.contains(cfg.llm));
    QVERIFY(audited);
    engine->stop();
}

void TestEnrich::reviewRoutingByThresholdAndPolicy()
{
    LlmEmulator emu;
    QVERIFY(emu.start());
    Config cfg = openaiConfig(emu);
    cfg.reviewThreshold = 0.9;
    auto engine = openEngine(cfg, QStringLiteral("routing"));
    // 0.85 < 0.9: review for confidence.
    const QString low = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(1));
    QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, low), 20000);
    EventDetail d = detailOf(*engine, low);
    QCOMPARE(d.summary.status, EventStatus::InReview);
    QVERIFY(d.enrichments.first()
                .reviewReasons.join(QLatin1Char(' '))
                .contains(QLatin1String("below the review threshold 0.90")));
    // A confident answer that moves the score by +18: review by policy.
    llm::Analysis a = llm::OfflineAnalyser::analyse(QStringLiteral("We want pricing"), {});
    a.confidence = 0.95;
    a.leadScoreChange = 18;
    a.objections.clear();
    Step custom;
    custom.kind = Step::Custom;
    custom.answer = llm::toJson(a);
    emu.script(LlmEmulator::Api::OpenAi, custom);
    const QString big = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(2));
    QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, big), 20000);
    d = detailOf(*engine, big);
    QCOMPARE(d.summary.status, EventStatus::InReview);
    QCOMPARE(d.enrichments.first().reviewReasons,
             QStringList{QStringLiteral("policy: lead score change +18 is beyond ±15")});
    // Confident and within policy: enriched, on to planning.
    a.leadScoreChange = 10;
    custom.answer = llm::toJson(a);
    emu.script(LlmEmulator::Api::OpenAi, custom);
    const QString ok = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(3));
    QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, ok), 20000);
    QCOMPARE(detailOf(*engine, ok).summary.status, EventStatus::Enriched);
    auto c = engine->database()->acquire();
    QCOMPARE(c.value()->exec("SELECT count(*) FROM jobs WHERE stage = 'plan' AND event_id = $1", {ok})->int64(0, 0), 1);
    engine->stop();
}

void TestEnrich::badConfigurationIsRefusedClearly()
{
    Config c;
    c.llm = QStringLiteral("openai");
    auto s = pipeline::builtStages(c);
    QVERIFY(!s.ok());
    QVERIFY(s.error().message.contains(QLatin1String("OPENAI_API_KEY")));
    c.llm = QStringLiteral("anthropic");
    s = pipeline::builtStages(c);
    QVERIFY(!s.ok() && s.error().message.contains(QLatin1String("ANTHROPIC_API_KEY")));
    c.llm = QStringLiteral("gpt");
    s = pipeline::builtStages(c);
    QVERIFY(!s.ok() && s.error().message.contains(QLatin1String("offline, openai, openai-compatible or anthropic")));
    c.llm = QStringLiteral("offline");
    c.llmPricesFile = QStringLiteral("/nonexistent/prices.json");
    s = pipeline::builtStages(c);
    QVERIFY(!s.ok() && s.error().message.contains(QLatin1String("/nonexistent/prices.json")));
    // A wrong key fails the event with the provider's message, and the key is not in it.
    LlmEmulator emu;
    QVERIFY(emu.start());
    Config cfg;
    cfg.llm = QStringLiteral("openai");
    cfg.openaiApiKey = "sk-wrong-secret-123";
    cfg.openaiBaseUrl = emu.openaiBaseUrl();
    cfg.llmConcurrency = 1;
    auto engine = openEngine(cfg, QStringLiteral("badkey"));
    const QString id = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(1));
    QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, id), 20000);
    const EventDetail d = detailOf(*engine, id);
    QCOMPARE(d.summary.status, EventStatus::Failed);
    QVERIFY2(d.summary.lastError.contains(QLatin1String("HTTP 401 (invalid_request_error/invalid_api_key)")),
             qPrintable(d.summary.lastError));
    QVERIFY(!d.summary.lastError.contains(QLatin1String("sk-wrong-secret-123")));
    QCOMPARE(emu.requestCount(), 1); // not retried
    engine->stop();
}

void TestEnrich::replayWithAPromptVersionReEnriches()
{
    auto engine = openEngine(Config{}, QStringLiteral("replayprompt"));
    const QString id = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(7));
    QTRY_VERIFY_WITH_TIMEOUT(settled(*engine, id), 20000);
    auto c = engine->database()->acquire();
    auto v1 = store::PromptRepository::active(*c.value(), QStringLiteral("enrich"));
    QVERIFY(c.value()
                ->exec("INSERT INTO prompt_versions (name, version, template, settings, author, created_at, active)"
                       " VALUES ('enrich', 2, $1, '{}', 'test', 1, 0)",
                       {QString(v1->templateText + QStringLiteral("\nBe brief."))})
                .ok());
    // Wrong uses are refused before anything changes.
    auto bad = pipeline::Replay::replay(*c.value(), {{id}, 0, 0, {}, {}}, QStringLiteral("plan"),
                                        QStringLiteral("test"), 5, false, nowMs(), 2);
    QVERIFY(!bad.ok() && bad.error().httpStatus == 400);
    bad = pipeline::Replay::replay(*c.value(), {{id}, 0, 0, {}, {}}, {}, QStringLiteral("test"), 5, false, nowMs(), 9);
    QVERIFY(!bad.ok() && bad.error().message.contains(QLatin1String("no version 9")));
    auto plan
        = pipeline::Replay::replay(*c.value(), {{id}, 0, 0, {}, {}}, {}, QStringLiteral("test"), 5, false, nowMs(), 2);
    QVERIFY2(plan.ok(), qPrintable(plan.error().message));
    QCOMPARE(plan->queued, QStringList{id});
    engine->runner()->waker().notify();
    QTRY_COMPARE_WITH_TIMEOUT(detailOf(*engine, id).enrichments.size(), 2, 20000);
    const EventDetail d = detailOf(*engine, id);
    QCOMPARE(d.enrichments.first().promptVersion, 1);
    QCOMPARE(d.enrichments.last().promptVersion, 2);
    // The active version is unchanged: new events still use version 1.
    QCOMPARE(store::PromptRepository::active(*c.value(), QStringLiteral("enrich"))->version, 1);
    engine->stop();
}

void TestEnrich::stopAbandonsASlowCallAndGivesTheJobBack()
{
    LlmEmulator emu;
    emu.start();
    emu.setDefaultDelayMs(120000); // a model that would keep the worker for two minutes
    Config cfg = openaiConfig(emu);
    cfg.llmTimeoutMs = 120000;
    auto engine = openEngine(cfg, QStringLiteral("stop"));
    const QString id = ingestOne(*engine, QStringLiteral("chat"), "application/json", chat(1));
    QTRY_VERIFY_WITH_TIMEOUT(emu.requestCount() > 0, 20000); // the call is out and waiting
    QElapsedTimer stopping;
    stopping.start();
    engine->stop();
    const qint64 tookMs = stopping.elapsed();
    qInfo() << "stop with an LLM call in flight took" << tookMs << "ms";
    QVERIFY2(tookMs < 10000, "stop waited for the LLM call instead of abandoning it");
    // The job is back in the queue, no attempt used, and nobody holds it.
    const EventDetail d = detailOf(*engine, id);
    QCOMPARE(d.summary.status, EventStatus::Normalised);
    QCOMPARE(d.jobs.size(), 1);
    QCOMPARE(d.jobs.first().stage, QStringLiteral("enrich"));
    QCOMPARE(d.jobs.first().attempts, 0);
    QVERIFY(d.jobs.first().lastError.contains(QLatin1String("stopping")));
}
