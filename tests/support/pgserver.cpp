#include "pgserver.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QThread>

#include <libpq-fe.h>
#include <unistd.h>

namespace salesflow::test {

namespace {
QString findBinDir()
{
    const QByteArray env = qgetenv("SALESFLOW_PG_BINDIR");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    QDir base(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = base.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    std::sort(versions.begin(), versions.end(),
              [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &v : versions) {
        const QString bin = base.filePath(v + QStringLiteral("/bin"));
        if (QFile::exists(bin + QStringLiteral("/initdb")))
            return bin;
    }
    return {};
}

int freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}
} // namespace

PgServer::PgServer() : PgServer(Options{}) { }

PgServer::PgServer(Options options) : m_options(options), m_bin(findBinDir()) { }

PgServer::~PgServer()
{
    stop();
}

QString PgServer::socketDir() const
{
    return m_dir ? m_dir->path() : QString();
}

QStringList PgServer::asPostgres(const QStringList &command) const
{
    if (::geteuid() != 0)
        return command;
    return QStringList{QStringLiteral("runuser"), QStringLiteral("-u"), QStringLiteral("postgres"),
                       QStringLiteral("--")}
    + command;
}

bool PgServer::run(const QStringList &command, QString *output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    const QStringList cmd = asPostgres(command);
    p.start(cmd.first(), cmd.mid(1));
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        m_error = QStringLiteral("%1 failed: %2").arg(cmd.join(QLatin1Char(' ')), QString::fromLocal8Bit(p.readAll()));
        return false;
    }
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return true;
}

bool PgServer::start()
{
    if (m_running)
        return true;
    if (m_bin.isEmpty()) {
        m_error = QStringLiteral(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)");
        return false;
    }
    if (!m_dir) {
        m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/salesflow-pg-XXXXXX"));
        if (!m_dir->isValid()) {
            m_error = QStringLiteral("cannot create a temporary directory");
            return false;
        }
        QFile::setPermissions(m_dir->path(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                  | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther
                                  | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup);
        if (::geteuid() == 0)
            QProcess::execute(QStringLiteral("chown"), {QStringLiteral("postgres:postgres"), m_dir->path()});
        if (!run({m_bin + QStringLiteral("/initdb"), QStringLiteral("-D"), m_dir->path() + QStringLiteral("/data"),
                  QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--no-sync")}))
            return false;
        m_port = freePort();
    }
    const QString opts
        = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c max_connections=%3 -c fsync=%4 "
                         "-c synchronous_commit=on -c shared_buffers=256MB -c wal_init_zero=off -c max_wal_size=2GB")
              .arg(m_port)
              .arg(m_dir->path())
              .arg(m_options.maxConnections)
              .arg(m_options.fsync ? QStringLiteral("on") : QStringLiteral("off"))
        + (m_options.statementStats ? QStringLiteral(" -c shared_preload_libraries=pg_stat_statements "
                                                     "-c pg_stat_statements.track_planning=on")
                                    : QString());
    if (!run({m_bin + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), m_dir->path() + QStringLiteral("/data"),
              QStringLiteral("-l"), m_dir->path() + QStringLiteral("/server.log"), QStringLiteral("-o"), opts,
              QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")}))
        return false;
    m_running = true;
    return true;
}

void PgServer::stop()
{
    if (!m_running)
        return;
    run({m_bin + QStringLiteral("/pg_ctl"), QStringLiteral("-D"), m_dir->path() + QStringLiteral("/data"),
         QStringLiteral("-m"), QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")});
    m_running = false;
}

bool PgServer::restart()
{
    stop();
    return start();
}

QString PgServer::url(const QString &db) const
{
    return QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2").arg(m_port).arg(db);
}

QString PgServer::createDatabase(const QString &name)
{
    PGconn *c = PQconnectdb(url().toUtf8().constData());
    PQsetNoticeProcessor(
        c, [](void *, const char *) {}, nullptr);
    const QByteArray drop = "DROP DATABASE IF EXISTS \"" + name.toUtf8() + "\"";
    const QByteArray create = "CREATE DATABASE \"" + name.toUtf8() + "\"";
    PQclear(PQexec(c, drop.constData()));
    PGresult *r = PQexec(c, create.constData());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        m_error = QString::fromUtf8(PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? url(name) : QString();
}

PgServer *PgServer::shared()
{
    static PgServer *server = [] {
        auto *s = new PgServer();
        if (!s->start())
            qFatal("cannot start the test PostgreSQL: %s", qPrintable(s->error()));
        std::atexit([] { delete server; });
        return s;
    }();
    return server;
}

} // namespace salesflow::test
