// The HTTP contract of PRODUCT.md over a real socket: status codes, problem+json, roles,
// batches, HubSpot signatures, paging, metrics — on SQLite and PostgreSQL.
#include "tst_suites.h"

#include "engine/core/clock.h"
#include "engine/http/apilistener.h"
#include "engine/hubspot/webhooksignature.h"
#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "engine/store/tokenrepository.h"
#include "tests/support/apiserve.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/httpclient.h"
#include "tests/support/manualclock.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QtConcurrent>
#include <QtTest>

using namespace salesflow;
using test::HttpResponse;

namespace {
const QByteArray kSecret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";

QJsonObject obj(const HttpResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}
} // namespace

struct TestHttp::Fixture
{
    std::unique_ptr<LocalEngine> engine;
    std::unique_ptr<http::ApiListener> server;
    quint16 port = 0;
    QByteArray ingest, viewer, admin;

    HttpResponse call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                      QList<QPair<QByteArray, QByteArray>> headers = {}, const QByteArray &token = {})
    {
        if (!token.isEmpty())
            headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Bearer " + token)));
        const quint16 p = port;
        auto f
            = QtConcurrent::run([=] { return test::HttpClient("127.0.0.1", p).request(method, path, body, headers); });
        while (!f.isFinished())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        return f.result();
    }
    HttpResponse postJson(const QByteArray &path, const QByteArray &body, const QByteArray &token,
                          QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        return call("POST", path, body, headers, token);
    }
};

TestHttp::TestHttp() = default;
TestHttp::~TestHttp() = default;

void TestHttp::init()
{
    m_f = std::make_unique<Fixture>();
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("http"));
    auto e = LocalEngine::open(o);
    QVERIFY2(e.ok(), qPrintable(e.error().message));
    m_f->engine = std::move(e).value();
    m_f->ingest = test::createToken(*m_f->engine, QStringLiteral("in"), Role::Ingest);
    m_f->viewer = test::createToken(*m_f->engine, QStringLiteral("view"), Role::Viewer);
    m_f->admin = test::createToken(*m_f->engine, QStringLiteral("adm"), Role::Admin);
    m_f->server
        = test::serveApi(m_f->engine.get(), m_f->engine.get(), http::ApiServer::Options{4096, kSecret, {}}, &m_f->port);
}

void TestHttp::cleanup()
{
    m_f.reset();
}

