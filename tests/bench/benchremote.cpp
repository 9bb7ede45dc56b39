#include "benchremote.h"

#include "engine/api/changewatcher.h"
#include "engine/local/localengine.h"
#include "engine/remote/remoteengine.h"
#include "tests/support/httpclient.h"
#include "tests/support/pgserver.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <thread>
#include <unistd.h>

namespace salesflow::bench {

namespace {

constexpr int kClients = 50;
constexpr int kWindowMs = 10000;

/// utime + stime in ms of one process, from /proc.
qint64 cpuMs(const QString &pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return (fields.value(11).toLongLong() + fields.value(12).toLongLong()) * 1000 / sysconf(_SC_CLK_TCK);
}

/// CPU ms of salesflowd and of every postgres process so far.
QPair<qint64, qint64> serverCpu(qint64 salesflowd)
{
    qint64 pg = 0;
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
        if (pid.toLongLong() > 0 && comm.open(QIODevice::ReadOnly) && comm.readAll().startsWith("postgres"))
            pg += cpuMs(pid);
    }
    return {cpuMs(QString::number(salesflowd)), pg};
}

void serveEvents(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

/// Posts form events in batches of 50 every 50 ms (at most 1,000 a second; fewer when a batch
/// takes longer) until `stop`; records when each id was acknowledged.
void ingestLoad(quint16 port, QByteArray token, QByteArray tag, std::atomic<bool> &stop, QHash<QString, qint64> &acked,
                QMutex &mutex, const QElapsedTimer &clock)
{
    test::HttpClient client("127.0.0.1", port);
    const QList<QPair<QByteArray, QByteArray>> headers{{"Authorization", "Bearer " + token},
                                                       {"Content-Type", "application/json"}};
    for (int n = 0; !stop; ++n) {
        QByteArray batch = "[";
        for (int i = 0; i < 50; ++i)
            batch += (i ? "," : "") + QByteArray(R"({"fields":{"email":"l@x.example","message":")") + tag + ' '
                + QByteArray::number(n * 50 + i) + "\"}}"; // new events: a repeated payload is a duplicate
        const qint64 sent = clock.elapsed();
        const auto r = client.request("POST", "/v1/events/form/batch", batch + "]", headers, 10000);
        const qint64 at = clock.elapsed();
        {
            QMutexLocker lock(&mutex);
            const QJsonArray items = QJsonDocument::fromJson(r.body).object().value(QLatin1String("items")).toArray();
            for (const QJsonValue &v : items)
                acked.insert(v.toObject().value(QLatin1String("id")).toString(), at);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(qMax<qint64>(0, 50 - (at - sent))));
    }
}

struct Phase
{
    double salesflowdCpuPct = 0;
    double postgresCpuPct = 0;
};

Phase measure(qint64 pid)
{
    const auto before = serverCpu(pid);
    serveEvents(kWindowMs);
    const auto after = serverCpu(pid);
    return {100.0 * (after.first - before.first) / kWindowMs, 100.0 * (after.second - before.second) / kWindowMs};
}

QString line(const char *what, const Phase &p)
{
    return QStringLiteral("%1: salesflowd %2% of a core, PostgreSQL %3% of a core")
        .arg(QLatin1String(what))
        .arg(p.salesflowdCpuPct, 0, 'f', 1)
        .arg(p.postgresCpuPct, 0, 'f', 1);
}

} // namespace

void runRemoteBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    const QString url = pg.createDatabase(QStringLiteral("remote_bench"));
    LocalEngine::Options o;
    o.config.dbUrl = url;
    o.runWorkers = o.runReplays = false;
    auto setup = LocalEngine::open(o).value();
    const QByteArray admin = test::createToken(*setup, QStringLiteral("desk"), Role::Admin);
    QProcess server;
    const quint16 port
        = test::startServe(server, {QStringLiteral("--db"), url, QStringLiteral("--role"), QStringLiteral("api")});
    if (!port)
        qFatal("salesflowd did not start");
    say(QStringLiteral("salesflowd serve --role api on PostgreSQL; %1 RemoteEngine clients each following the change "
                       "feed (ChangeWatcher long polls) from the bench process; CPU over %2 s windows from /proc")
            .arg(kClients)
            .arg(kWindowMs / 1000));
    say(line("baseline, no clients, idle", measure(server.processId())));
    {
        std::atomic<bool> stop{false};
        QMutex mutex;
        QHash<QString, qint64> acked;
        QElapsedTimer t;
        t.start();
        std::thread load(ingestLoad, port, admin, QByteArray("alone"), std::ref(stop), std::ref(acked), std::ref(mutex),
                         std::cref(t));
        serveEvents(1000);
        const Phase p = measure(server.processId());
        stop = true;
        load.join();
        say(line("baseline, no clients, the same ingest", p)
            + QStringLiteral(" — %1 events/s").arg(acked.size() * 1000 / qMax<qint64>(1, t.elapsed())));
    }
    std::vector<std::unique_ptr<remote::RemoteEngine>> engines;
    std::vector<std::unique_ptr<ChangeWatcher>> watchers;
    QElapsedTimer clock;
    clock.start();
    QHash<QString, qint64> seen; // by the first client
    int answers = 0;
    const Caller me = Caller::token(QStringLiteral("desk"), Role::Admin);
    for (int i = 0; i < kClients; ++i) {
        engines.push_back(std::make_unique<remote::RemoteEngine>(
            remote::RemoteEngine::Options{QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), {}, 15000}));
        engines.back()->setToken(admin);
        watchers.push_back(std::make_unique<ChangeWatcher>(engines.back().get(), me));
        if (i == 0) {
            QObject::connect(watchers.back().get(), &ChangeWatcher::failed, [&say](const QString &why) {
                say(QStringLiteral("(the first client's feed failed: %1)").arg(why));
            });
            QObject::connect(watchers.back().get(), &ChangeWatcher::changed, [&](const ChangeSet &s) {
                ++answers;
                for (const Change &c : s.items)
                    seen.insert(c.eventId, clock.elapsed());
            });
        }
        watchers.back()->start();
    }
    serveEvents(2000);
    say(line("50 idle clients", measure(server.processId())));
    std::atomic<bool> stop{false};
    QMutex mutex;
    QHash<QString, qint64> acked;
    std::thread load(ingestLoad, port, admin, QByteArray("watched"), std::ref(stop), std::ref(acked), std::ref(mutex),
                     std::cref(clock));
    serveEvents(1000);
    const Phase busy = measure(server.processId());
    stop = true;
    load.join();
    serveEvents(2000);
    QList<qint64> latency;
    for (auto it = acked.cbegin(); it != acked.cend(); ++it) {
        if (seen.contains(it.key()))
            latency << qMax<qint64>(0, seen.value(it.key()) - it.value());
    }
    std::sort(latency.begin(), latency.end());
    say(line("50 clients during the same ingest", busy)
        + QStringLiteral(" — %1 events/s").arg(acked.size() * 1000 / qMax<qint64>(1, kWindowMs + 1000)));
    if (latency.isEmpty())
        say(QStringLiteral("change to client: NOT MEASURED — the first client had %1 answers, saw %2 changes, none "
                           "of the %3 posted (duplicates of earlier events are no change)")
                .arg(answers)
                .arg(seen.size())
                .arg(acked.size()));
    else
        say(QStringLiteral("change to client (ack → the client's feed has it), loopback: p50 %1 ms, p99 %2 ms, "
                           "%3 of %4 events seen")
                .arg(latency.at(latency.size() / 2))
                .arg(latency.at(qMin<qsizetype>(latency.size() - 1, latency.size() * 99 / 100)))
                .arg(latency.size())
                .arg(acked.size()));
    if (qEnvironmentVariableIsSet("SALESFLOW_BENCH_DEBUG")) {
        const auto m = test::HttpClient("127.0.0.1", port)
                           .request("GET", "/metrics", {}, {{"Authorization", "Bearer " + admin}});
        for (const QByteArray &l : m.body.split('\n'))
            if (l.startsWith("salesflow_http"))
                say(QString::fromUtf8(l));
    }
    watchers.clear();
    engines.clear();
    server.terminate();
    server.waitForFinished(20000);
}

} // namespace salesflow::bench
