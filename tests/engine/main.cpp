// Runs the engine suites on one backend: `engine_tests sqlite|postgres [SUITE] [QTest args]`;
// with SUITE (e.g. TestHttp) only that one. CMake registers one ctest entry per suite and store.
#include "tests/support/testbackend.h"
#include "tst_suites.h"

#include <QCoreApplication>
#include <QtTest>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    const QString backend
        = args.size() > 1 && !args[1].startsWith(QLatin1Char('-')) ? args.takeAt(1) : QStringLiteral("sqlite");
    if (backend != QLatin1String("sqlite") && backend != QLatin1String("postgres")) {
        qCritical("usage: engine_tests sqlite|postgres [QTest options]");
        return 2;
    }
    salesflow::test::setBackend(backend);
    QByteArray only = qgetenv("SALESFLOW_SUITE");
    if (args.size() > 1 && args[1].startsWith(QLatin1String("Test")))
        only = args.takeAt(1).toLatin1();
    int failed = 0;
    TestStore store;
    TestQueue queue;
    TestIngest ingest;
    TestHttp http;
    TestFrontDoor frontDoor;
    TestNormalise normalise;
    TestEnrich enrich;
    TestWriteback writeback;
    TestReplay replay;
    TestContractLocal contractLocal;
    TestContractHttp contractHttp;
    TestContractRemote contractRemote;
    TestRemote remote;
    TestJson json;
    TestHttpClient httpClient;
    TestMigrations migrations;
    const std::initializer_list<QObject *> suites{
        &store,  &queue,         &ingest,       &http,           &frontDoor, &normalise, &enrich,     &writeback,
        &replay, &contractLocal, &contractHttp, &contractRemote, &remote,    &json,      &httpClient, &migrations};
    bool ran = false;
    for (QObject *suite : suites) {
        if (!only.isEmpty() && only != suite->metaObject()->className())
            continue;
        ran = true;
        failed += QTest::qExec(suite, args);
    }
    if (!ran) {
        qCritical("no suite named %s", only.constData());
        return 2;
    }
    return failed ? 1 : 0;
}
