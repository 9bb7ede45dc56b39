// The API's JSON codec (engine/api/json.h): what the server writes, a client reads back the same.
#include "tst_suites.h"

#include "engine/api/json.h"

#include <QtTest>

using namespace salesflow;

namespace {

constexpr qint64 kT = 1764590400123; // 2025-12-01T12:00:00.123Z

/// toJson(fromJson(toJson(v))) == toJson(v): nothing the server writes is lost on the way back.
template<typename T>
T roundTrip(const T &v)
{
    const QJsonObject written = json::toJson(v);
    const T read = json::fromJson<T>(written);
    if (json::toJson(read) != written)
        qWarning().noquote() << "differs:" << QJsonDocument(written).toJson()
                             << QJsonDocument(json::toJson(read)).toJson();
    return read;
}

EnrichmentInfo enrichment()
{
    EnrichmentInfo e;
    e.id = 7;
    e.summary = QStringLiteral("Asks about SSO");
    e.intent = QStringLiteral("high");
    e.leadQuality = 81;
    e.objections = {{QStringLiteral("security"), QStringLiteral("we need SSO")}};
    e.nextAction = QStringLiteral("Send the SOC 2 report");
    e.followUpSubject = QStringLiteral("SSO");
    e.followUpBody = QStringLiteral("Hi Dana");
    e.leadScoreChange = 12;
    e.confidence = 0.75;
    e.promptName = QStringLiteral("enrich");
    e.promptVersion = 2;
    e.provider = QStringLiteral("openai");
    e.model = QStringLiteral("gpt-4o-mini");
    e.requestId = QStringLiteral("req_1");
    e.inputTokens = 900;
    e.outputTokens = 200;
    e.cachedTokens = 100;
    e.latencyMs = 1234;
    e.costUsd = 0.0012;
    e.llmCalls = 1;
    e.httpRetries = 2;
    e.outcome = QStringLiteral("ok");
    e.reviewState = QStringLiteral("pending");
    e.reviewReasons = {QStringLiteral("low confidence")};
    e.validationNotes = {QStringLiteral("note")};
    e.rawOutput = QStringLiteral("{}");
    e.createdAtMs = kT;
    return e;
}

EventDetail detail()
{
    EventDetail d;
    d.summary = EventSummary{QStringLiteral("0193-a"),
                             QStringLiteral("email"),
                             EventStatus::InReview,
                             QStringLiteral("message/rfc822"),
                             QStringLiteral("mid:<a@b>"),
                             kT,
                             kT + 5,
                             321,
                             QString(),
                             QString(),
                             QStringLiteral("Dana"),
                             QStringLiteral("Northwind"),
                             QStringLiteral("SSO?"),
                             QStringLiteral("high"),
                             0.75};
    d.normalised = NormalisedInfo{QStringLiteral("email"),
                                  kT,
                                  QStringLiteral("Dana"),
                                  QStringLiteral("Northwind"),
                                  QStringLiteral("D-1"),
                                  QStringLiteral("SSO?"),
                                  QStringLiteral("text"),
                                  QStringLiteral("{\"k\":1}"),
                                  QStringLiteral("dana@northwind.example"),
                                  QStringLiteral("northwind.example"),
                                  QString()};
    d.enrichments = {enrichment()};
    d.actions = {ActionInfo{3, QStringLiteral("note"), QStringLiteral("k1"), QStringLiteral("contact:1"),
                            QStringLiteral("done"), QStringLiteral("991"), 1, QString(), QStringLiteral("ok"), 201,
                            QStringLiteral("{\"a\":2}")}};
    d.payload = "From: dana@northwind.example\r\n\r\nhello";
    d.audit = {AuditEntry{4, QStringLiteral("0193-a"), QStringLiteral("worker:1"), QStringLiteral("enriched"),
                          EventStatus::Normalised, EventStatus::InReview, QStringLiteral("why"), kT}};
    d.jobs = {JobInfo{9, QStringLiteral("plan"), 2, kT, QStringLiteral("host:1"), QStringLiteral("boom")}};
    return d;
}

} // namespace

void TestJson::everyTypeRoundTrips()
{
    const EventDetail d = detail();
    const EventDetail back = roundTrip(d);
    QCOMPARE(json::toJson(back), json::toJson(d));
    QCOMPARE(back.summary.receivedAtMs, kT);
    QCOMPARE(back.summary.sizeBytes, 321);
    QCOMPARE(back.payload, d.payload);
    QCOMPARE(back.normalised->contactKey, QStringLiteral("dana@northwind.example"));
    QCOMPARE(back.enrichments.first().costUsd.value(), 0.0012);
    QCOMPARE(back.enrichments.first().objections.first().evidence, QStringLiteral("we need SSO"));
    QCOMPARE(back.actions.first().lastResponseCode, 201);
    QCOMPARE(back.jobs.first().leaseOwner, QStringLiteral("host:1"));

    const EventPage page{{d.summary}, QStringLiteral("0193-a")};
    QCOMPARE(json::toJson(roundTrip(page)), json::toJson(page));
    QCOMPARE(roundTrip(page).next, QStringLiteral("0193-a"));
    QCOMPARE(roundTrip(page).items.first().confidence.value(), 0.75);
    QCOMPARE(roundTrip(page).items.first().company, QStringLiteral("Northwind"));
    const AuditPage audit{d.audit, QStringLiteral("4")};
    QCOMPARE(json::toJson(roundTrip(audit)), json::toJson(audit));

    Stats s;
    s.byStatus = {{EventStatus::Done, 3}};
    s.bySource = {{QStringLiteral("form"), 3}};
    s.queueByStage = {{QStringLiteral("plan"), 1}};
    s.oldestJobAgeMs = {{QStringLiteral("plan"), 1500}};
    s.replaysRunning = 1;
    s.total = 3;
    s.ingestedLastMinute = 2;
    s.enrichments = 3;
    s.llmInputTokens = 10;
    s.llmOutputTokens = 20;
    s.llmCachedTokens = 5;
    s.llmCostUsd = 0.5;
    s.actionsByStatus = {{QStringLiteral("done"), 4}};
    s.hubspotCallsToday = 8;
    s.hubspotDailyBudget = 225000;
    s.hubspotPausedUntilMs = kT;
    QCOMPARE(json::toJson(roundTrip(s)), json::toJson(s));
    QCOMPARE(roundTrip(s).hubspotPausedUntilMs, kT);

    const ChangeSet changes{{Change{QStringLiteral("0193-a"), EventStatus::Done, QStringLiteral("written"),
                                    QStringLiteral("worker:1"), kT}},
                            {{EventStatus::Done, 1}},
                            QStringLiteral("12.0193-a")};
    QCOMPARE(json::toJson(roundTrip(changes)), json::toJson(changes));
    QCOMPARE(roundTrip(changes).cursor, QStringLiteral("12.0193-a"));
    const IngestReceipt receipt{QStringLiteral("0193-b"), true};
    QCOMPARE(roundTrip(receipt).duplicate, true);
}

void TestJson::lineagePayloadKeepsBinaryBytes()
{
    EventDetail d = detail();
    d.payload = QByteArray("\xff\xfe\x00\x01 not utf-8", 15);
    const QJsonObject written = json::toJson(d);
    QCOMPARE(written.value(QStringLiteral("raw")).toObject().value(QStringLiteral("encoding")).toString(),
             QStringLiteral("base64"));
    QCOMPARE(json::fromJson<EventDetail>(written).payload, d.payload);
}
