// The IEngine contract: what every engine promises its callers, with no SQL inside. The same
// tests run against LocalEngine in-process and against the HTTP API (through an IEngine that
// speaks HTTP with the one JSON codec), on SQLite and PostgreSQL; the RemoteEngine issue adds a
// third way. Each role is a caller; over HTTP it is the bearer token made for it.
#include "tst_suites.h"

#include "engine/api/changewatcher.h"
#include "engine/http/apiserver.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "tests/support/await.h"
#include "tests/support/httpengine.h"
#include "tests/support/testbackend.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

using namespace salesflow;
using test::await;

namespace {

const Caller kIngest = Caller::token(QStringLiteral("website"), Role::Ingest);
const Caller kViewer = Caller::token(QStringLiteral("vera"), Role::Viewer);
const Caller kReviewer = Caller::token(QStringLiteral("rita"), Role::Reviewer);
const Caller kAdmin = Caller::token(QStringLiteral("ada"), Role::Admin);

IngestItem form(const QByteArray &submissionId, const QByteArray &email = "dana@northwind.example")
{
    return IngestItem{QStringLiteral("form"),
                      "application/json",
                      R"({"submission_id":")" + submissionId + R"(","fields":{"email":")" + email
                          + R"(","message":"We need SSO before we can buy."}})",
                      {}};
}

} // namespace

struct TestContract::Fixture
{
    std::unique_ptr<LocalEngine> local;
    std::unique_ptr<http::ApiServer> server;
    std::unique_ptr<test::HttpEngine> remote;
    IEngine *engine = nullptr;

    /// One receipt for one item, or the error of the call or of the item.
    Result<IngestReceipt> ingestOne(const Caller &caller, const IngestItem &item)
    {
        auto r = await(engine->ingest(caller, {item}));
        if (!r)
            return r.error();
        return r->first();
    }
};

TestContract::TestContract(Mode mode) : m_mode(mode) { }
TestContract::~TestContract() = default;

void TestContract::init()
{
    m_f = std::make_unique<Fixture>();
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("contract"));
    auto stages = pipeline::builtStages(o.config);
    QVERIFY2(stages.ok(), qPrintable(stages.error().message));
    o.stages = stages.value();
    auto e = LocalEngine::open(o);
    QVERIFY2(e.ok(), qPrintable(e.error().message));
    m_f->local = std::move(e).value();
    m_f->engine = m_f->local.get();
    // Every role has its token in the store, whichever way the suite runs.
    QHash<QString, QByteArray> tokens;
    for (const Caller &c : {kIngest, kViewer, kReviewer, kAdmin})
        tokens.insert(c.name, test::createToken(*m_f->local, c.name, c.role));
    if (m_mode == Mode::Local)
        return;
    m_f->server = std::make_unique<http::ApiServer>(m_f->local.get(), m_f->local.get(), http::ApiServer::Options{});
    auto *tcp = new QTcpServer(m_f->server.get());
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_f->server->bind(tcp);
    m_f->remote = std::make_unique<test::HttpEngine>("127.0.0.1", tcp->serverPort());
    for (auto it = tokens.cbegin(); it != tokens.cend(); ++it)
        m_f->remote->setToken(it.key(), it.value());
    m_f->engine = m_f->remote.get();
}

void TestContract::cleanup()
{
    m_f->server.reset();
    m_f->local->stop();
    m_f.reset();
}

void TestContract::ingestAnswersOnceAndDuplicatesPointToTheFirst()
{
    auto first = m_f->ingestOne(kIngest, form("c-1"));
    QVERIFY2(first.ok(), qPrintable(first.error().message));
    QVERIFY(!first->duplicate);
    QVERIFY(!first->id.isEmpty());
    auto again = m_f->ingestOne(kIngest, form("c-1"));
    QVERIFY(again.ok());
    QVERIFY(again->duplicate);
    QCOMPARE(again->id, first->id);
    auto bad = m_f->ingestOne(kIngest, IngestItem{QStringLiteral("form"), "application/json", "{not json", {}});
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().httpStatus, 400);
    auto unknown = m_f->ingestOne(kIngest, IngestItem{QStringLiteral("fax"), "application/json", "{}", {}});
    QCOMPARE(unknown.error().httpStatus, 404);
}

