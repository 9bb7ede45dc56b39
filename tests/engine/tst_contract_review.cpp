// The IEngine contract for the desktop's lists and review workbench: what a list row says, rows
// refreshed by id, text search, and the preview of what an approval would plan — local, over
// HTTP and through RemoteEngine, on both stores (see tst_contract.cpp for the fixture).
#include "contractfixture.h"

#include <QJsonArray>
#include <QtTest>

void TestContract::listRowsSayWhatAPersonNeeds()
{
    const QStringList ids = m_f->inReview(2, "row");
    m_f->ingestOne(kIngest, form("row-other", "olga@contoso.example")).value();
    EventQuery q;
    q.ids = ids;
    auto page = await(m_f->engine->listEvents(kViewer, q));
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QCOMPARE(page->items.size(), 2); // only the asked ids, newest first
    QCOMPARE(page->items.first().id, ids[1]);
    const EventSummary &row = page->items.first();
    QCOMPARE(row.status, EventStatus::InReview);
    QCOMPARE(row.contact, QStringLiteral("dana@northwind.example"));
    QVERIFY(!row.subject.isEmpty());
    QVERIFY(!row.intent.isEmpty());
    QVERIFY(row.confidence.has_value());

    // Text search reads the normalised event (any case), not only ids and dedup keys.
    EventQuery search;
    search.text = QStringLiteral("NORTHWIND");
    search.source = QStringLiteral("form");
    auto found = await(m_f->engine->listEvents(kViewer, search));
    QVERIFY2(found.ok(), qPrintable(found.error().message));
    QStringList foundIds;
    for (const EventSummary &e : found->items)
        foundIds << e.id;
    QVERIFY2(foundIds.contains(ids[0]) && foundIds.contains(ids[1]), qPrintable(foundIds.join(u',')));
    search.text = QStringLiteral("sso before");
    QVERIFY(!await(m_f->engine->listEvents(kViewer, search))->items.isEmpty()); // in the text
    search.text = QStringLiteral("50%_off");
    QVERIFY(await(m_f->engine->listEvents(kViewer, search))->items.isEmpty()); // wildcards are literal

    EventQuery tooMany;
    for (int i = 0; i < 1001; ++i)
        tooMany.ids << QString::number(i);
    QCOMPARE(await(m_f->engine->listEvents(kViewer, tooMany)).error().httpStatus, 400);
}

void TestContract::reviewPreviewShowsWhatAnEditPlans()
{
    const QString id = m_f->inReview(1, "pv").first();
    const QJsonObject edits{{QStringLiteral("next_action"), QStringLiteral("Book an SSO deep-dive")}};
    auto plain = await(m_f->engine->previewReview(kReviewer, id, {}));
    QVERIFY2(plain.ok(), qPrintable(plain.error().message));
    auto edited = await(m_f->engine->previewReview(kReviewer, id, edits));
    QVERIFY2(edited.ok(), qPrintable(edited.error().message));
    auto mentions = [](const QList<ActionInfo> &actions, const QString &text) {
        for (const ActionInfo &a : actions) {
            if (a.payloadJson.contains(text))
                return true;
        }
        return false;
    };
    QVERIFY(!plain->isEmpty());
    QVERIFY(!mentions(plain.value(), QStringLiteral("SSO deep-dive")));
    QVERIFY(mentions(edited.value(), QStringLiteral("SSO deep-dive")));
    for (const ActionInfo &a : edited.value())
        QCOMPARE(a.status, QStringLiteral("preview"));

    // Nothing was written: still in review, no action in the ledger, nobody holds it.
    auto d = await(m_f->engine->event(kViewer, id));
    QCOMPARE(d->summary.status, EventStatus::InReview);
    QVERIFY(d->actions.isEmpty());
    QVERIFY(await(m_f->engine->reviewQueue(kViewer, 1000, QString()))->items.first().holder.isEmpty());

    const QJsonObject bad{{QStringLiteral("objections"),
                           QJsonArray{QJsonObject{{QStringLiteral("category"), QStringLiteral("budget")},
                                                  {QStringLiteral("evidence"), QStringLiteral("not in the text")}}}}};
    QCOMPARE(await(m_f->engine->previewReview(kReviewer, id, bad)).error().code, QStringLiteral("review.invalid_edit"));
    QCOMPARE(await(m_f->engine->previewReview(kViewer, id, edits)).error().httpStatus, 403);
}

void TestContract::dashboardCountsWhatHappened()
{
    const QStringList ids = m_f->inReview(2, "dash");
    QVERIFY(await(m_f->engine->claimReview(kReviewer, ids[0])).ok());
    const ReviewDecision edited{true, QJsonObject{{QStringLiteral("next_action"), QStringLiteral("Call back")}}, {}};
    QVERIFY(await(m_f->engine->decideReview(kReviewer, ids[0], edited)).ok());
    QVERIFY(await(m_f->engine->claimReview(kReviewer, ids[1])).ok());
    QVERIFY(
        await(m_f->engine->decideReview(kReviewer, ids[1], ReviewDecision{false, {}, QStringLiteral("spam")})).ok());

    auto d = await(m_f->engine->dashboard(kViewer, 0));
    QVERIFY2(d.ok(), qPrintable(d.error().message));
    double forms = 0, approved = 0, rejected = 0;
    for (const SeriesPoint &p : d->eventsPerHour)
        forms += p.values.value(QStringLiteral("form"));
    for (const SeriesPoint &p : d->decisionsPerDay) {
        approved += p.values.value(QStringLiteral("approved"));
        rejected += p.values.value(QStringLiteral("rejected"));
    }
    QVERIFY(forms >= 2);
    QVERIFY(approved >= 1 && rejected >= 1);
    QCOMPARE(d->confidenceVsVerdict.size(), 5);
    qint64 edits = 0, rejections = 0;
    for (const ConfidenceBand &b : d->confidenceVsVerdict) {
        edits += b.approvedEdited;
        rejections += b.rejected;
    }
    QVERIFY(edits >= 1 && rejections >= 1);
    QVERIFY(!d->intents.isEmpty());
    QCOMPARE(d->reviewQueue, d->byStatus.value(EventStatus::InReview));
    QVERIFY(!d->llmPerDay.isEmpty());

    QCOMPARE(await(m_f->engine->dashboard(kIngest, 0)).error().httpStatus, 403);
    const qint64 future = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
    QCOMPARE(await(m_f->engine->dashboard(kViewer, future)).error().httpStatus, 400);
}
