// Ingest through LocalEngine: dedup keys per source, validation, HubSpot deliveries split per
// element, concurrent duplicates, and an unavailable store — on SQLite and PostgreSQL.
#include "tst_suites.h"

#include "engine/core/ids.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/ingest/groupcommitter.h"
#include "engine/store/database.h"
#include "engine/store/sql.h"
#include "tests/support/engines.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QPromise>
#include <QtConcurrent>
#include <QtTest>

using namespace salesflow;

namespace {
std::unique_ptr<LocalEngine> openEngine(const QString &tag)
{
    return test::openEngine(Config{}, tag);
}

/// The committer's answer to one submission, as a future the test can wait for.
QFuture<pipeline::GroupCommitter::Receipts> submitted(pipeline::GroupCommitter &committer,
                                                      QList<store::NewRawEvent> events)
{
    auto promise = std::make_shared<QPromise<pipeline::GroupCommitter::Receipts>>();
    promise->start();
    committer.submit(std::move(events), [promise](const pipeline::GroupCommitter::Receipts &r) {
        promise->addResult(r);
        promise->finish();
    });
    return promise->future();
}

QList<Result<IngestReceipt>> post(LocalEngine &e, QList<IngestItem> items)
{
    auto f = e.ingest(test::caller(), std::move(items));
    f.waitForFinished();
    auto r = f.result();
    if (!r)
        qFatal("ingest failed: %s", qPrintable(r.error().message));
    return r.value();
}

IngestItem item(const char *source, const char *type, const QByteArray &payload, const QByteArray &key = {})
{
    return IngestItem{QString::fromLatin1(source), type, payload, key};
}

using test::count;
} // namespace

void TestIngest::naturalKeysPerSource_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QByteArray>("sameEvent");
    QTest::addColumn<QString>("keyPrefix");
    QTest::newRow("email rfc822 Message-ID")
        << "email" << QByteArray("message/rfc822")
        << QByteArray("From: a@x.com\r\nMessage-ID:\r\n <abc@x.com>\r\nSubject: hi\r\n\r\nbody one")
        << QByteArray("From: a@x.com\r\nSubject: hi (re-sent)\r\nMessage-Id: <abc@x.com>\r\n\r\nbody two")
        << "email:message-id:<abc@x.com>";
    QTest::newRow("email json message_id")
        << "email" << QByteArray("application/json") << QByteArray(R"({"message_id":"<m1@x>","text":"a"})")
        << QByteArray(R"({"message_id":"<m1@x>","text":"b"})") << "email:message-id:<m1@x>";
    QTest::newRow("segment messageId") << "product" << QByteArray("application/json")
                                       << QByteArray(R"({"type":"track","messageId":"seg-1","event":"A"})")
                                       << QByteArray(R"({"type":"track","messageId":"seg-1","event":"B"})")
                                       << "product:messageId:seg-1";
    QTest::newRow("form submission id") << "form" << QByteArray("application/json")
                                        << QByteArray(R"({"submission_id":"f-9","fields":{}})")
                                        << QByteArray(R"({"submission_id":"f-9","fields":{"x":1}})")
                                        << "form:submission:f-9";
    QTest::newRow("chat payload hash") << "chat" << QByteArray("application/json")
                                       << QByteArray(R"({"id":"c","messages":[]})")
                                       << QByteArray(R"({"id":"c","messages":[]})") << "chat:sha256:";
    QTest::newRow("transcript vtt hash") << "transcript" << QByteArray("text/vtt")
                                         << QByteArray("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
                                         << QByteArray("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
                                         << "transcript:sha256:";
}

void TestIngest::naturalKeysPerSource()
{
    QFETCH(QString, source);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, first);
    QFETCH(QByteArray, sameEvent);
    QFETCH(QString, keyPrefix);
    auto e = openEngine(QStringLiteral("keys"));
    auto a = post(*e, {IngestItem{source, type, first, {}}});
    auto b = post(*e, {IngestItem{source, type, sameEvent, {}}});
    QVERIFY2(a.first().ok(), qPrintable(a.first().error().message));
    QVERIFY(!a.first()->duplicate);
    QVERIFY(b.first()->duplicate);
    QCOMPARE(b.first()->id, a.first()->id);
    auto d = e->event(test::caller(), a.first()->id);
    d.waitForFinished();
    QVERIFY(d.result()->summary.dedupKey.startsWith(keyPrefix));
    QCOMPARE(d.result()->payload, first); // the first payload, byte for byte
}