void TestHttp::healthNeedsNoToken()
{
    QCOMPARE(m_f->call("GET", "/healthz").status, 200);
    auto ready = m_f->call("GET", "/readyz");
    QCOMPARE(ready.status, 200);
    QCOMPARE(obj(ready).value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
}

void TestHttp::authAndRoles()
{
    auto none = m_f->postJson("/v1/events/form", "{}", {});
    QCOMPARE(none.status, 401);
    QCOMPARE(none.header("Content-Type"), QByteArray("application/problem+json"));
    const QJsonObject p = obj(none);
    QCOMPARE(p.value(QStringLiteral("status")).toInt(), 401);
    QVERIFY(!p.value(QStringLiteral("type")).toString().isEmpty());
    QVERIFY(!p.value(QStringLiteral("title")).toString().isEmpty());
    QVERIFY(!p.value(QStringLiteral("detail")).toString().isEmpty());
    QCOMPARE(m_f->postJson("/v1/events/form", "{}", "sft_not_a_token").status, 401);
    QCOMPARE(m_f->postJson("/v1/events/form", "{}", m_f->viewer).status, 403); // viewers only read
    QCOMPARE(m_f->call("GET", "/v1/events", {}, {}, m_f->ingest).status, 403); // ingest only posts
    QCOMPARE(m_f->call("GET", "/v1/events", {}, {}, m_f->viewer).status, 200);
    QCOMPARE(m_f->postJson("/v1/events/form", "{}", m_f->admin).status, 202); // admin may do all
}

void TestHttp::ingestAnswersPerContract()
{
    auto first = m_f->postJson("/v1/events/form", R"({"submission_id":"x1","fields":{"email":"a@b.co"}})", m_f->ingest);
    QCOMPARE(first.status, 202);
    const QString id = obj(first).value(QStringLiteral("id")).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(obj(first).value(QStringLiteral("duplicate")).toBool(), false);
    auto dup = m_f->postJson("/v1/events/form", R"({"submission_id":"x1"})", m_f->ingest);
    QCOMPARE(dup.status, 200);
    QCOMPARE(obj(dup).value(QStringLiteral("id")).toString(), id);
    QCOMPARE(obj(dup).value(QStringLiteral("duplicate")).toBool(), true);
    auto idem = m_f->postJson("/v1/events/chat", "{}", m_f->ingest, {{"Idempotency-Key", "abc"}});
    QCOMPARE(idem.status, 202);
    QCOMPARE(m_f->postJson("/v1/events/chat", R"({"other":1})", m_f->ingest, {{"Idempotency-Key", "abc"}}).status, 200);

    auto malformed = m_f->postJson("/v1/events/form", "{\"a\":", m_f->ingest);
    QCOMPARE(malformed.status, 400);
    QCOMPARE(malformed.header("Content-Type"), QByteArray("application/problem+json"));
    QCOMPARE(m_f->postJson("/v1/events/telepathy", "{}", m_f->ingest).status, 404);
    QCOMPARE(m_f->call("POST", "/v1/events/form", "x", {{"Content-Type", "text/plain"}}, m_f->ingest).status, 415);
    auto big = m_f->postJson("/v1/events/chat", "{\"t\":\"" + QByteArray(5000, 'a') + "\"}", m_f->ingest);
    QCOMPARE(big.status, 413);
    QCOMPARE(m_f->call("DELETE", "/v1/events", {}, {}, m_f->admin).status, 405);
    QCOMPARE(m_f->call("GET", "/v2/nothing", {}, {}, m_f->admin).status, 404);
    auto email = m_f->call("POST", "/v1/events/email", "From: a@b.c\r\nMessage-ID: <1@b.c>\r\n\r\nhello",
                           {{"Content-Type", "message/rfc822"}}, m_f->ingest);
    QCOMPARE(email.status, 202);
    auto vtt = m_f->call("POST", "/v1/events/transcript", "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Ann>Hello\n",
                         {{"Content-Type", "text/vtt"}}, m_f->ingest);
    QCOMPARE(vtt.status, 202);
    auto seg
        = m_f->postJson("/v1/events/product", R"({"type":"identify","messageId":"m-1","userId":"u1"})", m_f->ingest);
    QCOMPARE(seg.status, 202);
}

void TestHttp::batchAnswersPerItemInOrder()
{
    auto r = m_f->postJson(
        "/v1/events/product/batch",
        R"([{"type":"track","messageId":"a"},{"type":"track","messageId":"a"},"not an object",{"type":"page","messageId":"b"}])",
        m_f->ingest);
    QCOMPARE(r.status, 202);
    const QJsonArray items = obj(r).value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 4);
    QCOMPARE(items[0].toObject().value(QStringLiteral("status")).toInt(), 202);
    QCOMPARE(items[1].toObject().value(QStringLiteral("status")).toInt(), 200);
    QCOMPARE(items[1].toObject().value(QStringLiteral("id")), items[0].toObject().value(QStringLiteral("id")));
    QCOMPARE(items[2].toObject().value(QStringLiteral("status")).toInt(), 415);
    QCOMPARE(items[3].toObject().value(QStringLiteral("status")).toInt(), 202);
    QCOMPARE(m_f->postJson("/v1/events/product/batch", "{}", m_f->ingest).status, 400);
    QCOMPARE(m_f->postJson("/v1/events/product/batch", "[]", m_f->ingest).status, 400);
    // An Idempotency-Key on a batch names the batch: a retried batch is all duplicates.
    const QByteArray twoChats = R"([{"a":1},{"a":2}])";
    auto keyed = m_f->postJson("/v1/events/chat/batch", twoChats, m_f->ingest, {{"Idempotency-Key", "batch-7"}});
    QCOMPARE(keyed.status, 202);
    auto retried = m_f->postJson("/v1/events/chat/batch", twoChats, m_f->ingest, {{"Idempotency-Key", "batch-7"}});
    QCOMPARE(retried.status, 200);
    const QJsonArray again = obj(retried).value(QStringLiteral("items")).toArray();
    QCOMPARE(again.size(), 2);
    QCOMPARE(again[1].toObject().value(QStringLiteral("id")),
             obj(keyed).value(QStringLiteral("items")).toArray()[1].toObject().value(QStringLiteral("id")));
    auto emails
        = m_f->postJson("/v1/events/email/batch", R"(["From: x@y.z\r\nMessage-ID: <e1@y>\r\n\r\nHi"])", m_f->ingest);
    QCOMPARE(emails.status, 202);
    // A Segment batch posted as one event answers per message: which were new, which duplicates.
    const QByteArray segment = R"({"batch":[{"type":"track","messageId":"s1","userId":"u","event":"A"},)"
                               R"({"type":"alias","messageId":"s2","userId":"u","previousId":"anon-1"}]})";
    auto first = m_f->postJson("/v1/events/product", segment, m_f->ingest);
    QCOMPARE(first.status, 202);
    QCOMPARE(obj(first).value(QStringLiteral("items")).toArray().size(), 2);
    auto repeat = m_f->postJson("/v1/events/product", segment, m_f->ingest);
    QCOMPARE(repeat.status, 200);
    for (const QJsonValue &item : obj(repeat).value(QStringLiteral("items")).toArray())
        QVERIFY(item.toObject().value(QStringLiteral("duplicate")).toBool());
    // A batch of one is still answered per message.
    auto single = m_f->postJson(
        "/v1/events/product", R"({"batch":[{"type":"track","messageId":"s3","userId":"u","event":"B"}]})", m_f->ingest);
    QCOMPARE(single.status, 202);
    QCOMPARE(obj(single).value(QStringLiteral("items")).toArray().size(), 1);
}

