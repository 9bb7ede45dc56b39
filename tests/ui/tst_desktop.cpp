// The desktop's composition (app/salesflow: which engine, the window on it), offscreen, against a
// salesflowd the test starts: a certificate that is not trusted is shown and, once trusted, the
// login goes through; an expired session asks for the password again without losing what the
// reviewer was doing.
#include "app/salesflow/connection.h"
#include "app/salesflow/desktop.h"
#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "tests/support/await.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"
#include "ui/dialogs/trustdialog.h"
#include "ui/models/eventlistmodel.h"
#include "ui/models/reviewqueuemodel.h"
#include "ui/views/mainwindow.h"
#include "ui/views/reviewform.h"
#include "ui/views/reviewview.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QInputDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace salesflow;

namespace {

const QByteArray kPassword = "a long passphrase";

/// A store with the reviewer rita and, on request, events waiting for review.
std::unique_ptr<LocalEngine> storeWithRita(const QString &url, int inReview = 0)
{
    LocalEngine::Options o;
    o.config.dbUrl = url;
    o.runWorkers = o.runReplays = false;
    auto e = LocalEngine::open(o);
    if (!e)
        qFatal("%s", qPrintable(e.error().message));
    test::await(e.value()->addUser(test::caller(), QStringLiteral("rita"), Role::Reviewer, kPassword));
    for (int i = 0; i < inReview; ++i) {
        test::await(e.value()->ingest(
            test::caller(),
            {IngestItem{QStringLiteral("form"),
                        "application/json",
                        R"({"submission_id":"d)" + QByteArray::number(i)
                            + R"(","fields":{"email":"ann@acme.example","message":"We need a SOC 2 report."}})",
                        {}}}));
    }
    return std::move(e).value();
}

/// Answers the first visible dialog of type D with `act`, from a timer (the dialog may run its
/// own event loop).
template<typename D>
void answerWhenShown(std::function<void(D *)> act)
{
    auto *timer = new QTimer;
    QObject::connect(timer, &QTimer::timeout, timer, [timer, act] {
        const QList<QWidget *> all = QApplication::topLevelWidgets();
        for (QWidget *w : all) {
            if (auto *d = qobject_cast<D *>(w); d && d->isVisible()) {
                timer->deleteLater();
                timer->stop();
                act(d);
                return;
            }
        }
    });
    timer->start(50);
}

} // namespace

