#include "benchtools.h"

#include "engine/hubspot/client.h"
#include "engine/hubspot/setup.h"
#include "engine/local/localengine.h"
#include "engine/store/sharedratebudget.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>

#include <unistd.h>

namespace salesflow::bench {

QString runTool(const QString &program, const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qFatal("%s failed: %s", qPrintable(program), p.readAll().constData());
    return QString::fromLocal8Bit(p.readAll());
}

QStringList pgConnArgs(const test::PgServer &pg)
{
    return {QStringLiteral("-h"),       QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
            QString::number(pg.port()), QStringLiteral("-U"),        QStringLiteral("postgres")};
}

QString psql(const test::PgServer &pg, const QString &db, const QString &sql)
{
    return runTool(pg.binDir() + QStringLiteral("/psql"),
                   pgConnArgs(pg)
                       + QStringList{QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-At"),
                                     QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-d"), db,
                                     QStringLiteral("-c"), sql});
}

namespace {

/// /proc/PID/stat from field 3 (state) on: [1] is the parent, [11..14] utime, stime, cutime, cstime.
QList<QByteArray> statFields(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = f.readAll();
    return stat.mid(stat.lastIndexOf(')') + 2).split(' ');
}

qint64 ticksToMs(qint64 ticks)
{
    return ticks * 1000 / sysconf(_SC_CLK_TCK);
}

} // namespace

qint64 cpuMsOf(qint64 pid)
{
    const QList<QByteArray> fields = statFields(pid);
    if (fields.size() < 15)
        return -1;
    return ticksToMs(fields[11].toLongLong() + fields[12].toLongLong());
}

qint64 cpuMsOfServer(qint64 serverPid)
{
    qint64 ticks = 0;
    const QList<QByteArray> own = statFields(serverPid);
    if (own.size() < 15)
        return -1;
    for (int i = 11; i <= 14; ++i) // children it has reaped count in cutime and cstime
        ticks += own[i].toLongLong();
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        const QList<QByteArray> fields = statFields(pid.toLongLong());
        if (fields.size() >= 15 && fields[1].toLongLong() == serverPid)
            ticks += fields[11].toLongLong() + fields[12].toLongLong();
    }
    return ticksToMs(ticks);
}

qint64 rssKbOf(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

int benchSeconds()
{
    const int s = qEnvironmentVariableIntValue("SALESFLOW_BENCH_SECONDS");
    return s > 0 ? s : 8;
}

QString daemonPath()
{
    return qEnvironmentVariableIsSet("SALESFLOW_BENCH_DAEMON")
        ? qEnvironmentVariable("SALESFLOW_BENCH_DAEMON")
        : QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/salesflowd");
}

void startWorker(QProcess &worker, const QString &url, const QProcessEnvironment &env, int workers)
{
    worker.setProcessEnvironment(env);
    worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    worker.start(daemonPath(),
                 {QStringLiteral("serve"), QStringLiteral("--db"), url, QStringLiteral("--role"),
                  QStringLiteral("worker"), QStringLiteral("--workers"), QString::number(workers)});
    if (!worker.waitForStarted(10000))
        qFatal("salesflowd did not start");
}

void ingestInChunks(IEngine &engine, const QList<IngestItem> &items)
{
    for (qsizetype i = 0; i < items.size(); i += 500) {
        auto f = engine.ingest(test::caller(), items.mid(i, 500));
        f.waitForFinished();
        if (!f.result())
            qFatal("ingest failed: %s", qPrintable(f.result().error().message));
    }
}

void storeReceived(const QString &url, const QList<IngestItem> &items)
{
    LocalEngine::Options o;
    o.config.dbUrl = url;
    o.runWorkers = false;
    auto e = LocalEngine::open(o);
    if (!e)
        qFatal("%s", qPrintable(e.error().message));
    ingestInChunks(*e.value(), items);
    e.value()->stop();
}

void setUpHubSpot(const QString &baseUrl, const QByteArray &token, store::Connection &c)
{
    hubspot::ClientConfig hc;
    hc.baseUrl = baseUrl;
    hc.token = token;
    hubspot::Client client(hc);
    store::SharedRateBudget budget(c);
    if (auto s = hubspot::setup(client, budget); !s)
        qFatal("%s", qPrintable(s.error().message));
}

} // namespace salesflow::bench
