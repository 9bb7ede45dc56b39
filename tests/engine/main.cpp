// Runs every engine suite on one backend: `engine_tests sqlite|postgres [QTest args]`.
#include "tests/support/testbackend.h"
#include "tst_suites.h"

#include <QCoreApplication>
#include <QtTest>


int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    const QString backend = args.size() > 1 && !args[1].startsWith(QLatin1Char('-')) ? args.takeAt(1) : QStringLiteral("sqlite");
    if (backend != QLatin1String("sqlite") && backend != QLatin1String("postgres")) {
        qCritical("usage: engine_tests sqlite|postgres [QTest options]");
        return 2;
    }
    salesflow::test::setBackend(backend);
    int failed = 0;
    TestStore store;
    TestQueue queue;
    TestIngest ingest;
    TestHttp http;
    TestNormalise normalise;
    TestEnrich enrich;
    TestWriteback writeback;
    // SALESFLOW_SUITE=TestEnrich runs one suite (QTest's own arguments then apply to it).
    const QByteArray only = qgetenv("SALESFLOW_SUITE");
    for (QObject *suite : std::initializer_list<QObject *>{&store, &queue, &ingest, &http, &normalise, &enrich, &writeback})
        if (only.isEmpty() || only == suite->metaObject()->className())
        failed += QTest::qExec(suite, args);
    return failed ? 1 : 0;
}