class TestDesktop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QCoreApplication::setOrganizationName(QStringLiteral("SalesFlowDesktopTest")); }

    void untrustedCertificateIsShownThenTrusted()
    {
        QSettings().remove(QStringLiteral("trust"));
        QTemporaryDir dir;
        const auto [cert, key] = test::selfSignedCertificate(dir.path());
        QVERIFY(!cert.isEmpty());
        const QString url = test::freshDbUrl(QStringLiteral("desk_tls"));
        auto setup = storeWithRita(url);
        QProcess server;
        const quint16 port = test::startServe(
            server,
            {QStringLiteral("--db"), url, QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
        QVERIFY(port);
        const QUrl https(QStringLiteral("https://127.0.0.1:%1").arg(port));
        QFile pem(cert);
        QVERIFY(pem.open(QIODevice::ReadOnly));
        const QString fingerprint = ui::TrustDialog::fingerprint(QSslCertificate::fromData(pem.readAll()).first());

        ui::ConnectTarget target{ui::ConnectTarget::Kind::Server, https.toString(), QStringLiteral("rita"), kPassword};
        QWidget parent;
        std::optional<Result<app::Connection>> answer;
        QString shown;
        answerWhenShown<ui::TrustDialog>([&shown](ui::TrustDialog *d) {
            shown = d->text();
            d->findChild<QDialogButtonBox *>()->buttons().constFirst()->click(); // "Trust this certificate"
        });
        app::connectTo(target, &parent, [&answer](Result<app::Connection> c) { answer = c; });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
        QVERIFY2(shown.contains(fingerprint), qPrintable(shown));
        QVERIFY2(answer->ok(), qPrintable(answer->error().message));
        QCOMPARE(answer->value().where, QStringLiteral("rita@") + https.toString());
        QCOMPARE(ui::TrustStore::trusted(https).size(), 1);
        QVERIFY(ui::TrustStore::trusted(QUrl(QStringLiteral("https://127.0.0.1:1"))).isEmpty()); // that server only

        // Declined: the words say why, nothing is stored.
        QSettings().remove(QStringLiteral("trust"));
        answer.reset();
        answerWhenShown<ui::TrustDialog>([](ui::TrustDialog *d) { d->reject(); });
        app::connectTo(target, &parent, [&answer](Result<app::Connection> c) { answer = c; });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
        QVERIFY2(answer->error().message.contains(QStringLiteral("not trusted")), qPrintable(answer->error().message));
        QVERIFY(ui::TrustStore::trusted(https).isEmpty());
        server.terminate();
        server.waitForFinished();
    }

    void anotherDatabaseOpensLiveOrSaysWhyNot()
    {
        const QString url = test::freshDbUrl(QStringLiteral("desk_db"));
        auto other = storeWithRita(url, 1);
        QWidget parent;
        std::optional<Result<app::Connection>> answer;
        app::connectTo({ui::ConnectTarget::Kind::Database, url, {}, {}}, &parent,
                       [&answer](Result<app::Connection> c) { answer = c; });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
        QVERIFY2(answer->ok(), qPrintable(answer->error().message));
        app::Desktop desktop;
        desktop.show(answer->value());
        ui::MainWindow *w = desktop.window();
        QVERIFY(w->windowTitle().contains(QStringLiteral("@") + url.section(QLatin1Char('@'), -1).left(10)));
        QTRY_COMPARE_WITH_TIMEOUT(w->eventModel()->rowCount(), 1, 20000);
        test::await(
            other->ingest(test::caller(), {IngestItem{QStringLiteral("chat"), "application/json", "{\"n\":1}", {}}}));
        QTRY_VERIFY_WITH_TIMEOUT(w->statusBar()->currentMessage().contains(QStringLiteral("F5")), 10000);

        // A database written by a newer SalesFlow is refused in words, and left alone.
        auto bump = store::Database::open(url).value()->acquire();
        QVERIFY(
            bump.value()->exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'x', 0)", {}));
        answer.reset();
        app::connectTo({ui::ConnectTarget::Kind::Database, url, {}, {}}, &parent,
                       [&answer](Result<app::Connection> c) { answer = c; });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
        QVERIFY2(answer->error().message.startsWith(QStringLiteral("This database is newer than this app")),
                 qPrintable(answer->error().message));
    }

    void expiredSessionAsksAgainAndKeepsTheWork()
    {
        const QString url = test::freshDbUrl(QStringLiteral("desk_session"));
        auto setup = storeWithRita(url);
        QProcess server;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("1.0"));
        const quint16 port = test::startServe(server, {QStringLiteral("--db"), url}, env);
        QVERIFY(port);
        const QString where = QStringLiteral("http://127.0.0.1:%1").arg(port);
        test::await(setup->ingest(test::caller(),
                                  {IngestItem{QStringLiteral("form"),
                                              "application/json",
                                              R"({"fields":{"email":"ann@acme.example",)"
                                              R"("message":"We need a SOC 2 report."}})",
                                              {}}}));
        qputenv("SALESFLOW_PASSWORD", kPassword);
        auto connection = app::open({QStringLiteral("salesflow"), QStringLiteral("--connect"), where,
                                     QStringLiteral("--user"), QStringLiteral("rita")});
        qunsetenv("SALESFLOW_PASSWORD");
        QVERIFY(connection.has_value());
        app::Desktop desktop;
        desktop.show(std::move(connection).value());
        ui::MainWindow *w = desktop.window();
        QCOMPARE(w->windowTitle(), QStringLiteral("SalesFlow — rita@") + where);
        w->showPage(ui::MainWindow::Page::Review);
        ui::ReviewView *review = w->reviewView();
        QTRY_VERIFY_WITH_TIMEOUT(review->canDecide() && !review->previewText().isEmpty(), 20000);
        review->form()->nextActionEdit()->setText(QStringLiteral("Send the SOC 2 report today"));

        // The password changes on the server: every session of rita ends. The app asks for the
        // new one; the edit in the form is still there afterwards and the decision goes through.
        answerWhenShown<QInputDialog>([](QInputDialog *d) {
            d->setTextValue(QStringLiteral("the new passphrase"));
            d->accept();
        });
        QVERIFY(test::await(setup->setPassword(test::caller(), QStringLiteral("rita"), "the new passphrase")).ok());
        QTRY_VERIFY_WITH_TIMEOUT(review->previewText().contains(QStringLiteral("SOC 2 report today")), 20000);
        QCOMPARE(review->form()->nextActionEdit()->text(), QStringLiteral("Send the SOC 2 report today"));
        const QString id = review->currentId();
        w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w));
        QTest::keyClick(review, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(test::await(setup->event(test::caller(), id))->summary.status != EventStatus::InReview,
                                 20000);
        server.terminate();
        server.waitForFinished();
    }
};

QTEST_MAIN(TestDesktop)
#include "tst_desktop.moc"