void TestHttp::hubspotWebhookChecksSignatureV3()
{
    const QByteArray body
        = R"([{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":1731612210994,"subscriptionType":"contact.creation","objectId":5,"changeFlag":"NEW"}])";
    const QByteArray ts = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QByteArray uri = "http://127.0.0.1:" + QByteArray::number(m_f->port) + "/v1/events/hubspot";
    const QByteArray sig = hubspot::signatureV3(kSecret, "POST", uri, body, ts);
    auto signedHeaders = [&](const QByteArray &s, const QByteArray &t) {
        return QList<QPair<QByteArray, QByteArray>>{
            {"Content-Type", "application/json"}, {"X-HubSpot-Signature-v3", s}, {"X-HubSpot-Request-Timestamp", t}};
    };
    auto ok = m_f->call("POST", "/v1/events/hubspot", body, signedHeaders(sig, ts));
    QVERIFY2(ok.status == 202, ok.body.constData());
    QCOMPARE(obj(ok).value(QStringLiteral("items")).toArray().size(), 1);
    auto again = m_f->call("POST", "/v1/events/hubspot", body, signedHeaders(sig, ts));
    QCOMPARE(again.status, 200); // a re-delivery is a duplicate, and still a 2xx for HubSpot
    QCOMPARE(m_f->call("POST", "/v1/events/hubspot", body, signedHeaders("AAAA" + sig.mid(4), ts)).status, 401);
    QCOMPARE(m_f->call("POST", "/v1/events/hubspot", body + " ", signedHeaders(sig, ts)).status, 401);
    const QByteArray old = QByteArray::number(QDateTime::currentMSecsSinceEpoch() - 301000);
    QCOMPARE(m_f->call("POST", "/v1/events/hubspot", body,
                       signedHeaders(hubspot::signatureV3(kSecret, "POST", uri, body, old), old))
                 .status,
             401);
    QCOMPARE(m_f->call("POST", "/v1/events/hubspot", body, {{"Content-Type", "application/json"}}).status, 401);
    // A timestamp from the future is no better than an old one (a forged clock).
    for (qint64 ahead : {qint64(3600) * 1000, qint64(30) * 365 * 24 * 3600 * 1000}) {
        const QByteArray future = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + ahead);
        QCOMPARE(m_f->call("POST", "/v1/events/hubspot", body,
                           signedHeaders(hubspot::signatureV3(kSecret, "POST", uri, body, future), future))
                     .status,
                 401);
    }
    // A captured delivery replayed with an unsigned Idempotency-Key is still the same delivery.
    auto replayed = signedHeaders(sig, ts);
    replayed.append(qMakePair(QByteArray("Idempotency-Key"), QByteArray("fresh-key-1")));
    const auto replay = m_f->call("POST", "/v1/events/hubspot", body, replayed);
    QCOMPARE(replay.status, 200);
    QCOMPARE(obj(replay)
                 .value(QStringLiteral("items"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("duplicate"))
                 .toBool(),
             true);
    // The batch path is a webhook path too: signed, never an ingest token.
    QCOMPARE(m_f->postJson("/v1/events/hubspot/batch", body, m_f->ingest).status, 401);
    const QByteArray batchUri = "http://127.0.0.1:" + QByteArray::number(m_f->port) + "/v1/events/hubspot/batch";
    QCOMPARE(m_f->call("POST", "/v1/events/hubspot/batch", body,
                       signedHeaders(hubspot::signatureV3(kSecret, "POST", batchUri, body, ts), ts))
                 .status,
             200); // signed: taken (a duplicate of the delivery above)
}

