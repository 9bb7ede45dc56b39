// The IEngine contract: what every engine promises its callers, with no SQL inside. The same
// tests run against LocalEngine in-process and against the HTTP API (through an IEngine that
// speaks HTTP with the one JSON codec), on SQLite and PostgreSQL; the RemoteEngine issue adds a
// third way. Each role is a caller; over HTTP it is the bearer token made for it.
#include "contractfixture.h"
#include "tst_suites.h"

#include "engine/api/changewatcher.h"
#include "engine/core/clock.h"
#include "engine/http/apiserver.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "tests/support/await.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

using namespace salesflow;
using test::await;

TestContract::TestContract(Mode mode) : m_mode(mode) { }
TestContract::~TestContract() = default;

void TestContract::init()
{
    m_f = std::make_unique<Fixture>();
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("contract"));
    o.config.reviewThreshold = 1.0; // every enrichment waits for a reviewer (no HubSpot token: dry run)
    if (m_mode == Mode::Remote) {
        o.runWorkers = o.runReplays = o.acceptIngest = false; // the daemon does the work; this sets up
    } else {
        auto stages = pipeline::builtStages(o.config);
        QVERIFY2(stages.ok(), qPrintable(stages.error().message));
        o.stages = stages.value();
    }
    auto e = LocalEngine::open(o);
    QVERIFY2(e.ok(), qPrintable(e.error().message));
    m_f->local = std::move(e).value();
    m_f->engine = m_f->local.get();
    // Every role has its token in the store, whichever way the suite runs.
    QHash<QString, QByteArray> tokens;
    for (const Caller &c : {kIngest, kViewer, kReviewer, kAdmin, kReviewer2})
        tokens.insert(c.name, test::createToken(*m_f->local, c.name, c.role));
    if (m_mode == Mode::Local)
        return;
    quint16 port = 0;
    if (m_mode == Mode::Http) {
        m_f->server = test::serveApi(m_f->local.get(), m_f->local.get(), http::ApiServer::Options{}, &port);
    } else {
        m_f->daemon = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("1.0"));
        env.remove(QStringLiteral("HUBSPOT_ACCESS_TOKEN"));
        port = test::startServe(*m_f->daemon, {QStringLiteral("--db"), o.config.dbUrl}, env);
        QVERIFY2(port, m_f->daemon->readAllStandardError().constData());
    }
    m_f->remote = std::make_unique<remote::RemoteEngine>(
        remote::RemoteEngine::Options{QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 15000});
    for (auto it = tokens.cbegin(); it != tokens.cend(); ++it)
        m_f->remote->setTokenFor(it.key(), it.value());
    m_f->engine = m_f->remote.get();
}