void TestContract::lineageKeepsTheRawBytesAndWhoSentThem()
{
    const IngestItem item = form("c-2");
    auto receipt = m_f->ingestOne(kIngest, item);
    QVERIFY(receipt.ok());
    auto detail = await(m_f->engine->event(kViewer, receipt->id));
    QVERIFY2(detail.ok(), qPrintable(detail.error().message));
    QCOMPARE(detail->summary.id, receipt->id);
    QCOMPARE(detail->summary.source, QStringLiteral("form"));
    QCOMPARE(detail->payload, item.payload);
    QVERIFY(!detail->audit.isEmpty());
    QCOMPARE(detail->audit.first().action, QStringLiteral("received"));
    QCOMPARE(detail->audit.first().actor, kIngest.actor());
    auto missing = await(m_f->engine->event(kViewer, QStringLiteral("no-such-event")));
    QCOMPARE(missing.error().httpStatus, 404);
    QCOMPARE(missing.error().code, QStringLiteral("event.not_found"));
}

void TestContract::listPagesCoverEveryEventOnce()
{
    QStringList ids;
    for (int i = 0; i < 7; ++i)
        ids << m_f->ingestOne(kIngest, form("p-" + QByteArray::number(i))).value().id;
    EventQuery q;
    q.limit = 3;
    q.source = QStringLiteral("form");
    QStringList seen;
    for (int page = 0; page < 5; ++page) {
        auto p = await(m_f->engine->listEvents(kViewer, q));
        QVERIFY2(p.ok(), qPrintable(p.error().message));
        for (const EventSummary &e : p->items)
            seen << e.id;
        if (p->next.isEmpty())
            break;
        q.after = p->next;
    }
    QCOMPARE(seen.size(), ids.size());
    std::sort(seen.begin(), seen.end());
    std::sort(ids.begin(), ids.end());
    QCOMPARE(seen, ids);
    EventQuery bad;
    bad.status = QStringLiteral("sleeping");
    QCOMPARE(await(m_f->engine->listEvents(kViewer, bad)).error().httpStatus, 400);
    bad = EventQuery();
    bad.limit = 0;
    QCOMPARE(await(m_f->engine->listEvents(kViewer, bad)).error().httpStatus, 400);
}

void TestContract::rolesAreEnforcedByTheEngine()
{
    auto forbidden = [](const auto &r) { return !r.ok() && r.error().httpStatus == 403; };
    const QString id = m_f->ingestOne(kAdmin, form("r-1")).value().id; // admins may post too
    QVERIFY(forbidden(m_f->ingestOne(kViewer, form("r-2"))));
    QVERIFY(forbidden(m_f->ingestOne(kReviewer, form("r-3"))));
    QVERIFY(forbidden(await(m_f->engine->listEvents(kIngest, EventQuery()))));
    QVERIFY(forbidden(await(m_f->engine->event(kIngest, id))));
    QVERIFY(forbidden(await(m_f->engine->stats(kIngest))));
    QVERIFY(forbidden(await(m_f->engine->audit(kIngest, AuditQuery()))));
    QVERIFY(forbidden(await(m_f->engine->changes(kIngest, QString(), 0))));
    QVERIFY(forbidden(await(m_f->engine->createToken(kViewer, QStringLiteral("x"), Role::Viewer))));
    QVERIFY(forbidden(await(m_f->engine->createToken(kReviewer, QStringLiteral("x"), Role::Admin))));
    for (const Caller &reader : {kViewer, kReviewer, kAdmin}) {
        QVERIFY(await(m_f->engine->listEvents(reader, EventQuery())).ok());
        QVERIFY(await(m_f->engine->event(reader, id)).ok());
        QVERIFY(await(m_f->engine->stats(reader)).ok());
    }
    auto token = await(m_f->engine->createToken(kAdmin, QStringLiteral("crm-sync"), Role::Ingest));
    QVERIFY2(token.ok(), qPrintable(token.error().message));
    QVERIFY(token->startsWith("sft_"));
    QCOMPARE(await(m_f->engine->createToken(kAdmin, QStringLiteral(" "), Role::Ingest)).error().httpStatus, 400);
}

void TestContract::revokedTokensStopWorkingAtOnce()
{
    QCOMPARE(await(m_f->engine->revokeToken(kViewer, kReviewer.name)).error().httpStatus, 403);
    QCOMPARE(await(m_f->engine->revokeToken(kAdmin, QStringLiteral("nobody"))).error().httpStatus, 404);
    QVERIFY(await(m_f->engine->listEvents(kViewer, EventQuery())).ok());
    auto revoked = await(m_f->engine->revokeToken(kAdmin, kViewer.name));
    QVERIFY2(revoked.ok(), qPrintable(revoked.error().message));
    if (m_mode == Mode::Http) {
        // The very next request with it is refused (the server had it cached a moment ago).
        QCOMPARE(await(m_f->engine->listEvents(kViewer, EventQuery())).error().httpStatus, 401);
    }
    AuditQuery q;
    q.action = QStringLiteral("token.revoke");
    auto audit = await(m_f->engine->audit(kAdmin, q));
    QCOMPARE(audit->items.size(), 1);
    QCOMPARE(audit->items.first().actor, kAdmin.actor());
}