void TestHttp::signatureTestVectors()
{
    // reference/hubspot/NOTES.md §10, from the official Python SDK's tests.
    QCOMPARE(hubspot::signatureV3(kSecret, "POST", "https://www.example.com/webhook_uri",
                                  "{'example_field':'example_value'}", "1693657560000"),
             QByteArray("K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="));
    QCOMPARE(hubspot::canonicalUri("https://x.com/a%3Ab%2Fc?q=%20%40"), QByteArray("https://x.com/a:b/c?q=%20@"));
}

void TestHttp::listDetailAndPaging()
{
    for (int i = 0; i < 7; ++i)
        QCOMPARE(m_f->postJson("/v1/events/chat", "{\"n\":" + QByteArray::number(i) + "}", m_f->ingest).status, 202);
    QCOMPARE(m_f->call("POST", "/v1/events/email", QByteArray("Message-ID: <bin@x>\r\n\r\n\xff\xfe", 25),
                       {{"Content-Type", "message/rfc822"}}, m_f->ingest)
                 .status,
             202);
    QStringList ids;
    QByteArray path = "/v1/events?source=chat&limit=3";
    for (int page = 0; page < 5; ++page) {
        auto r = m_f->call("GET", path, {}, {}, m_f->viewer);
        QCOMPARE(r.status, 200);
        for (const auto &v : obj(r).value(QStringLiteral("items")).toArray())
            ids << v.toObject().value(QStringLiteral("id")).toString();
        const QJsonValue next = obj(r).value(QStringLiteral("next"));
        if (next.isNull())
            break;
        path = "/v1/events?source=chat&limit=3&after=" + next.toString().toLatin1();
    }
    QCOMPARE(ids.size(), 7);
    QCOMPARE(m_f->call("GET", "/v1/events?status=bogus", {}, {}, m_f->viewer).status, 400);
    QCOMPARE(m_f->call("GET", "/v1/events?limit=0", {}, {}, m_f->viewer).status, 400);
    QCOMPARE(m_f->call("GET", "/v1/events?since=yesterday", {}, {}, m_f->viewer).status, 400);
    QCOMPARE(obj(m_f->call("GET", "/v1/events?status=received&since=2020-01-01T00:00:00Z", {}, {}, m_f->viewer))
                 .value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             8);

    auto detail = m_f->call("GET", "/v1/events/" + ids.first().toLatin1(), {}, {}, m_f->viewer);
    QCOMPARE(detail.status, 200);
    const QJsonObject d = obj(detail);
    QCOMPARE(d.value(QStringLiteral("status")).toString(), QStringLiteral("received"));
    QVERIFY(d.value(QStringLiteral("normalised")).isNull()); // no stage ran in this fixture
    QCOMPARE(d.value(QStringLiteral("raw")).toObject().value(QStringLiteral("encoding")).toString(),
             QStringLiteral("utf-8"));
    QCOMPARE(d.value(QStringLiteral("audit")).toArray().size(), 1);
    // The first audit entry says which token posted the event.
    QCOMPARE(d.value(QStringLiteral("audit")).toArray().first().toObject().value(QStringLiteral("actor")).toString(),
             QStringLiteral("token:in"));
    QCOMPARE(d.value(QStringLiteral("audit")).toArray().first().toObject().value(QStringLiteral("action")).toString(),
             QStringLiteral("received"));
    QCOMPARE(d.value(QStringLiteral("jobs")).toArray().first().toObject().value(QStringLiteral("stage")).toString(),
             QStringLiteral("normalise"));

    auto emails = obj(m_f->call("GET", "/v1/events?source=email", {}, {}, m_f->viewer))
                      .value(QStringLiteral("items"))
                      .toArray();
    auto bin = obj(
        m_f->call("GET", "/v1/events/" + emails.first().toObject().value(QStringLiteral("id")).toString().toLatin1(),
                  {}, {}, m_f->viewer));
    QCOMPARE(bin.value(QStringLiteral("raw")).toObject().value(QStringLiteral("encoding")).toString(),
             QStringLiteral("base64"));
    QCOMPARE(QByteArray::fromBase64(
                 bin.value(QStringLiteral("raw")).toObject().value(QStringLiteral("payload")).toString().toLatin1()),
             QByteArray("Message-ID: <bin@x>\r\n\r\n\xff\xfe", 25));
    QCOMPARE(m_f->call("GET", "/v1/events/nope", {}, {}, m_f->viewer).status, 404);
}

