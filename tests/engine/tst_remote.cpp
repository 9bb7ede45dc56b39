// RemoteEngine against a salesflowd process: the change feed survives a server restart without
// losing a change, and what goes wrong is said in words.
#include "tst_suites.h"

#include "engine/api/changewatcher.h"
#include "engine/local/localengine.h"
#include "engine/remote/certificateprobe.h"
#include "engine/remote/remoteengine.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"

#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QtTest>

using namespace salesflow;
using test::await;

namespace {

IngestItem form(const QByteArray &id)
{
    return IngestItem{QStringLiteral("form"),
                      "application/json",
                      R"({"submission_id":")" + id + R"(","fields":{"email":"a@b.example","message":"hi"}})",
                      {}};
}

/// The store's engine for setting up and for changes made while the server is away.
std::unique_ptr<LocalEngine> setUp(const QString &url)
{
    Config cfg;
    cfg.dbUrl = url;
    LocalEngine::Options o;
    o.config = cfg;
    o.runWorkers = o.runReplays = false;
    auto e = LocalEngine::open(o);
    if (!e)
        qFatal("%s", qPrintable(e.error().message));
    return std::move(e).value();
}

quint16 serve(QProcess &p, const QString &url, quint16 port = 0)
{
    // A restart binds the same address again (the client knows only this one).
    return test::startServe(p, {QStringLiteral("--db"), url}, QProcessEnvironment::systemEnvironment(), port);
}

} // namespace

void TestRemote::feedResumesAcrossARestartWithoutLosingAChange()
{
    const QString url = test::freshDbUrl(QStringLiteral("remote"));
    auto local = setUp(url);
    const QByteArray token = test::createToken(*local, QStringLiteral("ops"), Role::Admin);
    auto server = std::make_unique<QProcess>();
    const quint16 port = serve(*server, url);
    QVERIFY(port);
    remote::RemoteEngine engine({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 5000});
    engine.setToken(token);
    const Caller me = Caller::token(QStringLiteral("ops"), Role::Admin);
    ChangeWatcher watcher(&engine, me);
    QSet<QString> seen;
    connect(&watcher, &ChangeWatcher::changed, this, [&seen](const ChangeSet &s) {
        for (const Change &c : s.items)
            seen.insert(c.eventId);
    });
    QSignalSpy failed(&watcher, &ChangeWatcher::failed);
    QSignalSpy reconnected(&watcher, &ChangeWatcher::reconnected);
    QSignalSpy offline(&engine, &remote::RemoteEngine::connectionChanged);
    watcher.start();
    QTest::qWait(300);
    const QString before = await(engine.ingest(me, {form("r-1")})).value().first().value().id;
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains(before), 5000);

    server->kill(); // SIGKILL: no goodbye to the long poll
    server->waitForFinished();
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
    QVERIFY(!await(engine.stats(me)).ok()); // says so, in words
    // A change while the client cannot see the server: it must not be lost.
    const QString whileAway = await(local->ingest(test::caller(), {form("r-2")})).value().first().value().id;
    server = std::make_unique<QProcess>();
    QCOMPARE(serve(*server, url, port), port);
    QTRY_VERIFY_WITH_TIMEOUT(!reconnected.isEmpty(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains(whileAway), 5000);
    const QString after = await(engine.ingest(me, {form("r-3")})).value().first().value().id;
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains(after), 5000);
    QVERIFY(!offline.isEmpty() && offline.last().first().toBool()); // online again
    watcher.stop();
    server->terminate();
    server->waitForFinished();
}

