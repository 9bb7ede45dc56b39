// The events window and its models against a real LocalEngine on SQLite, offscreen.
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/remote/remoteengine.h"
#include "tests/support/await.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"
#include "ui/dialogs/connectdialog.h"
#include "ui/models/auditmodel.h"
#include "ui/models/eventlistmodel.h"
#include "ui/views/eventdetailview.h"
#include "ui/views/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QtTest>

using namespace salesflow;

class TestUi : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<LocalEngine> m_engine;

    void ingest(int n, const QString &source)
    {
        QList<IngestItem> items;
        for (int i = 0; i < n; ++i)
            items << IngestItem{source,
                                "application/json",
                                "{\"n\":" + QByteArray::number(i) + ",\"s\":\"" + source.toUtf8() + "\"}",
                                {}};
        auto f = m_engine->ingest(test::caller(), items);
        f.waitForFinished();
        QVERIFY(f.result().ok());
    }

private Q_SLOTS:
    void init()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("SalesFlowTest"));
        LocalEngine::Options o;
        o.config.dbUrl = test::freshDbUrl(QStringLiteral("ui"));
        auto e = LocalEngine::open(o);
        QVERIFY(e.ok());
        m_engine = std::move(e).value();
    }

    void cleanup() { m_engine.reset(); }

    void modelPagesLazily()
    {
        ingest(250, QStringLiteral("chat"));
        ingest(30, QStringLiteral("form"));
        ui::EventListModel model(m_engine.get(), test::caller());
        // Attached before the first fetch: it checks every signal the model sends from the start.
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(100);
        model.reload();
        QTRY_COMPARE(model.rowCount(), 100);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 200);
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 280);
        QTRY_VERIFY(!model.isLoading());
        QVERIFY(!model.canFetchMore({}));
        // Newest first, no duplicates.
        QSet<QString> ids;
        for (int r = 0; r < model.rowCount(); ++r)
            ids.insert(model.eventId(r));
        QCOMPARE(ids.size(), 280);
        QCOMPARE(model.summary(0)->source, QStringLiteral("form"));
        QCOMPARE(model.data(model.index(0, ui::EventListModel::Source)).toString(), QStringLiteral("Web form"));

        EventQuery q;
        q.source = QStringLiteral("form");
        model.setFilter(q);
        QTRY_COMPARE(model.rowCount(), 30);
        QTRY_VERIFY(!model.canFetchMore({}));
        q.source.clear();
        q.status = QStringLiteral("failed");
        model.setFilter(q);
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), 0);
    }

    void auditModelIsWellBehaved()
    {
        ui::AuditModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEntries({AuditEntry{1,
                                     QStringLiteral("e"),
                                     QStringLiteral("api"),
                                     QStringLiteral("received"),
                                     {},
                                     QStringLiteral("received"),
                                     {},
                                     1000}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, ui::AuditModel::Actor)).toString(), QStringLiteral("api"));
        QVERIFY(!model.headerData(ui::AuditModel::At, Qt::Horizontal).toString().isEmpty());
    }

    void connectDialogChecksAndRemembersWithoutPasswords()
    {
        QSettings().remove(QStringLiteral("connections/recent"));
        ui::ConnectDialog dialog;
        QSignalSpy asked(&dialog, &ui::ConnectDialog::connectTo);
        ui::ConnectTarget server;
        server.kind = ui::ConnectTarget::Kind::Server;
        server.url = QStringLiteral("ftp://host");
        server.user = QStringLiteral("rita");
        dialog.setTarget(server);
        dialog.show();
        QTest::keyClick(&dialog, Qt::Key_Return);
        QVERIFY(dialog.errorText().contains(QStringLiteral("http://host:port")));
        QCOMPARE(asked.count(), 0); // said in place, nothing tried
        server.url = QStringLiteral("https://sales.example:8765");
        dialog.setTarget(server);
        const QList<QLineEdit *> edits = dialog.findChildren<QLineEdit *>();
        const auto pw = std::find_if(edits.cbegin(), edits.cend(),
                                     [](QLineEdit *e) { return e->echoMode() == QLineEdit::Password; });
        QVERIFY(pw != edits.cend());
        QTest::keyClicks(*pw, QStringLiteral("secret words"));
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(asked.count(), 1);
        const auto target = asked.first().first().value<ui::ConnectTarget>();
        QCOMPARE(target.password, QByteArray("secret words"));
        dialog.failed(QStringLiteral("Wrong user name or password."));
        QCOMPARE(dialog.errorText(), QStringLiteral("Wrong user name or password."));
        QVERIFY(dialog.isVisible());
        dialog.succeeded();
        QVERIFY(!dialog.isVisible());
        const QList<ui::ConnectTarget> recent = ui::ConnectDialog::recent();
        QCOMPARE(recent.size(), 1);
        QCOMPARE(recent.first().label(), QStringLiteral("rita@https://sales.example:8765"));
        QVERIFY(!QSettings().value(QStringLiteral("connections/recent")).toString().contains(QLatin1String("secret")));
        QVERIFY(recent.first().password.isEmpty());
        // A database URL's own password is never remembered or shown either.
        ui::ConnectTarget db{
            ui::ConnectTarget::Kind::Database, QStringLiteral("postgresql://ops:s3cret@db.example/sf"), {}, {}};
        ui::ConnectDialog::remember(db);
        QCOMPARE(ui::ConnectDialog::recent().first().label(), QStringLiteral("postgresql://ops@db.example/sf"));
        QVERIFY(!QSettings()
                     .value(QStringLiteral("connections/recent"))
                     .toStringList()
                     .join(u' ')
                     .contains(QLatin1String("s3cret")));
    }

    void windowShowsEventsAndDetail()
    {
        ingest(3, QStringLiteral("chat"));
        ingest(2, QStringLiteral("product"));
        ui::MainWindow w(m_engine.get(), test::caller());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_COMPARE(w.eventModel()->rowCount(), 5);
        // The first row is selected and its detail loads: raw payload and audit trail.
        QTRY_VERIFY(!w.detailView()->currentId().isEmpty());
        QTRY_VERIFY(w.detailView()->rawText().contains(QStringLiteral("\"s\":\"product\"")));
        w.setSourceFilter(QStringLiteral("chat"));
        QTRY_COMPARE(w.eventModel()->rowCount(), 3);
        QSignalSpy loaded(w.detailView(), &ui::EventDetailView::loaded);
        w.eventTable()->selectRow(2);
        QTRY_VERIFY(loaded.count() >= 1); // the detail may load before we start waiting
        QVERIFY(w.detailView()->rawText().contains(QStringLiteral("\"s\":\"chat\"")));
        w.setStatusFilter(QStringLiteral("done"));
        QTRY_VERIFY(!w.eventModel()->isLoading());
        QCOMPARE(w.eventModel()->rowCount(), 0);
    }

    void detailShowsTheNormalisedEvent()
    {
        m_engine.reset();
        LocalEngine::Options o;
        o.config.dbUrl = test::freshDbUrl(QStringLiteral("uinorm"));
        o.stages = pipeline::builtStages(o.config).value();
        auto e = LocalEngine::open(o);
        QVERIFY(e.ok());
        m_engine = std::move(e).value();
        auto f = m_engine->ingest(test::caller(),
                                  {IngestItem{QStringLiteral("form"),
                                              "application/json",
                                              R"({"fields":{"email":"ann@acme.io","message":"Need pricing"}})",
                                              {}}});
        f.waitForFinished();
        ui::MainWindow w(m_engine.get(), test::caller());
        w.show();
        QTRY_COMPARE(w.eventModel()->rowCount(), 1);
        // The stage runs in the background; reload until the event shows as normalised.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                w.eventModel()->reload();
                QTest::qWait(50);
                return w.detailView()->normalisedSummary().contains(QStringLiteral("form_submission"));
            }(),
            10000);
        QVERIFY(w.detailView()->normalisedSummary().contains(QStringLiteral("ann@acme.io")));
        QVERIFY(w.detailView()->normalisedSummary().contains(QStringLiteral("Need pricing")));
        // The offline analysis shows up with its provenance once the enrich stage has run.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                w.eventModel()->reload();
                QTest::qWait(50);
                return w.detailView()->enrichmentText().contains(QStringLiteral("offline-rules-1"));
            }(),
            10000);
        const QString analysis = w.detailView()->enrichmentText();
        QVERIFY2(analysis.contains(QStringLiteral("By offline / offline-rules-1 with prompt enrich v1")),
                 qPrintable(analysis));
        QVERIFY(analysis.contains(QStringLiteral("Intent: medium")));
        QVERIFY(analysis.contains(QStringLiteral("Needs review"))); // two words of text: low confidence
        QVERIFY(analysis.contains(QStringLiteral("Follow-up email:")));
    }

    void detailShowsTheDryRunActions()
    {
        m_engine.reset();
        LocalEngine::Options o;
        o.config.dbUrl = test::freshDbUrl(QStringLiteral("uiactions"));
        o.config.reviewThreshold = 0.0; // straight through to planning
        o.stages = pipeline::builtStages(o.config).value();
        auto e = LocalEngine::open(o);
        QVERIFY(e.ok());
        m_engine = std::move(e).value();
        auto f = m_engine->ingest(
            test::caller(),
            {IngestItem{QStringLiteral("form"),
                        "application/json",
                        R"({"fields":{"email":"ann@acme.io","message":"We need pricing for 40 seats and a demo."}})",
                        {}}});
        f.waitForFinished();
        ui::MainWindow w(m_engine.get(), test::caller());
        w.show();
        QTRY_COMPARE(w.eventModel()->rowCount(), 1);
        // No HUBSPOT_ACCESS_TOKEN: the actions are planned and shown as dry_run.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                w.eventModel()->reload();
                QTest::qWait(50);
                return w.detailView()->actionRows().contains(QStringLiteral("note dry_run"));
            }(),
            15000);
        // The story tells it in order, with who did what.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                w.eventModel()->reload();
                QTest::qWait(50);
                return w.detailView()->storyText().contains(QStringLiteral("Planned → Done"));
            }(),
            15000);
        const QString story = w.detailView()->storyText();
        for (const char *step : {"Received", "Normalised as form_submission", "Analysed with prompt enrich v1",
                                 "offline/offline-rules-1", "note ", "dry_run"}) {
            QVERIFY2(story.contains(QLatin1String(step)),
                     qPrintable(QLatin1String(step) + QStringLiteral(" in ") + story));
        }
        QVERIFY(story.indexOf(QLatin1String("Received")) < story.indexOf(QLatin1String("Normalised as")));
        const QStringList rows = w.detailView()->actionRows();
        QVERIFY2(rows.contains(QStringLiteral("task dry_run"))
                     && rows.contains(QStringLiteral("upsert_contact dry_run"))
                     && rows.contains(QStringLiteral("update_contact dry_run")),
                 qPrintable(rows.join(QLatin1Char('|'))));
    }

    void newArrivalsAreAnnouncedNotForced()
    {
        ingest(2, QStringLiteral("chat"));
        ui::MainWindow w(m_engine.get(), test::caller());
        w.show();
        QTRY_COMPARE(w.eventModel()->rowCount(), 2);
        QTest::qWait(200); // the window learns the store's size
        ingest(3, QStringLiteral("form"));
        // Within one poll (5 s) the status bar says so; the list is left as the reviewer had it.
        QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains(QStringLiteral("F5")), 8000);
        QCOMPARE(w.eventModel()->rowCount(), 2);
        w.eventModel()->reload();
        QTRY_COMPARE(w.eventModel()->rowCount(), 5);
    }

    void remoteWindowFollowsTheServer()
    {
        // The same window on a RemoteEngine: a change made on the server shows; the title and
        // the status bar say where; a server that goes away is said, and its return too.
        const QString url = test::freshDbUrl(QStringLiteral("ui_remote"));
        Config cfg;
        cfg.dbUrl = url;
        LocalEngine::Options o;
        o.config = cfg;
        o.runWorkers = o.runReplays = false;
        auto setup = LocalEngine::open(o);
        QVERIFY(setup.ok());
        QVERIFY(test::await(
                    setup.value()->addUser(test::caller(), QStringLiteral("rita"), Role::Reviewer, "a long passphrase"))
                    .ok());
        QProcess server;
        const quint16 port = test::startServe(server, {QStringLiteral("--db"), url});
        QVERIFY(port);
        const QUrl where(QStringLiteral("http://127.0.0.1:%1").arg(port));
        remote::RemoteEngine engine({where, {}, 5000});
        auto session = test::await(engine.login(QStringLiteral("rita"), "a long passphrase"));
        QVERIFY2(session.ok(), qPrintable(session.error().message));
        const Caller rita = Caller::user(QStringLiteral("rita"), Role::Reviewer);
        ui::MainWindow w(&engine, rita);
        w.setWhere(QStringLiteral("rita@") + where.toString());
        w.show();
        QCOMPARE(w.windowTitle(), QStringLiteral("SalesFlow — rita@") + where.toString());
        QTest::qWait(300);
        test::await(setup.value()->ingest(test::caller(),
                                          {IngestItem{QStringLiteral("chat"), "application/json", "{\"n\":1}", {}}}));
        QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains(QStringLiteral("F5")), 5000);
        w.eventModel()->reload();
        QTRY_COMPARE(w.eventModel()->rowCount(), 1);
        server.kill();
        server.waitForFinished();
        const auto says = [&w](const QString &text) {
            const QList<QLabel *> labels = w.findChildren<QLabel *>();
            return std::any_of(labels.cbegin(), labels.cend(), [&](QLabel *l) { return l->text().contains(text); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(says(QStringLiteral("Offline")), 10000);
        QCOMPARE(
            test::startServe(server, {QStringLiteral("--db"), url}, QProcessEnvironment::systemEnvironment(), port),
            port);
        QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains(QStringLiteral("Connected again")), 20000);
        QVERIFY(!says(QStringLiteral("Offline")));
        server.terminate();
        server.waitForFinished();
    }
};

QTEST_MAIN(TestUi)
#include "tst_ui.moc"