void TestIngest::idempotencyKeyWins()
{
    auto e = openEngine(QStringLiteral("idem"));
    auto a = post(*e, {item("form", "application/json", R"({"submission_id":"s1"})", "k-1")});
    auto b = post(*e, {item("form", "application/json", R"({"submission_id":"s2"})", "k-1")});
    auto c = post(*e, {item("form", "application/json", R"({"submission_id":"s1"})", "k-2")});
    QVERIFY(b.first()->duplicate);
    QCOMPARE(b.first()->id, a.first()->id);
    QVERIFY(!c.first()->duplicate); // a different key is a different event, whatever the body
    // The same key on another source is another event.
    auto d = post(*e, {item("chat", "application/json", R"({})", "k-1")});
    QVERIFY(!d.first()->duplicate);
}

void TestIngest::badItemsAreRefusedAndNothingIsStored()
{
    auto e = openEngine(QStringLiteral("bad"));
    auto r = post(*e,
                  {item("form", "text/plain", "x"), item("form", "application/json", "{\"a\":"),
                   item("form", "application/json", "   "), item("chat", "application/json", "[1,2]"),
                   item("nope", "application/json", "{}"), item("form", "", "{}"),
                   item("form", "application/json; charset=utf-8", R"({"ok":true})"),
                   item("chat", "application/json", "6e46665"),
                   item("product", "application/json", R"({"batch":[1e99999]})")});
    QCOMPARE(r.size(), 9);
    // Numbers out of range are malformed JSON too (found by the fuzzer), not an escaping exception.
    QCOMPARE(r[7].error().httpStatus, 400);
    QCOMPARE(r[8].error().httpStatus, 400);
    QCOMPARE(r[0].error().httpStatus, 415);
    QCOMPARE(r[1].error().httpStatus, 400);
    QVERIFY(r[1].error().message.contains(QStringLiteral("not valid JSON")));
    QCOMPARE(r[2].error().httpStatus, 400);
    QCOMPARE(r[3].error().httpStatus, 400);
    QCOMPARE(r[4].error().httpStatus, 404);
    QCOMPARE(r[5].error().httpStatus, 415);
    QVERIFY(r[6].ok());
    QCOMPARE(count(*e, "SELECT count(*) FROM raw_events"), 1);
}

void TestIngest::hubspotDeliverySplitsPerElement()
{
    auto e = openEngine(QStringLiteral("hubspot"));
    const QByteArray delivery = R"([
      {"eventId":100,"subscriptionId":7,"portalId":44,"occurredAt":1731612210994,"subscriptionType":"contact.propertyChange","objectId":123,"propertyName":"lifecyclestage","propertyValue":"lead","changeSource":"CRM"},
      {"eventId":100,"subscriptionId":7,"portalId":44,"occurredAt":1731612210995,"subscriptionType":"contact.propertyChange","objectId":123,"propertyName":"lifecyclestage","propertyValue":"customer","changeSource":"CRM"},
      {"eventId":101,"subscriptionId":8,"portalId":44,"occurredAt":1731612210000,"subscriptionType":"deal.creation","objectId":9,"changeFlag":"NEW"}])";
    auto r = post(*e, {item("hubspot", "application/json", delivery)});
    QCOMPARE(r.size(), 3); // eventId 100 twice, but different changes: both kept
    for (const auto &one : r)
        QVERIFY(one.ok() && !one->duplicate);
    // HubSpot re-delivers the same events (attemptNumber differs, fields reordered): duplicates.
    const QByteArray redelivery
        = R"([{"attemptNumber":1,"objectId":9,"eventId":101,"subscriptionId":8,"portalId":44,"occurredAt":1731612210000,"subscriptionType":"deal.creation","changeFlag":"NEW"}])";
    auto again = post(*e, {item("hubspot", "application/json", redelivery)});
    QCOMPARE(again.size(), 1);
    QVERIFY(again.first()->duplicate);
    QCOMPARE(again.first()->id, r[2]->id);
    auto bad = post(*e, {item("hubspot", "application/json", "[1]")});
    QCOMPARE(bad.first().error().httpStatus, 400);
}