void TestRemote::failuresAreSaidInWords()
{
    const QString url = test::freshDbUrl(QStringLiteral("remote_words"));
    auto local = setUp(url);
    QVERIFY(await(local->addUser(test::caller(), QStringLiteral("rita"), Role::Reviewer, "a long passphrase")).ok());
    QProcess server;
    const quint16 port = serve(server, url);
    QVERIFY(port);
    remote::RemoteEngine engine({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 5000});
    auto wrong = await(engine.login(QStringLiteral("rita"), "not it at all"));
    QCOMPARE(wrong.error().httpStatus, 401);
    QCOMPARE(wrong.error().message, QStringLiteral("wrong user name or password"));
    auto s = await(engine.login(QStringLiteral("rita"), "a long passphrase"));
    QVERIFY2(s.ok(), qPrintable(s.error().message));
    QCOMPARE(s->role, Role::Reviewer);
    QCOMPARE(engine.user(), QStringLiteral("rita"));
    const Caller rita = Caller::user(QStringLiteral("rita"), Role::Reviewer);
    QVERIFY(await(engine.listEvents(rita, EventQuery())).ok());
    auto forbidden = await(engine.tokens(rita));
    QCOMPARE(forbidden.error().httpStatus, 403);
    QVERIFY2(forbidden.error().message.contains(QStringLiteral("not allowed")), qPrintable(forbidden.error().message));
    // The session ends (an admin disables her): the engine says so once, for the app to ask again.
    QSignalSpy expired(&engine, &remote::RemoteEngine::sessionExpired);
    QVERIFY(await(local->disableUser(test::caller(), QStringLiteral("rita"))).ok());
    QCOMPARE(await(engine.listEvents(rita, EventQuery())).error().httpStatus, 401);
    QTRY_COMPARE(expired.size(), 1);
    // Names with reserved characters reach the right resource (paths are encoded once).
    remote::RemoteEngine admin({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 5000});
    admin.setToken(test::createToken(*local, QStringLiteral("ops"), Role::Admin));
    const Caller ops = Caller::token(QStringLiteral("ops"), Role::Admin);
    QVERIFY(await(admin.addUser(ops, QStringLiteral("ann@x.example"), Role::Viewer, "another passphrase")).ok());
    auto disabled = await(admin.disableUser(ops, QStringLiteral("ann@x.example")));
    QVERIFY2(disabled.ok(), qPrintable(disabled.error().message));
    server.terminate();
    server.waitForFinished();
    remote::RemoteEngine nowhere({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 2000});
    auto unreachable = await(nowhere.ready());
    QCOMPARE(unreachable.error().code, QStringLiteral("remote.unreachable"));
    QVERIFY2(unreachable.error().message.startsWith(QStringLiteral("the server 127.0.0.1 cannot be reached")),
             qPrintable(unreachable.error().message));
}

void TestRemote::httpsIsRefusedUntilTheCertificateIsTrusted()
{
    QTemporaryDir dir;
    const auto [cert, key] = test::selfSignedCertificate(dir.path());
    QVERIFY(!cert.isEmpty());
    const QString url = test::freshDbUrl(QStringLiteral("remote_tls"));
    auto local = setUp(url);
    const QByteArray token = test::createToken(*local, QStringLiteral("ops"), Role::Viewer);
    QProcess server;
    const quint16 port = test::startServe(
        server, {QStringLiteral("--db"), url, QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
    QVERIFY2(port, server.readAllStandardError().constData());
    const QUrl https(QStringLiteral("https://127.0.0.1:%1").arg(port));
    const Caller me = Caller::token(QStringLiteral("ops"), Role::Viewer);
    remote::RemoteEngine untrusted({https, {}, 5000});
    untrusted.setToken(token);
    auto refused = await(untrusted.stats(me));
    QVERIFY2(refused.error().code == QStringLiteral("remote.tls"), qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QStringLiteral("not trusted")), qPrintable(refused.error().message));
    QFile pem(cert);
    QVERIFY(pem.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> own = QSslCertificate::fromData(pem.readAll());
    // What a person is shown before trusting it: the server's own certificate, read without
    // trusting it; a port with nothing behind it says so.
    auto shown = await(remote::serverCertificates(https));
    QVERIFY2(shown.ok(), qPrintable(shown.error().message));
    QCOMPARE(shown->first(), own.first());
    auto nobody = await(remote::serverCertificates(QUrl(QStringLiteral("https://127.0.0.1:1"))));
    QCOMPARE(nobody.error().code, QStringLiteral("remote.unreachable"));
    remote::RemoteEngine trusted({https, own, 5000});
    trusted.setToken(token);
    auto stats = await(trusted.stats(me));
    QVERIFY2(stats.ok(), qPrintable(stats.error().message));
    // Plain HTTP to the HTTPS port gets nowhere.
    remote::RemoteEngine plain({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 3000});
    plain.setToken(token);
    QVERIFY(!await(plain.stats(me)).ok());
    server.terminate();
    server.waitForFinished();
}

void TestRemote::listeningBeyondLoopbackNeedsTls()
{
    const QString url = test::freshDbUrl(QStringLiteral("remote_listen"));
    const test::CliRun refused = test::runSalesflowd({QStringLiteral("serve"), QStringLiteral("--db"), url,
                                                      QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("--tls-cert and --tls-key, or --insecure-listen"), refused.err.constData());
    QProcess server;
    server.start(test::salesflowdPath(),
                 {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--listen"),
                  QStringLiteral("0.0.0.0:0"), QStringLiteral("--insecure-listen")});
    QVERIFY(server.waitForStarted());
    QByteArray said;
    QTRY_VERIFY_WITH_TIMEOUT((said += server.readAllStandardOutput()).contains("listening on 0.0.0.0:"), 20000);
    server.terminate();
    QVERIFY(server.waitForFinished(20000));
}