void TestHttp::statsAuditAndMetrics()
{
    QCOMPARE(m_f->postJson("/v1/events/chat", "{}", m_f->ingest).status, 202);
    auto stats = obj(m_f->call("GET", "/v1/stats", {}, {}, m_f->viewer));
    QCOMPARE(stats.value(QStringLiteral("by_status")).toObject().value(QStringLiteral("received")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("queue")).toObject().value(QStringLiteral("normalise")).toInt(), 1);
    auto audit = obj(m_f->call("GET", "/v1/audit?limit=10", {}, {}, m_f->viewer));
    QVERIFY(audit.value(QStringLiteral("items")).toArray().size() >= 1);
    auto metrics = m_f->call("GET", "/metrics", {}, {}, m_f->viewer);
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    QVERIFY(metrics.body.contains("# TYPE salesflow_http_requests_total counter"));
    QVERIFY(metrics.body.contains("salesflow_events{status=\"received\"} 1"));
    QVERIFY(metrics.body.contains("salesflow_queue_jobs{stage=\"normalise\"} 1"));
    QVERIFY(metrics.body.contains("salesflow_llm_tokens{kind=\"input\"} 0"));
    QVERIFY(metrics.body.contains("# TYPE salesflow_llm_estimated_cost_usd gauge"));
    QCOMPARE(stats.value(QStringLiteral("llm")).toObject().value(QStringLiteral("enrichments")).toInt(-1), 0);
    QCOMPARE(m_f->call("GET", "/metrics").status, 401);
}

void TestHttp::storeDownAnswers503()
{
    if (!test::isPostgres())
        QSKIP("PostgreSQL only: stops and restarts the database server");
    test::PgServer pg;
    QVERIFY2(pg.start(), qPrintable(pg.error()));
    LocalEngine::Options o;
    o.config.dbUrl = pg.createDatabase(QStringLiteral("down"));
    auto e = LocalEngine::open(o);
    QVERIFY(e.ok());
    QByteArray token;
    token = test::createToken(*e.value(), QStringLiteral("in"), Role::Ingest);
    Fixture f;
    f.engine = std::move(e).value();
    f.server = test::serveApi(f.engine.get(), f.engine.get(), http::ApiServer::Options{4096, kSecret, {}}, &f.port);
    QCOMPARE(f.postJson("/v1/events/chat", R"({"n":1})", token).status, 202); // token now cached

    pg.stop();
    auto down = f.postJson("/v1/events/chat", R"({"n":2})", token);
    QCOMPARE(down.status, 503); // never a 202 that is not durable
    QCOMPARE(down.header("Content-Type"), QByteArray("application/problem+json"));
    const QByteArray where = QByteArray::number(pg.port());
    QVERIFY2(!down.body.contains(where) && !down.body.contains("127.0.0.1"), down.body.constData()); // no address
    const auto notReady = f.call("GET", "/readyz");
    QCOMPARE(notReady.status, 503);
    QVERIFY2(!notReady.body.contains(where), notReady.body.constData());
    QCOMPARE(f.call("GET", "/healthz").status, 200); // the process is up

    QVERIFY(pg.start());
    QCOMPARE(f.postJson("/v1/events/chat", R"({"n":3})", token).status, 202);
    QCOMPARE(f.call("GET", "/readyz").status, 200);
    f.server.reset();
    f.engine.reset();
}

void TestHttp::revocationReachesEveryProcessAtOnce()
{
    // Two engines on one store, as two salesflowd processes would be.
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("revoke"));
    auto a = LocalEngine::open(o);
    auto b = LocalEngine::open(o);
    QVERIFY(a.ok() && b.ok());
    const QByteArray token = test::createToken(*a.value(), QStringLiteral("partner"), Role::Ingest);
    QVERIFY(test::await(a.value()->authenticate(token)).ok()); // now cached in a
    QVERIFY(test::await(b.value()->authenticate(token)).ok());
    QCOMPARE(test::await(b.value()->revokeToken(test::caller(), QStringLiteral("partner"))).value(), 1);
    QCOMPARE(test::await(b.value()->authenticate(token)).error().httpStatus, 401); // the revoking process: at once
    QElapsedTimer t;
    t.start();
    while (test::await(a.value()->authenticate(token)).ok() && t.elapsed() < 5000)
        QThread::msleep(10);
    qInfo() << "the other process refused the revoked token after" << t.elapsed() << "ms";
    QCOMPARE(test::await(a.value()->authenticate(token)).error().httpStatus, 401);
    QVERIFY2(t.elapsed() < 2000, "another process kept honouring a revoked token");
}

