// The admin's side of the app, offscreen, against a real LocalEngine: the audit log and the
// prompt editor and replays.
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/remote/remoteengine.h"
#include "tests/support/await.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"
#include "ui/dialogs/usersdialog.h"
#include "ui/models/auditlogmodel.h"
#include "ui/views/auditview.h"
#include "ui/views/dashboardview.h"
#include "ui/views/eventdetailview.h"
#include "ui/views/mainwindow.h"
#include "ui/views/promptview.h"
#include "ui/views/replayview.h"

#include <QAbstractBarSeries>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBarSet>
#include <QChart>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTreeWidget>
#include <QtTest>

using namespace salesflow;

namespace {

/// An engine whose every analysed event waits for review, with one event decided by rita.
struct Decided
{
    std::unique_ptr<LocalEngine> engine;
    QString approved;
};

Decided decidedStore(const QString &name)
{
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(name);
    o.config.reviewThreshold = 1.0;
    o.stages = pipeline::builtStages(o.config).value();
    auto e = LocalEngine::open(o);
    if (!e)
        qFatal("%s", qPrintable(e.error().message));
    Decided d{std::move(e).value(), {}};
    auto r = test::await(
        d.engine->ingest(test::caller(),
                         {IngestItem{QStringLiteral("form"),
                                     "application/json",
                                     R"({"fields":{"email":"ann@acme.example","message":"We need a SOC 2 report."}})",
                                     {}}}));
    d.approved = r.value().first().value().id;
    const Caller rita = Caller::user(QStringLiteral("rita"), Role::Reviewer);
    for (int i = 0; i < 400; ++i) {
        if (test::await(d.engine->event(rita, d.approved))->summary.status == EventStatus::InReview)
            break;
        QTest::qWait(50);
    }
    const ReviewDecision approve{true, QJsonObject{{QStringLiteral("next_action"), QStringLiteral("Call Ann")}},
                                 QStringLiteral("clearer next step")};
    if (!test::await(d.engine->decideReview(rita, d.approved, approve)))
        qFatal("the decision failed");
    return d;
}

/// Waits until every one of `ids` has a status in `wanted` (the workers run on their own).
bool reachStatus(IEngine &engine, const QStringList &ids, const QStringList &wanted, int timeoutMs = 30000)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        bool all = true;
        for (const QString &id : ids) {
            auto e = test::await(engine.event(test::caller(), id));
            all = all && e.ok() && wanted.contains(e->summary.status);
        }
        if (all)
            return true;
        QTest::qWait(100);
    }
    return false;
}

IngestItem formFrom(int n)
{
    return IngestItem{QStringLiteral("form"),
                      "application/json",
                      QStringLiteral(R"({"fields":{"email":"lead%1@acme.example","message":"Pricing for %1 seats?"}})")
                          .arg(n)
                          .toUtf8(),
                      {}};
}

} // namespace