void TestIngest::concurrentDuplicatesStoreOneRow()
{
    auto e = openEngine(QStringLiteral("concurrent"));
    // 16 threads post the same 50 keys at once; each key must end up as exactly one row and
    // every answer for a key must carry that row's id.
    QMutex mutex;
    QHash<QString, QSet<QString>> idsPerKey;
    QList<QFuture<void>> workers;
    for (int t = 0; t < 16; ++t) {
        workers << QtConcurrent::run([&, t] {
            for (int k = 0; k < 50; ++k) {
                const QByteArray key = "key-" + QByteArray::number((k + t) % 50);
                auto r = post(*e, {item("product", "application/json", R"({"type":"track"})", key)});
                QMutexLocker lock(&mutex);
                idsPerKey[QString::fromLatin1(key)].insert(r.first()->id);
            }
        });
    }
    for (auto &w : workers)
        w.waitForFinished();
    QCOMPARE(idsPerKey.size(), 50);
    for (const auto &ids : std::as_const(idsPerKey))
        QCOMPARE(ids.size(), 1);
    QCOMPARE(count(*e, "SELECT count(*) FROM raw_events"), 50);
    QCOMPARE(count(*e, "SELECT count(*) FROM jobs"), 50);
}

void TestIngest::groupCommitSharesTransactions()
{
    auto e = openEngine(QStringLiteral("group"));
    // Hold the store's write lock from another connection, so the committer's first transaction
    // waits; everything posted meanwhile must go into the next one or two commits.
    auto blocker = store::Database::open(e->database()->url());
    QVERIFY(blocker.ok());
    auto holder = blocker.value()->connect();
    QVERIFY(holder.ok());
    QVERIFY(holder.value()->begin(true).ok());
    if (test::isPostgres())
        QVERIFY(holder.value()->exec("LOCK TABLE raw_events IN EXCLUSIVE MODE", {}).ok());
    else
        QVERIFY(
            holder.value()
                ->exec("INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES ('x', 'viewer', 'h', 0)", {})
                .ok());
    const qint64 before = e->committer()->commits.load();
    QList<QFuture<Result<QList<Result<IngestReceipt>>>>> pending;
    for (int i = 0; i < 200; ++i)
        pending << e->ingest(test::caller(),
                             {item("chat", "application/json", "{\"i\":" + QByteArray::number(i) + "}")});
    QTest::qWait(200);
    for (const auto &f : pending)
        QVERIFY(!f.isFinished()); // nothing is acknowledged before it is committed
    holder.value()->rollback();
    for (auto &f : pending) {
        f.waitForFinished();
        QVERIFY(f.result().ok() && f.result()->first().ok());
    }
    const qint64 commits = e->committer()->commits.load() - before;
    QVERIFY2(commits <= 4, qPrintable(QStringLiteral("%1 commits for 200 concurrent events").arg(commits)));
    QCOMPARE(e->committer()->committedEvents.load(), 200);
    QCOMPARE(count(*e, "SELECT count(*) FROM raw_events"), 200);
}

void TestIngest::unavailableStoreAnswers503AndRecovers()
{
    if (!test::isPostgres())
        QSKIP("PostgreSQL only: stops and restarts the database server");
    // A server of its own, so stopping it does not disturb the other suites.
    test::PgServer pg;
    QVERIFY2(pg.start(), qPrintable(pg.error()));
    LocalEngine::Options o;
    o.config.dbUrl = pg.createDatabase(QStringLiteral("unavail"));
    auto opened = LocalEngine::open(o);
    QVERIFY(opened.ok());
    auto &e = *opened.value();
    QVERIFY(post(e, {item("chat", "application/json", R"({"n":1})")}).first().ok());

    pg.stop();
    auto down = e.ingest(test::caller(), {item("chat", "application/json", R"({"n":2})")});
    down.waitForFinished();
    QVERIFY(!down.result().ok());
    QCOMPARE(down.result().error().httpStatus, 503); // never a 202 that is not durable

    QVERIFY(pg.start());
    // Both committer threads reconnect on their own: every later post is stored.
    for (int i = 0; i < 4; ++i) {
        auto up
            = e.ingest(test::caller(),
                       {item("chat", "application/json", QByteArray("{\"n\":") + QByteArray::number(10 + i) + "}")});
        up.waitForFinished();
        QVERIFY2(up.result().ok(), qPrintable(up.result().error().message));
        QVERIFY(up.result()->first().ok());
    }
    QCOMPARE(count(e, "SELECT count(*) FROM raw_events"), 5);
    e.stop();
}

