// The admin's side of the app, offscreen, against a real LocalEngine: the audit log and the
// prompt editor and replays.
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "tests/support/await.h"
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
