// The reviewer's side of the app, offscreen, against real engines: statuses moving in place in
// the list and the sidebar, and the review workbench worked from the keyboard by two reviewers
// on one salesflowd (started by the test), neither ever deciding the other's item.
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/remote/remoteengine.h"
#include "tests/support/await.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"
#include "ui/models/eventlistmodel.h"
#include "ui/models/queuemodel.h"
#include "ui/models/reviewqueuemodel.h"
#include "ui/views/eventdetailview.h"
#include "ui/views/mainwindow.h"
#include "ui/views/reviewform.h"
#include "ui/views/reviewview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QInputDialog>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

using namespace salesflow;

namespace {

IngestItem form(int n)
{
    return IngestItem{
        QStringLiteral("form"),
        "application/json",
        R"({"submission_id":"rv-)" + QByteArray::number(n)
            + R"(","fields":{"email":"dana@northwind.example","message":"We need a SOC 2 report before we buy."}})",
        {}};
}

/// A reviewer's window on a RemoteEngine, logged in.
struct Desk
{
    std::unique_ptr<remote::RemoteEngine> engine;
    std::unique_ptr<ui::MainWindow> window;

    Desk(const QUrl &url, const QString &user)
    {
        engine = std::make_unique<remote::RemoteEngine>(remote::RemoteEngine::Options{url, {}, 5000});
        auto s = test::await(engine->login(user, "a long passphrase"));
        if (!s)
            qFatal("login of %s failed: %s", qPrintable(user), qPrintable(s.error().message));
        window = std::make_unique<ui::MainWindow>(engine.get(), Caller::user(user, Role::Reviewer));
        window->show();
    }
    ui::ReviewView *review() const { return window->reviewView(); }
};

/// A key pressed in `w`'s window, made the active one first (shortcuts go to the active window).
void press(QWidget *w, QKeyCombination keys)
{
    w->window()->activateWindow();
    if (!QTest::qWaitForWindowActive(w->window()))
        qWarning("the window did not become active");
    QTest::keyClick(w, keys.key(), keys.keyboardModifiers());
}

} // namespace