void TestIngest::controlCharactersInIdsAreRefusedAtTheDoor()
{
    auto e = openEngine(QStringLiteral("nul"));
    const QList<QPair<const char *, QByteArray>> cases{
        {"form", R"({"submission_id":"s\u0000x","fields":{"email":"a@b.co"}})"},
        {"product", R"({"type":"track","messageId":"m\u0000","event":"x"})"},
        {"email", R"({"message_id":"<a\u0001@b>","from":"a@b.co","text":"hi"})"},
    };
    for (const auto &c : cases) {
        const auto r = post(*e, {item(c.first, "application/json", c.second)});
        QVERIFY2(!r.first().ok(), c.first);
        QCOMPARE(r.first().error().httpStatus, 400);
        QVERIFY2(r.first().error().message.contains(QLatin1String("control characters")),
                 qPrintable(r.first().error().message));
    }
    auto key = post(*e, {item("chat", "application/json", "{}", QByteArray("k\x00y", 3))});
    QCOMPARE(key.first().error().httpStatus, 400);
    auto deep = post(*e, {item("chat", "application/json", QByteArray(5000, '[') + QByteArray(5000, ']'))});
    QCOMPARE(deep.first().error().httpStatus, 400);
    QVERIFY(deep.first().error().message.contains(QLatin1String("levels deep")));
    QCOMPARE(count(*e, "SELECT count(*) FROM raw_events"), 0);
}

void TestIngest::oneRefusedSubmissionDoesNotFailItsBatch()
{
    if (!test::isPostgres())
        QSKIP("PostgreSQL only: SQLite has no index entry limit, so nothing refuses the bad row");
    auto e = openEngine(QStringLiteral("isolate"));
    // Hold the table so every submission below waits for, and shares, one group commit.
    auto blocker = store::Database::open(e->database()->url());
    auto holder = blocker.value()->connect();
    QVERIFY(holder.ok() && holder.value()->begin(true).ok());
    QVERIFY(holder.value()->exec("LOCK TABLE raw_events IN EXCLUSIVE MODE", {}).ok());
    QList<QFuture<pipeline::GroupCommitter::Receipts>> good;
    for (int i = 0; i < 30; ++i) {
        good << submitted(*e->committer(),
                          {store::NewRawEvent{ids::newEventId(), QStringLiteral("chat"), "application/json", "{}",
                                              QStringLiteral("chat:k%1").arg(i), QStringLiteral("t")}});
    }
    // Past the door's checks (as a future bug might let it): a key too long for the unique
    // index (random, so compression cannot shrink it under PostgreSQL's 2,704-byte entry limit).
    auto bad = submitted(*e->committer(),
                         {store::NewRawEvent{ids::newEventId(), QStringLiteral("chat"), "application/json", "{}",
                                             QStringLiteral("chat:bad") + QString::fromLatin1(ids::randomToken(9000)),
                                             QStringLiteral("t")}});
    QTest::qWait(100);
    holder.value()->rollback();
    for (auto &f : good) {
        f.waitForFinished();
        QVERIFY2(f.result().ok(), qPrintable(f.result().error().message));
    }
    bad.waitForFinished();
    QVERIFY(!bad.result().ok());
    QCOMPARE(bad.result().error().code, QStringLiteral("ingest.refused"));
    QVERIFY(!bad.result().error().message.contains(QLatin1String("bad"))); // no client text echoed
    QCOMPARE(count(*e, "SELECT count(*) FROM raw_events"), 30);
}