void TestHttp::metricsCountEveryServerThread()
{
    http::ApiListener listener(m_f->engine.get(), m_f->engine.get(), http::ApiServer::Options{});
    auto port = listener.listen(QHostAddress::LocalHost, 0, 3);
    QVERIFY2(port.ok(), qPrintable(port.error().message));
    const quint16 p = port.value();
    // One connection per request: the kernel spreads them over the three server threads.
    for (int i = 0; i < 30; ++i)
        QCOMPARE(test::HttpClient("127.0.0.1", p).request("GET", "/healthz").status, 200);
    // Whichever thread answers /metrics counts every thread's requests.
    for (int i = 0; i < 3; ++i) {
        const auto m = test::HttpClient("127.0.0.1", p)
                           .request("GET", "/metrics", {}, {{"Authorization", "Bearer " + m_f->viewer}});
        QCOMPARE(m.status, 200);
        const QByteArray requests = "salesflow_http_requests_total " + QByteArray::number(31 + i) + "\n";
        const QByteArray answered = "salesflow_http_responses_total{code=\"200\"} " + QByteArray::number(30 + i) + "\n";
        QVERIFY2(m.body.contains(requests), m.body.constData());
        QVERIFY2(m.body.contains(answered), m.body.constData());
    }
    listener.stop();
}

void TestHttp::changeFeedSeesOtherProcesses()
{
    // Two engines on one store, as an API process and a worker process would be: a long poll on
    // one wakes for an event another took in.
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("feed"));
    auto a = LocalEngine::open(o);
    auto b = LocalEngine::open(o);
    QVERIFY(a.ok() && b.ok());
    auto now = test::await(a.value()->changes(test::caller(), QString(), 0));
    QVERIFY(now.ok());
    QElapsedTimer t;
    t.start();
    auto poll = a.value()->changes(test::caller(), now->cursor, 20000);
    auto posted = test::await(b.value()->ingest(
        test::caller(), {IngestItem{QStringLiteral("chat"), "application/json", R"({"id":"x","messages":[]})", {}}}));
    QVERIFY(posted.ok());
    auto woke = test::await(poll);
    qInfo() << "a change made through another process showed up after" << t.elapsed() << "ms";
    QVERIFY2(woke.ok(), qPrintable(woke.error().message));
    QCOMPARE(woke->items.size(), 1);
    QCOMPARE(woke->items.first().eventId, posted->first()->id);
    QVERIFY2(t.elapsed() < 2000, "the feed did not see the other process's change within its polling interval");
}