void TestContract::cleanup()
{
    m_f->remote.reset();
    if (m_f->daemon) {
        m_f->daemon->terminate();
        m_f->daemon->waitForFinished(20000);
    }
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
    // A Segment batch sent as one event: a receipt per message, locally and over HTTP alike.
    const IngestItem batch{QStringLiteral("product"),
                           "application/json",
                           R"({"batch":[{"type":"track","messageId":"cb1","userId":"u","event":"A"},)"
                           R"({"type":"track","messageId":"cb2","userId":"u","event":"B"}]})",
                           {}};
    auto receipts = await(m_f->engine->ingest(kIngest, {batch}));
    QVERIFY(receipts.ok());
    QCOMPARE(receipts->size(), 2);
    QVERIFY(receipts->at(0).ok() && receipts->at(1).ok() && receipts->at(0)->id != receipts->at(1)->id);
    auto repeated = await(m_f->engine->ingest(kIngest, {batch}));
    QVERIFY(repeated.ok() && repeated->size() == 2 && repeated->at(1)->duplicate);
    QCOMPARE(repeated->at(1)->id, receipts->at(1)->id);
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
    if (m_mode != Mode::Local) {
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

void TestContract::usersLogInAndGuessesAreThrottled()
{
    QCOMPARE(await(m_f->engine->addUser(kViewer, QStringLiteral("dana"), Role::Reviewer, "correct horse"))
                 .error()
                 .httpStatus,
             403);
    QVERIFY(await(m_f->engine->addUser(kAdmin, QStringLiteral("dana"), Role::Reviewer, "correct horse")).ok());
    QCOMPARE(
        await(m_f->engine->addUser(kAdmin, QStringLiteral("dana"), Role::Viewer, "another one")).error().httpStatus,
        409);
    QCOMPARE(await(m_f->engine->addUser(kAdmin, QStringLiteral("eve"), Role::Viewer, "short")).error().httpStatus, 400);
    QCOMPARE(
        await(m_f->engine->addUser(kAdmin, QStringLiteral("bad name"), Role::Viewer, "long enough")).error().httpStatus,
        400);
    QVERIFY(await(m_f->engine->addUser(kAdmin, QStringLiteral("olga"), Role::Viewer, "olga's secret")).ok());
    auto users = await(m_f->engine->users(kAdmin));
    QCOMPARE(users->size(), 2);
    QCOMPARE(users->first().name, QStringLiteral("dana"));
    QCOMPARE(users->first().role, Role::Reviewer);
    QCOMPARE(await(m_f->engine->users(kReviewer)).error().httpStatus, 403);

    auto session = m_f->login(QStringLiteral("dana"), "correct horse");
    QVERIFY2(session.ok(), qPrintable(session.error().message));
    QVERIFY(session->token.startsWith("sfs_"));
    QCOMPARE(session->role, Role::Reviewer);
    QVERIFY(session->expiresAtMs > nowMs());
    // Guesses: each a 401 that does not say which part was wrong, then 429 with Retry-After.
    for (int i = 0; i < 5; ++i) {
        auto wrong = m_f->login(QStringLiteral("olga"), "guess " + QByteArray::number(i));
        QCOMPARE(wrong.error().httpStatus, 401);
        QCOMPARE(wrong.error().message, QStringLiteral("wrong user name or password"));
    }
    auto throttled = m_f->login(QStringLiteral("olga"), "olga's secret"); // even the right one, for now
    QCOMPARE(throttled.error().httpStatus, 429);
    QVERIFY(throttled.error().retryAfterMs > 0);
    QCOMPARE(m_f->login(QStringLiteral("nobody"), "whatever it is").error().httpStatus, 401);

    AuditQuery q;
    q.action = QStringLiteral("user.add");
    auto audit = await(m_f->engine->audit(kAdmin, q));
    QCOMPARE(audit->items.size(), 2);
    for (const AuditEntry &e : audit->items)
        QVERIFY(!e.detail.contains(QLatin1String("horse")) && !e.after.contains(QLatin1String("secret")));
    if (m_mode != Mode::Local) {
        // The session is the caller's credential: a reviewer may read, not administer.
        const Caller dana = Caller::user(QStringLiteral("dana"), Role::Reviewer);
        QVERIFY(await(m_f->engine->listEvents(dana, EventQuery())).ok());
        QCOMPARE(await(m_f->engine->tokens(dana)).error().httpStatus, 403);
        QVERIFY(await(m_f->engine->disableUser(kAdmin, QStringLiteral("dana"))).ok());
        QCOMPARE(await(m_f->engine->listEvents(dana, EventQuery())).error().httpStatus, 401); // at once
    }
}

void TestContract::reviewersClaimEditApproveAndReject()
{
    const QStringList ids = m_f->inReview(3, "rv");
    auto queue = await(m_f->engine->reviewQueue(kViewer, 1000, QString()));
    QVERIFY2(queue.ok(), qPrintable(queue.error().message));
    const ReviewItem &first = queue->items.first();
    QCOMPARE(first.eventId, ids[0]); // oldest first
    QVERIFY(!first.reasons.isEmpty());
    QVERIFY(!first.summary.isEmpty());
    QCOMPARE(first.contact, QStringLiteral("dana@northwind.example"));

    QCOMPARE(await(m_f->engine->claimReview(kViewer, ids[0])).error().httpStatus, 403);
    auto claim = await(m_f->engine->claimReview(kReviewer, ids[0]));
    QVERIFY2(claim.ok(), qPrintable(claim.error().message));
    QCOMPARE(claim->holder, kReviewer.actor());
    auto taken = await(m_f->engine->claimReview(kReviewer2, ids[0]));
    QCOMPARE(taken.error().httpStatus, 409);
    QVERIFY2(taken.error().message.contains(kReviewer.actor()), qPrintable(taken.error().message));
    QVERIFY(await(m_f->engine->claimReview(kReviewer, ids[0])).ok()); // the holder renews
    QCOMPARE(await(m_f->engine->reviewQueue(kViewer, 1, QString()))->items.first().holder, kReviewer.actor());

    // Edits are checked like the model's answer: evidence must be a quote from the event.
    ReviewDecision bad{
        true,
        QJsonObject{{QStringLiteral("objections"),
                     QJsonArray{QJsonObject{{QStringLiteral("category"), QStringLiteral("budget")},
                                            {QStringLiteral("evidence"), QStringLiteral("too expensive")}}}}},
        {}};
    QCOMPARE(await(m_f->engine->decideReview(kReviewer, ids[0], bad)).error().code,
             QStringLiteral("review.invalid_edit"));
    QCOMPARE(await(m_f->engine->decideReview(kReviewer2, ids[0], ReviewDecision{true, {}, {}})).error().httpStatus,
             409);

    const ReviewDecision approve{
        true, QJsonObject{{QStringLiteral("next_action"), QStringLiteral("Send the SSO whitepaper")}},
        QStringLiteral("fine, with a better next step")};
    auto approved = await(m_f->engine->decideReview(kReviewer, ids[0], approve));
    QVERIFY2(approved.ok(), qPrintable(approved.error().message));
    QCOMPARE(approved->status, EventStatus::Approved);
    QVERIFY(!approved->repeated);
    auto again = await(m_f->engine->decideReview(kReviewer, ids[0], approve)); // the answer was lost: retried
    QVERIFY(again.ok());
    QVERIFY(again->repeated);
    QCOMPARE(await(m_f->engine->decideReview(kReviewer2, ids[0], approve)).error().httpStatus, 409);

    QCOMPARE(await(m_f->engine->decideReview(kReviewer, ids[1], ReviewDecision{false, {}, {}})).error().httpStatus,
             400);
    auto rejected
        = await(m_f->engine->decideReview(kReviewer2, ids[1], ReviewDecision{false, {}, QStringLiteral("spam")}));
    QVERIFY2(rejected.ok(), qPrintable(rejected.error().message));
    QCOMPARE(rejected->status, EventStatus::Rejected);

    // The approved event goes on with the reviewer's version: the planned task carries the edit.
    QElapsedTimer t;
    t.start();
    EventDetail d;
    do {
        d = await(m_f->engine->event(kViewer, ids[0])).value();
    } while (d.summary.status != EventStatus::Done && t.elapsed() < 20000 && (QThread::msleep(50), true));
    QCOMPARE(d.summary.status, EventStatus::Done);
    QCOMPARE(d.enrichments.last().reviewedBy, kReviewer.actor());
    QCOMPARE(d.enrichments.first().reviewState, QStringLiteral("approved")); // the AI's, kept
    QVERIFY(d.enrichments.first().reviewedBy.isEmpty());
    bool taskHasEdit = false;
    for (const ActionInfo &a : d.actions)
        taskHasEdit = taskHasEdit
            || (a.kind == QLatin1String("task") && a.payloadJson.contains(QLatin1String("SSO whitepaper")));
    QVERIFY(taskHasEdit);
    QVERIFY(await(m_f->engine->event(kViewer, ids[1]))->actions.isEmpty());

    AuditQuery q;
    q.eventId = ids[1];
    q.action = QStringLiteral("review.reject");
    auto audit = await(m_f->engine->audit(kViewer, q));
    QCOMPARE(audit->items.size(), 1);
    QCOMPARE(audit->items.first().actor, kReviewer2.actor());
    QCOMPARE(audit->items.first().detail, QStringLiteral("spam"));
}

void TestContract::racingReviewersNeverBothWin()
{
    const QStringList ids = m_f->inReview(6, "race");
    for (const QString &id : ids) {
        auto a = m_f->engine->decideReview(kReviewer, id, ReviewDecision{true, {}, {}});
        auto b = m_f->engine->decideReview(kReviewer2, id, ReviewDecision{false, {}, QStringLiteral("no")});
        const auto ra = await(a), rb = await(b);
        QVERIFY2(ra.ok() != rb.ok(),
                 qPrintable(id + QStringLiteral(": ") + (ra ? QString() : ra.error().message) + QStringLiteral(" / ")
                            + (rb ? QString() : rb.error().message)));
        QCOMPARE((ra.ok() ? rb : ra).error().httpStatus, 409);
        AuditQuery q;
        q.eventId = id;
        int decisions = 0;
        const auto audit = await(m_f->engine->audit(kViewer, q));
        for (const AuditEntry &e : audit->items)
            decisions
                += e.action.startsWith(QLatin1String("review.")) && e.action != QLatin1String("review.claim") ? 1 : 0;
        QCOMPARE(decisions, 1);
    }
}

void TestContract::racingClaimsHaveOneHolder()
{
    const QStringList ids = m_f->inReview(8, "claim");
    for (const QString &id : ids) {
        auto a = m_f->engine->claimReview(kReviewer, id);
        auto b = m_f->engine->claimReview(kReviewer2, id);
        const auto ra = await(a), rb = await(b);
        QVERIFY2(ra.ok() != rb.ok(), qPrintable(id));
        const Error &lost = (ra.ok() ? rb : ra).error();
        QCOMPARE(lost.code, QStringLiteral("review.held"));
        const QString winner = (ra.ok() ? ra : rb)->holder;
        QVERIFY(lost.message.contains(winner)); // the loser is told who holds it
        const auto queue = await(m_f->engine->reviewQueue(kViewer, 1000, QString()));
        for (const ReviewItem &item : queue->items) {
            if (item.eventId == id)
                QCOMPARE(item.holder, winner);
        }
    }
}
