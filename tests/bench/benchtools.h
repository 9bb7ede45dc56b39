#pragma once

#include "engine/api/types.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>

class QProcess;

namespace salesflow {
class IEngine;
}
namespace salesflow::test {
class PgServer;
}
namespace salesflow::store {
class Connection;
}

namespace salesflow::bench {

using Say = std::function<void(const QString &)>;

/// Runs a tool to its end and returns what it printed (stdout and stderr); a failure is fatal.
QString runTool(const QString &program, const QStringList &args,
                const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 900000);

/// psql/pgbench connection arguments for the bench's private server.
QStringList pgConnArgs(const test::PgServer &pg);

/// Runs `sql` with psql on database `db` of the bench's server.
QString psql(const test::PgServer &pg, const QString &db, const QString &sql);

/// utime + stime of a process, in ms; -1 when it is gone.
qint64 cpuMsOf(qint64 pid);
/// utime + stime of a server process and every child it has now or has reaped (PostgreSQL's
/// postmaster: its backends, autovacuum, checkpointer), in ms; -1 when it is gone.
qint64 cpuMsOfServer(qint64 serverPid);

/// Resident set size of a process, in KiB; -1 when it is gone.
qint64 rssKbOf(qint64 pid);

/// The benchmark's length per measurement: SALESFLOW_BENCH_SECONDS, default 8.
int benchSeconds();

/// The salesflowd the bench runs: SALESFLOW_BENCH_DAEMON when set (another build, e.g. the
/// previous commit's, for a before/after), else this build's.
QString daemonPath();

/// Starts daemonPath()'s `salesflowd serve --role worker --workers N` on `url`, its log on the
/// bench's stderr; fatal when it does not start.
void startWorker(QProcess &worker, const QString &url, const QProcessEnvironment &env, int workers = 2);

/// `items` posted through `engine` 500 at a time, each chunk waited for.
void ingestInChunks(IEngine &engine, const QList<IngestItem> &items);

/// `items` stored as received in the store at `url` by an engine without workers (ingest is
/// measured elsewhere); nothing processed yet.
void storeReceived(const QString &url, const QList<IngestItem> &items);

/// HubSpot's custom properties on an emulator, created as `salesflowd hubspot setup` does.
void setUpHubSpot(const QString &baseUrl, const QByteArray &token, store::Connection &c);

} // namespace salesflow::bench