class TestAdminUi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QCoreApplication::setOrganizationName(QStringLiteral("SalesFlowAdminTest")); }

    void auditShowsWhoDidWhatAndOpensTheEvent()
    {
        Decided d = decidedStore(QStringLiteral("ui_audit"));
        ui::MainWindow w(d.engine.get(), test::caller());
        ui::AuditView *audit = w.auditView();
        QAbstractItemModelTester tester(audit->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(w.page(), ui::MainWindow::Page::Audit);
        QTRY_VERIFY(audit->model()->rowCount() >= 4); // received, normalised, enriched/in review, approved

        audit->setActorFilter(QStringLiteral("user:rita"));
        QTRY_VERIFY(!audit->model()->isLoading() && audit->model()->rowCount() >= 1);
        for (int row = 0; row < audit->model()->rowCount(); ++row)
            QCOMPARE(audit->model()->entry(row)->actor, QStringLiteral("user:rita"));
        const int approveRow = [&] {
            for (int row = 0; row < audit->model()->rowCount(); ++row) {
                if (audit->model()->entry(row)->action == QLatin1String("review.approve"))
                    return row;
            }
            return -1;
        }();
        QVERIFY(approveRow >= 0);
        QCOMPARE(audit->model()->data(audit->model()->index(approveRow, ui::AuditLogModel::Action)).toString(),
                 QStringLiteral("Approved in review"));
        audit->table()->selectRow(approveRow);
        QVERIFY2(audit->changeText().contains(QStringLiteral("next_action"))
                     && audit->changeText().contains(QStringLiteral("Call Ann")),
                 qPrintable(audit->changeText()));

        QSignalSpy opened(audit, &ui::AuditView::openEvent);
        const QModelIndex cell = audit->model()->index(approveRow, ui::AuditLogModel::Event);
        audit->table()->scrollTo(cell);
        const QPoint at = audit->table()->visualRect(cell).center();
        QTest::mouseClick(audit->table()->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(audit->table()->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().first().toString(), d.approved);
        QCOMPARE(w.page(), ui::MainWindow::Page::Events);
        QTRY_COMPARE(w.detailView()->currentId(), d.approved);
    }

    void promptVersionsAreCheckedTestedAndActivated()
    {
        Decided d = decidedStore(QStringLiteral("ui_prompts"));
        ui::MainWindow w(d.engine.get(), test::caller());
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(w.page(), ui::MainWindow::Page::Prompts);
        ui::PromptView *p = w.promptView();
        QTRY_COMPARE(p->versionList()->topLevelItemCount(), 1);
        QTRY_VERIFY(!p->templateEditor()->toPlainText().isEmpty());
        const QString original = p->templateEditor()->toPlainText();

        // The engine's own check, as it is typed: an unknown placeholder is named with its place.
        p->templateEditor()->setPlainText(original + QStringLiteral("\nAlso {{event.txt}}\n"));
        QTRY_VERIFY_WITH_TIMEOUT(p->problems().join(u'|').contains(QStringLiteral("event.txt")), 5000);
        QVERIFY2(p->problems().join(u'|').contains(QStringLiteral("Line ")), qPrintable(p->problems().join(u'|')));
        p->templateEditor()->setPlainText(original + QStringLiteral("\nKeep the summary short.\n"));
        QTRY_VERIFY_WITH_TIMEOUT(p->problems().isEmpty(), 5000);
        p->notesEdit()->setText(QStringLiteral("shorter summaries"));
        p->saveButton()->click();
        QTRY_COMPARE(p->versionList()->topLevelItemCount(), 2);
        QVERIFY2(p->statusText().contains(QStringLiteral("version 2")), qPrintable(p->statusText()));

        p->compare(1, 2);
        QVERIFY2(p->diffText().contains(QStringLiteral("Keep the summary short.")), qPrintable(p->diffText()));
        p->versionList()->setCurrentItem(p->versionList()->topLevelItem(0)); // v2, the newest
        p->testOnLatest(2, QString());
        QTRY_VERIFY_WITH_TIMEOUT(p->testText().contains(QStringLiteral("Tested v2")), 20000);
        QVERIFY2(p->testText().contains(QStringLiteral("Active v1")) && p->testText().contains(d.approved),
                 qPrintable(p->testText()));
        p->testOnEvents({d.approved}); // from the event list's selection
        QTRY_VERIFY_WITH_TIMEOUT(p->testText().contains(QStringLiteral("1 event")), 20000);
        QVERIFY2(p->testText().contains(QStringLiteral("would plan: ")), qPrintable(p->testText()));

        p->activateButton()->click();
        QMessageBox *ask = nullptr;
        QTRY_VERIFY((ask = p->findChild<QMessageBox *>(QStringLiteral("activateConfirm"))) && ask->isVisible());
        ask->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(QStringLiteral("Version 2 is active")), 5000);
        auto info = test::await(d.engine->prompt(test::caller(), QStringLiteral("enrich")));
        QVERIFY(info->versions.first().active);
        QCOMPARE(info->versions.first().notes, QStringLiteral("shorter summaries"));

        // A viewer sees the controls disabled, with the reason; the engine would refuse anyway.
        ui::PromptView viewer(d.engine.get(), Caller::user(QStringLiteral("vera"), Role::Viewer));
        QVERIFY(!viewer.activateButton()->isEnabled());
        QVERIFY(viewer.activateButton()->toolTip().contains(QStringLiteral("Only admins")));
        QVERIFY(!viewer.saveButton()->isEnabled());
    }

    void replaysDryRunThenRunAndAreAudited()
    {
        Decided d = decidedStore(QStringLiteral("ui_replays"));
        ui::MainWindow w(d.engine.get(), test::caller());
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
        QCOMPARE(w.page(), ui::MainWindow::Page::Replays);
        ui::ReplayView *r = w.replayView();
        r->setEvents({d.approved});
        r->dryRunButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(r->shownReplayStatus() == QLatin1String("done"), 30000);
        QTRY_COMPARE(r->itemList()->topLevelItemCount(), 1);
        QCOMPARE(r->itemList()->topLevelItem(0)->text(0), d.approved);
        QVERIFY2(r->statusText().contains(QStringLiteral("nothing will change")), qPrintable(r->statusText()));

        r->runButton()->click();
        QMessageBox *sure = nullptr; // a real replay is confirmed first
        QTRY_VERIFY((sure = r->findChild<QMessageBox *>(QStringLiteral("runConfirm"))) && sure->isVisible());
        sure->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(r->replayList()->topLevelItemCount(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(r->shownReplayStatus() == QLatin1String("done"), 30000);
        AuditQuery q;
        q.action = QStringLiteral("replay.start");
        auto started = test::await(d.engine->audit(test::caller(), q));
        QCOMPARE(started->items.size(), 2);
        QCOMPARE(started->items.first().actor, test::caller().actor());

        ui::ReplayView viewer(d.engine.get(), Caller::user(QStringLiteral("vera"), Role::Viewer));
        QVERIFY(!viewer.runButton()->isEnabled() && !viewer.dryRunButton()->isEnabled());
        QVERIFY(viewer.runButton()->toolTip().contains(QStringLiteral("Only admins")));
    }

    void failedEventsAreReplayedFromTheFailedQueue()
    {
        // The LLM was down: two events failed at enrich. With it back (the offline analyser
        // here), the admin replays the failed queue: the dry run says per event what it would
        // gain, the run brings both through, and it is audited.
        const QString url = test::freshDbUrl(QStringLiteral("ui_failed"));
        QStringList failed;
        {
            LocalEngine::Options down;
            down.config.dbUrl = url;
            down.config.llm = QStringLiteral("openai");
            down.config.openaiApiKey = "sk-test";
            down.config.openaiBaseUrl = QStringLiteral("http://127.0.0.1:9/v1"); // nothing listens
            down.config.maxAttempts = 1;
            down.stages = pipeline::builtStages(down.config).value();
            auto e = LocalEngine::open(down);
            QVERIFY(e.ok());
            auto r = test::await(e.value()->ingest(test::caller(), {formFrom(1), formFrom(2)}));
            for (const auto &receipt : r.value())
                failed << receipt->id;
            QVERIFY(reachStatus(*e.value(), failed, {EventStatus::Failed}));
        }
        LocalEngine::Options back;
        back.config.dbUrl = url;
        back.stages = pipeline::builtStages(back.config).value();
        auto engine = LocalEngine::open(back);
        QVERIFY(engine.ok());
        ui::MainWindow w(engine.value().get(), test::caller());
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
        ui::ReplayView *r = w.replayView();
        r->setStatusFilter(EventStatus::Failed); // from where each failed
        r->dryRunButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(r->shownReplayStatus() == QLatin1String("done"), 30000);
        QTRY_COMPARE(r->itemList()->topLevelItemCount(), 2);
        for (int i = 0; i < 2; ++i) {
            const QTreeWidgetItem *row = r->itemList()->topLevelItem(i);
            QVERIFY(failed.contains(row->text(0)));
            QCOMPARE(row->text(2), QStringLiteral("enrich"));
            QVERIFY2(row->text(3).contains(QStringLiteral("summary")), qPrintable(row->text(3)));
        }
        r->runButton()->click();
        QMessageBox *sure = nullptr;
        QTRY_VERIFY((sure = r->findChild<QMessageBox *>(QStringLiteral("runConfirm"))) && sure->isVisible());
        sure->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(r->replayList()->topLevelItemCount(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(r->shownReplayStatus() == QLatin1String("done"), 30000);
        QVERIFY(reachStatus(*engine.value(), failed, {EventStatus::Done, EventStatus::InReview, EventStatus::Planned}));
    }

    void anAdminsDayOnAServer()
    {
        // The same views on a RemoteEngine against a salesflowd process: a prompt version
        // written, tested on the events a filter finds, activated; a replay dry-run; the audit
        // names the admin for all of it.
        const QString url = test::freshDbUrl(QStringLiteral("ui_admin_remote"));
        {
            LocalEngine::Options o;
            o.config.dbUrl = url;
            o.runWorkers = o.runReplays = false;
            auto setup = LocalEngine::open(o);
            QVERIFY(setup.ok());
            QVERIFY(test::await(
                        setup.value()->addUser(test::caller(), QStringLiteral("ada"), Role::Admin, "a long passphrase"))
                        .ok());
        }
        QProcess server;
        const quint16 port = test::startServe(server, {QStringLiteral("--db"), url});
        QVERIFY2(port, server.readAllStandardError().constData());
        remote::RemoteEngine engine({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 5000});
        QVERIFY(test::await(engine.login(QStringLiteral("ada"), "a long passphrase")).ok());
        const Caller ada = Caller::user(QStringLiteral("ada"), Role::Admin);
        auto posted = test::await(engine.ingest(ada, {formFrom(1), formFrom(2), formFrom(3)}));
        QVERIFY(posted.ok());
        QStringList ids;
        for (const auto &receipt : posted.value())
            ids << receipt->id;
        QVERIFY(reachStatus(engine, ids, {EventStatus::Done, EventStatus::InReview, EventStatus::Planned}));

        ui::MainWindow w(&engine, ada);
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        ui::PromptView *p = w.promptView();
        QTRY_VERIFY_WITH_TIMEOUT(!p->templateEditor()->toPlainText().isEmpty(), 10000);
        p->templateEditor()->setPlainText(p->templateEditor()->toPlainText() + QStringLiteral("\nBe brief.\n"));
        QTRY_VERIFY_WITH_TIMEOUT(p->problems().isEmpty(), 5000);
        p->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->versionList()->topLevelItemCount(), 2, 10000);
        p->versionList()->setCurrentItem(p->versionList()->topLevelItem(0));
        EventQuery webForms;
        webForms.source = QStringLiteral("form");
        p->testOnFilter(webForms); // what the event list's filter finds
        QTRY_VERIFY2_WITH_TIMEOUT(p->testText().contains(QStringLiteral("3 event")),
                                  qPrintable(p->statusText() + QLatin1Char('|') + p->testText()), 30000);
        for (const QString &id : ids)
            QVERIFY2(p->testText().contains(id), qPrintable(p->testText()));
        p->activateButton()->click();
        QMessageBox *ask = nullptr;
        QTRY_VERIFY((ask = p->findChild<QMessageBox *>(QStringLiteral("activateConfirm"))) && ask->isVisible());
        ask->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(QStringLiteral("Version 2 is active")), 10000);

        QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier);
        ui::ReplayView *r = w.replayView();
        r->setEvents({ids.first()});
        r->dryRunButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(r->shownReplayStatus() == QLatin1String("done"), 30000);
        QTRY_COMPARE(r->itemList()->topLevelItemCount(), 1);

        QTest::keyClick(&w, Qt::Key_5, Qt::ControlModifier);
        ui::AuditView *audit = w.auditView();
        audit->setActorFilter(QStringLiteral("user:ada"));
        QTRY_VERIFY_WITH_TIMEOUT(!audit->model()->isLoading() && audit->model()->rowCount() >= 2, 10000);
        QStringList actions;
        for (int row = 0; row < audit->model()->rowCount(); ++row)
            actions << audit->model()->entry(row)->action;
        QVERIFY2(actions.contains(QStringLiteral("prompt.activate"))
                     && actions.contains(QStringLiteral("replay.start")),
                 qPrintable(actions.join(u',')));
        server.terminate();
        QVERIFY(server.waitForFinished(30000));
    }

    void usersAndTokensAreManagedAndTheTokenShownOnce()
    {
        LocalEngine::Options o;
        o.config.dbUrl = test::freshDbUrl(QStringLiteral("ui_users"));
        o.runWorkers = o.runReplays = false;
        auto e = LocalEngine::open(o);
        QVERIFY(e.ok());
        ui::UsersDialog dialog(e.value().get(), test::caller());
        dialog.show();
        dialog.addUser(QStringLiteral("nina"), Role::Reviewer, "a long passphrase");
        QTRY_VERIFY(!dialog.userList()->findItems(QStringLiteral("nina"), Qt::MatchExactly).isEmpty());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("nina can log in")), qPrintable(dialog.statusText()));
        dialog.createToken(QStringLiteral("crm"), Role::Ingest);
        QDialog *shown = nullptr;
        QTRY_VERIFY((shown = dialog.findChild<QDialog *>(QStringLiteral("newToken"))) && shown->isVisible());
        const QString token = shown->findChild<QLineEdit *>()->text();
        auto who = test::await(e.value()->authenticate(token.toLatin1()));
        QVERIFY2(who.ok() && who->name == QLatin1String("crm"), qPrintable(token));
        shown->close();
        dialog.revokeToken(QStringLiteral("crm"));
        QTRY_VERIFY(
            !dialog.tokenList()->findItems(QStringLiteral("crm"), Qt::MatchExactly).value(0)->text(3).isEmpty());
        dialog.disableUser(QStringLiteral("nina"));
        QTRY_VERIFY(
            !dialog.userList()->findItems(QStringLiteral("nina"), Qt::MatchExactly).value(0)->text(3).isEmpty());
        QVERIFY(!test::await(e.value()->authenticate(token.toLatin1())).ok());

        ui::UsersDialog viewer(e.value().get(), Caller::user(QStringLiteral("vera"), Role::Viewer));
        QTRY_VERIFY(viewer.statusText().contains(QStringLiteral("could not be loaded")));
    }

    void dashboardDrawsThePipeline()
    {
        Decided d = decidedStore(QStringLiteral("ui_dashboard"));
        ui::MainWindow w(d.engine.get(), test::caller());
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSignalSpy refreshed(w.dashboardView(), &ui::DashboardView::refreshed);
        QTest::keyClick(&w, Qt::Key_6, Qt::ControlModifier);
        QCOMPARE(w.page(), ui::MainWindow::Page::Dashboard);
        QTRY_VERIFY(refreshed.count() >= 1);
        const QList<QChart *> charts = w.dashboardView()->charts();
        QCOMPARE(charts.size(), 7);
        // Events per hour: one set per source, the form counted.
        auto *perHour = qobject_cast<QAbstractBarSeries *>(charts[0]->series().value(0));
        QVERIFY(perHour && perHour->count() >= 1);
        QCOMPARE(perHour->barSets().first()->label(), QStringLiteral("Web form"));
        // Confidence vs verdict: rita's approval with an edit is in one band.
        auto *verdict = qobject_cast<QAbstractBarSeries *>(charts[4]->series().value(0));
        QVERIFY(verdict);
        double edited = 0;
        for (QBarSet *set : verdict->barSets()) {
            if (set->label() == QLatin1String("approved with edits"))
                edited = set->sum();
        }
        QCOMPARE(edited, 1.0);
        QVERIFY2(w.dashboardView()->summaryText().contains(QStringLiteral("review queue")),
                 qPrintable(w.dashboardView()->summaryText()));
    }
};

QTEST_MAIN(TestAdminUi)
#include "tst_admin.moc"