void TestHttp::deepNestingIsRefusedOnEveryRouteAndTheServerLives()
{
    // 60,000 levels in 120 KB: parsed, then copied or dumped recursively, this overflowed the
    // HTTP thread's stack and killed the server. Refused at the door instead, on every route.
    Fixture f;
    f.server = test::serveApi(m_f->engine.get(), m_f->engine.get(), http::ApiServer::Options{1024 * 1024, kSecret, {}},
                              &f.port);
    const QByteArray deep = QByteArray(60000, '[') + QByteArray(60000, ']');
    const QByteArray deepObject = QByteArray("{\"a\":").repeated(30000) + "1" + QByteArray(30000, '}');
    const QList<QPair<QByteArray, QByteArray>> posts{
        {"/v1/events/form", deep},
        {"/v1/events/chat", "{\"messages\":" + deep + "}"},
        {"/v1/events/email", deepObject},
        {"/v1/events/transcript", deep},
        {"/v1/events/product",
         "{\"batch\":[{\"type\":\"track\",\"messageId\":\"m\",\"properties\":" + deepObject + "}]}"},
        {"/v1/events/chat/batch", "[" + deep + "]"},
    };
    for (const auto &p : posts) {
        const auto r = f.postJson(p.first, p.second, m_f->ingest);
        QVERIFY2(r.status == 400,
                 qPrintable(QString::fromLatin1(p.first + " answered " + QByteArray::number(r.status))));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/problem+json"));
    }
    // The signed HubSpot webhook too.
    const QByteArray body = "[{\"eventId\":1,\"subscriptionId\":2,\"portalId\":3,\"propertyValue\":" + deep + "}]";
    const QByteArray ts = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QByteArray uri = "http://127.0.0.1:" + QByteArray::number(f.port) + "/v1/events/hubspot";
    const auto signedPost = f.call("POST", "/v1/events/hubspot", body,
                                   {{"Content-Type", "application/json"},
                                    {"X-HubSpot-Signature-v3", hubspot::signatureV3(kSecret, "POST", uri, body, ts)},
                                    {"X-HubSpot-Request-Timestamp", ts}});
    // A delivery answers per element (HubSpot retries only on 5xx): here, one refusal.
    QCOMPARE(signedPost.status, 200);
    QCOMPARE(obj(signedPost)
                 .value(QStringLiteral("items"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toInt(),
             400);
    QCOMPARE(f.call("GET", "/healthz").status, 200); // still alive
}

namespace {

struct MatrixRoute
{
    QByteArray method, path, body;
    Permission needs;
};

/// Every protected route, with a body the route accepts far enough to say 2xx, 400, 404 or 409
/// once the caller is let in.
QList<MatrixRoute> protectedRoutes()
{
    return {
        {"GET", "/v1/events", {}, Permission::Read},
        {"GET", "/v1/events/nope", {}, Permission::Read},
        {"GET", "/v1/stats", {}, Permission::Read},
        {"GET", "/metrics", {}, Permission::Read},
        {"GET", "/v1/audit", {}, Permission::Read},
        {"GET", "/v1/changes", {}, Permission::Read},
        {"GET", "/v1/review", {}, Permission::Read},
        {"POST", "/v1/review/nope/claim", {}, Permission::Review},
        {"POST", "/v1/review/nope", R"({"decision":"approve"})", Permission::Review},
        {"POST", "/v1/events/form", R"({"fields":{"email":"m@x.example"}})", Permission::Ingest},
        {"POST", "/v1/events/form/batch", R"([{"fields":{"email":"n@x.example"}}])", Permission::Ingest},
        {"POST", "/v1/tokens", R"({"name":"made","role":"viewer"})", Permission::Admin},
        {"POST", "/v1/tokens/nobody/revoke", {}, Permission::Admin},
        {"GET", "/v1/tokens", {}, Permission::Admin},
        {"GET", "/v1/users", {}, Permission::Admin},
        {"POST", "/v1/users", R"({"name":"x","role":"nonsense"})", Permission::Admin},
        {"POST", "/v1/users/nobody/disable", {}, Permission::Admin},
        // Open to every reader at the door; the engine lets only admins change another's password.
        {"POST", "/v1/users/nobody/password", R"({"password":"long enough"})", Permission::Admin},
    };
}

} // namespace

void TestHttp::roleMatrixOnEveryRoute()
{
    test::ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    LocalEngine &e = *m_f->engine;
    const QByteArray reviewer = test::createToken(e, QStringLiteral("rev"), Role::Reviewer);
    const QByteArray revoked = test::createToken(e, QStringLiteral("gone"), Role::Admin);
    QVERIFY(test::await(e.revokeToken(test::caller(), QStringLiteral("gone"))).ok());
    for (const char *name : {"rita", "dora"})
        QVERIFY(test::await(e.addUser(test::caller(), QString::fromLatin1(name), Role::Reviewer, "a long passphrase"))
                    .ok());
    const QByteArray session
        = test::await(e.login(QStringLiteral("rita"), "a long passphrase", QStringLiteral("t"))).value().token;
    const QByteArray disabled
        = test::await(e.login(QStringLiteral("dora"), "a long passphrase", QStringLiteral("t"))).value().token;
    QVERIFY(test::await(e.disableUser(test::caller(), QStringLiteral("dora"))).ok());

    const QList<QPair<QByteArray, Role>> roles{{m_f->ingest, Role::Ingest},
                                               {m_f->viewer, Role::Viewer},
                                               {reviewer, Role::Reviewer},
                                               {session, Role::Reviewer},
                                               {m_f->admin, Role::Admin}};
    const QList<QByteArray> refused{QByteArray(), "sft_not_a_token", "sfs_not_a_session", revoked, disabled};
    int tried = 0;
    for (const MatrixRoute &route : protectedRoutes()) {
        const QByteArray type = route.body.isEmpty() ? QByteArray() : QByteArray("application/json");
        auto call = [&](const QByteArray &token) {
            ++tried;
            QList<QPair<QByteArray, QByteArray>> headers;
            if (!type.isEmpty())
                headers.append({"Content-Type", type});
            return m_f->call(route.method, route.path, route.body, headers, token).status;
        };
        for (const QByteArray &token : refused)
            QVERIFY2(call(token) == 401,
                     QByteArray(route.method + ' ' + route.path + " let in " + token.left(8)).constData());
        for (const auto &[token, role] : roles) {
            const int status = call(token);
            const bool allowed = permits(role, route.needs);
            QVERIFY2(
                allowed ? (status != 401 && status != 403) : status == 403,
                qPrintable(QStringLiteral("%1 %2 as %3: %4")
                               .arg(QString::fromLatin1(route.method), QString::fromLatin1(route.path), roleName(role))
                               .arg(status)));
        }
    }
    // Twelve hours on, the session has expired: refused everywhere, and it says so.
    clock.now += 13LL * 3600 * 1000;
    for (const MatrixRoute &route : protectedRoutes()) {
        const auto r = m_f->call(route.method, route.path, route.body, {{"Content-Type", "application/json"}}, session);
        QVERIFY2(r.status == 401 && r.body.contains("auth.session_expired"), route.path.constData());
    }
    qInfo() << tried << "route x credential combinations tried";
}

void TestHttp::reviewerWorksTheQueueOverHttp()
{
    // The issue's script, as a client would run it over HTTP against a running engine.
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("script"));
    o.config.reviewThreshold = 1.0; // every event goes to review
    auto engine = test::openEngine(o.config, {}, test::allStages());
    Fixture f;
    f.server = test::serveApi(engine.get(), engine.get(), http::ApiServer::Options{}, &f.port);
    const QByteArray admin = test::createToken(*engine, QStringLiteral("adm"), Role::Admin);
    const QByteArray ingest = test::createToken(*engine, QStringLiteral("site"), Role::Ingest);
    QCOMPARE(
        f.postJson("/v1/users", R"({"name":"rita","role":"reviewer","password":"a long passphrase"})", admin).status,
        201);
    QStringList ids;
    for (const char *sid : {"q-1", "q-2"}) {
        const auto r
            = f.postJson("/v1/events/form",
                         QByteArray(R"({"submission_id":")") + sid
                             + R"(","fields":{"email":"dana@northwind.example","message":"Is SSO included?"}})",
                         ingest);
        QCOMPARE(r.status, 202);
        ids << obj(r).value(QStringLiteral("id")).toString();
    }
    const auto login = f.postJson("/v1/session", R"({"username":"rita","password":"a long passphrase"})", {});
    QCOMPARE(login.status, 200);
    const QByteArray rita = obj(login).value(QStringLiteral("token")).toString().toLatin1();
    QJsonArray queue;
    QTRY_VERIFY_WITH_TIMEOUT(
        (queue = obj(f.call("GET", "/v1/review", {}, {}, rita)).value(QStringLiteral("items")).toArray()).size() == 2,
        20000);
    QVERIFY(!queue.first().toObject().value(QStringLiteral("reasons")).toArray().isEmpty());
    const QByteArray first = ids[0].toLatin1(), second = ids[1].toLatin1();
    const auto claim = f.call("POST", "/v1/review/" + first + "/claim", {}, {}, rita);
    QCOMPARE(claim.status, 200);
    QCOMPARE(obj(claim).value(QStringLiteral("holder")).toString(), QStringLiteral("user:rita"));
    QCOMPARE(f.postJson("/v1/review/" + first,
                        R"({"decision":"approve","edits":{"next_action":"Send the SSO datasheet"},"comment":"ok"})",
                        rita)
                 .status,
             200);
    QCOMPARE(f.postJson("/v1/review/" + second, R"({"decision":"reject","comment":"a duplicate of q-1"})", rita).status,
             200);
    QJsonObject lineage;
    QTRY_VERIFY_WITH_TIMEOUT(
        (lineage = obj(f.call("GET", "/v1/events/" + first, {}, {}, rita))).value(QStringLiteral("status")).toString()
            == QLatin1String("done"),
        20000);
    bool edited = false;
    for (const QJsonValue &a : lineage.value(QStringLiteral("actions")).toArray())
        edited = edited
            || (a.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("task")
                && QJsonDocument(a.toObject()).toJson().contains("Send the SSO datasheet"));
    QVERIFY(edited);
    for (const char *action : {"review.approve", "review.reject"}) {
        const auto audit = obj(f.call("GET", QByteArray("/v1/audit?action=") + action, {}, {}, rita));
        const QJsonArray items = audit.value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().toObject().value(QStringLiteral("actor")).toString(), QStringLiteral("user:rita"));
    }
}