class TestReviewUi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QCoreApplication::setOrganizationName(QStringLiteral("SalesFlowTest")); }

    void statusesAndCountsMoveInPlace()
    {
        // The window's engine runs no stage: the rows are certainly "received" when they show. A
        // second engine on the same store then works them, as another process would.
        LocalEngine::Options o;
        o.config.dbUrl = test::freshDbUrl(QStringLiteral("ui_live"));
        o.runWorkers = o.runReplays = false;
        auto e = LocalEngine::open(o);
        QVERIFY(e.ok());
        test::await(e.value()->ingest(test::caller(), {form(1), form(2)}));
        ui::MainWindow w(e.value().get(), test::caller());
        QAbstractItemModelTester listTester(w.eventModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester queueTester(w.queueModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        w.show();
        QTRY_COMPARE(w.eventModel()->rowCount(), 2);
        QCOMPARE(w.eventModel()->summary(0)->status, EventStatus::Received);
        QTRY_COMPARE(w.queueModel()->count(EventStatus::Received), 2);
        w.eventTable()->selectRow(1);
        const QString selected = w.eventModel()->eventId(1);
        QSignalSpy resets(w.eventModel(), &QAbstractItemModel::modelReset);

        LocalEngine::Options workerOptions = o;
        workerOptions.runWorkers = true;
        workerOptions.stages = pipeline::builtStages(workerOptions.config).value();
        auto worker = LocalEngine::open(workerOptions);
        QVERIFY(worker.ok());
        // Both move to review: the rows change where they are, the list is not reloaded, the
        // selection stays on its event, and the sidebar counts them.
        QTRY_VERIFY_WITH_TIMEOUT(w.eventModel()->summary(0)->status == EventStatus::InReview
                                     && w.eventModel()->summary(1)->status == EventStatus::InReview,
                                 15000);
        QTRY_VERIFY(!w.eventModel()->summary(1)->intent.isEmpty()); // the row's other columns follow
        QCOMPARE(resets.count(), 0);
        QTRY_VERIFY(w.detailView()->storyText().contains(QStringLiteral("→ In review"))); // the detail follows
        QCOMPARE(w.eventModel()->eventId(w.eventTable()->currentIndex().row()), selected);
        QCOMPARE(w.eventModel()->data(w.eventModel()->index(1, ui::EventListModel::Status)).toString(),
                 QStringLiteral("In review"));
        QTRY_COMPARE(w.queueModel()->count(EventStatus::InReview), 2);
        const QModelIndex inReview = w.queueModel()->index(w.queueModel()->rowOf(EventStatus::InReview));
        QCOMPARE(inReview.data().toString(), QStringLiteral("In review (2)"));
        w.setStatusFilter(EventStatus::Done);
        QTRY_VERIFY(!w.eventModel()->isLoading());
        QCOMPARE(w.eventModel()->rowCount(), 0);
    }

    void reviewersWorkTheQueueFromTheKeyboard()
    {
        const QString url = test::freshDbUrl(QStringLiteral("ui_review"));
        LocalEngine::Options o;
        o.config.dbUrl = url;
        o.runWorkers = o.runReplays = false;
        auto setup = LocalEngine::open(o);
        QVERIFY(setup.ok());
        for (const char *name : {"rita", "rolf"}) {
            QVERIFY(test::await(setup.value()->addUser(test::caller(), QLatin1String(name), Role::Reviewer,
                                                       "a long passphrase"))
                        .ok());
        }
        QProcess server;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("1.0")); // every event to review
        const quint16 port = test::startServe(server, {QStringLiteral("--db"), url}, env);
        QVERIFY(port);
        const QUrl where(QStringLiteral("http://127.0.0.1:%1").arg(port));
        test::await(setup.value()->ingest(test::caller(), {form(1), form(2), form(3)}));

        Desk rita(where, QStringLiteral("rita"));
        QAbstractItemModelTester tester(rita.review()->queue(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        press(rita.window.get(), Qt::CTRL | Qt::Key_2);
        QCOMPARE(rita.window->page(), ui::MainWindow::Page::Review);
        QTRY_VERIFY_WITH_TIMEOUT(rita.review()->queue()->rowCount() == 3 && rita.review()->canDecide(), 20000);
        const QString first = rita.review()->currentId();

        // The second reviewer is given the next free item, not rita's; going back to the oldest
        // shows it held, by whom, and not decidable.
        Desk rolf(where, QStringLiteral("rolf"));
        rolf.window->showPage(ui::MainWindow::Page::Review);
        QTRY_VERIFY_WITH_TIMEOUT(rolf.review()->canDecide() && rolf.review()->currentId() != first, 20000);
        press(rolf.review(), Qt::CTRL | Qt::Key_K);
        QTRY_COMPARE(rolf.review()->currentId(), first);
        QTRY_VERIFY(rolf.review()->holderText().contains(QStringLiteral("rita")));
        QVERIFY(!rolf.review()->canDecide());
        press(rolf.review(), Qt::CTRL | Qt::Key_Return); // does nothing: the button is disabled

        // An edit, seen in the planned note before approving; then approve with the keyboard.
        QTRY_VERIFY(!rita.review()->previewText().isEmpty());
        QLineEdit *next = rita.review()->form()->nextActionEdit();
        next->setFocus();
        next->selectAll();
        QTest::keyClicks(next, QStringLiteral("Send the SOC 2 report"));
        QTRY_VERIFY_WITH_TIMEOUT(rita.review()->previewText().contains(QStringLiteral("Send the SOC 2 report")), 5000);
        QTRY_VERIFY(rita.review()->previewText().contains(QStringLiteral("changed by your edits")));
        QTRY_VERIFY(rita.review()->shortcuts().last()->isEnabled()); // approve is ready
        press(next, Qt::CTRL | Qt::Key_Return);
        QTRY_VERIFY2_WITH_TIMEOUT(rita.review()->currentId() != first && rita.review()->canDecide(),
                                  qPrintable(QStringLiteral("open: %1 (first %2), claimed: %3, problem: %4")
                                                 .arg(rita.review()->currentId(), first)
                                                 .arg(rita.review()->canDecide())
                                                 .arg(rita.review()->problemText())),
                                  20000);
        QCOMPARE(rita.review()->queue()->rowCount(), 2); // the next item opened at once

        // An objection whose evidence is not in the text is flagged before anything is sent.
        QTableWidget *objections = rita.review()->form()->objectionTable();
        QTRY_VERIFY(objections->rowCount() > 0); // the offline model finds the SOC 2 objection
        objections->item(0, 1)->setText(QStringLiteral("words nobody wrote"));
        QTRY_VERIFY(rita.review()->problemText().contains(QStringLiteral("not a quote")));
        QTRY_VERIFY(!rita.review()->shortcuts().last()->isEnabled()); // approve waits for a fix
        objections->item(0, 1)->setText(QStringLiteral("soc 2 REPORT")); // any case
        QTRY_VERIFY(rita.review()->shortcuts().last()->isEnabled());

        // Reject asks for a comment.
        const QString second = rita.review()->currentId();
        press(rita.review(), Qt::CTRL | Qt::Key_Backspace);
        QInputDialog *ask = nullptr;
        QTRY_VERIFY((ask = rita.review()->findChild<QInputDialog *>(QStringLiteral("rejectDialog")))
                    && ask->isVisible());
        ask->setTextValue(QStringLiteral("duplicate of an earlier request"));
        ask->accept();
        QTRY_VERIFY_WITH_TIMEOUT(rita.review()->currentId() != second, 10000);

        // The server has both decisions, once each; rolf's stale item left his queue.
        auto d1 = test::await(rita.engine->event(Caller::user(QStringLiteral("rita"), Role::Reviewer), first));
        QVERIFY(d1->summary.status != EventStatus::InReview);
        QCOMPARE(d1->enrichments.last().reviewedBy, QStringLiteral("user:rita"));
        QCOMPARE(d1->enrichments.last().nextAction, QStringLiteral("Send the SOC 2 report"));
        auto d2 = test::await(rita.engine->event(Caller::user(QStringLiteral("rita"), Role::Reviewer), second));
        QCOMPARE(d2->summary.status, EventStatus::Rejected);
        QTRY_VERIFY_WITH_TIMEOUT(rolf.review()->queue()->rowOf(first) < 0, 5000);
        AuditQuery q;
        q.eventId = first;
        q.action = QStringLiteral("review.approve");
        QCOMPARE(test::await(setup.value()->audit(test::caller(), q))->items.size(), 1);
        server.terminate();
        server.waitForFinished();
    }
};

QTEST_MAIN(TestReviewUi)
#include "tst_review.moc"