void TestContract::auditIsNewestFirstInKeysetPages()
{
    for (const char *name : {"a", "b", "c"})
        QVERIFY(await(m_f->engine->createToken(kAdmin, QString::fromLatin1(name), Role::Viewer)).ok());
    AuditQuery q;
    q.action = QStringLiteral("token.create");
    q.actor = kAdmin.actor();
    q.limit = 2;
    auto first = await(m_f->engine->audit(kViewer, q));
    QVERIFY2(first.ok(), qPrintable(first.error().message));
    QCOMPARE(first->items.size(), 2);
    QCOMPARE(first->items[0].detail, QStringLiteral("token c"));
    QCOMPARE(first->items[1].detail, QStringLiteral("token b"));
    QVERIFY(!first->next.isEmpty());
    q.after = first->next;
    auto second = await(m_f->engine->audit(kViewer, q));
    QCOMPARE(second->items.size(), 1);
    QCOMPARE(second->items[0].detail, QStringLiteral("token a"));
    QVERIFY(second->next.isEmpty());
    q.after = QStringLiteral("'; DROP TABLE audit_logs; --");
    QCOMPARE(await(m_f->engine->audit(kViewer, q)).error().httpStatus, 400);
}

void TestContract::changeFeedAnnouncesArrivalsAndTransitions()
{
    auto now = await(m_f->engine->changes(kViewer, QString(), 0));
    QVERIFY2(now.ok(), qPrintable(now.error().message));
    QVERIFY(now->items.isEmpty());
    QVERIFY(!now->cursor.isEmpty());
    const QString id = m_f->ingestOne(kIngest, form("f-1")).value().id;
    // Follow the feed until the event has left `received`: the pipeline moves it on.
    QString cursor = now->cursor;
    QStringList statuses;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000 && (statuses.isEmpty() || statuses.last() == EventStatus::Received)) {
        auto c = await(m_f->engine->changes(kViewer, cursor, 2000));
        QVERIFY2(c.ok(), qPrintable(c.error().message));
        for (const Change &ch : c->items) {
            QCOMPARE(ch.eventId, id);
            statuses << ch.status;
        }
        QVERIFY(!c->cursor.isEmpty());
        cursor = c->cursor;
        qint64 total = 0;
        for (qint64 n : c->counts)
            total += n;
        QCOMPARE(total, 1);
    }
    QVERIFY2(!statuses.isEmpty() && statuses.last() != EventStatus::Received, qPrintable(statuses.join(u',')));
    QCOMPARE(await(m_f->engine->changes(kViewer, QStringLiteral("nonsense"), 0)).error().httpStatus, 400);
    QCOMPARE(await(m_f->engine->changes(kViewer, QStringLiteral("999999999."), 0)).error().httpStatus, 400);
}

void TestContract::longPollWakesForAnotherClientsChange()
{
    auto now = await(m_f->engine->changes(kViewer, QString(), 0));
    QVERIFY(now.ok());
    // Nothing happens: the poll answers empty when its wait is over.
    auto quiet = await(m_f->engine->changes(kViewer, now->cursor, 300));
    QVERIFY(quiet.ok());
    QVERIFY(quiet->items.isEmpty());
    // Another client posts while the poll waits: the poll answers with it, long before its wait.
    QElapsedTimer t;
    t.start();
    auto poll = m_f->engine->changes(kReviewer, quiet->cursor, 20000);
    QThread::msleep(100);
    const QString id = m_f->ingestOne(kIngest, form("w-1")).value().id;
    auto woke = await(poll);
    const qint64 latency = t.elapsed() - 100;
    QVERIFY2(woke.ok(), qPrintable(woke.error().message));
    QVERIFY(!woke->items.isEmpty());
    QCOMPARE(woke->items.first().eventId, id);
    QVERIFY2(t.elapsed() < 20000, "the poll ran to its deadline instead of waking");
    qInfo() << "change seen by the other client after" << latency << "ms";
}

void TestContract::watcherSignalsWhatChanged()
{
    ChangeWatcher watcher(m_f->engine, kViewer);
    QSignalSpy changed(&watcher, &ChangeWatcher::changed);
    watcher.start();
    QTRY_COMPARE(changed.size(), 1); // the counts, at once
    QVERIFY(changed.takeFirst().first().value<ChangeSet>().items.isEmpty());
    const QString id = m_f->ingestOne(kIngest, form("s-1")).value().id;
    QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 10000);
    const ChangeSet next = changed.takeFirst().first().value<ChangeSet>();
    QCOMPARE(next.items.first().eventId, id);
    watcher.stop();
}
