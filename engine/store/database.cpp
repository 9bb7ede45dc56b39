#include "database.h"

#include "../core/logging.h"
#include "pgconnection.h"
#include "sqliteconnection.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace salesflow::store {

QString redactUrl(const QString &url)
{
    static const QRegularExpression userinfo(QStringLiteral("^(postgres(?:ql)?://[^:@/]*):[^@/]*@"));
    static const QRegularExpression kv(QStringLiteral("password=\\S+"));
    QString out = url;
    out.replace(userinfo, QStringLiteral("\\1:***@"));
    out.replace(kv, QStringLiteral("password=***"));
    return out;
}

bool isUnavailable(const Error &e)
{
    return e.code == QLatin1String("store.unavailable");
}

Database::Database(QString url, Dialect dialect)
    : m_url(std::move(url)), m_dialect(dialect), m_writeLock(std::make_shared<std::mutex>())
{ }

Database::~Database() = default;

Result<std::shared_ptr<Database>> Database::open(const QString &url)
{
    Dialect d;
    if (url.startsWith(QLatin1String("sqlite://"))) {
        d = Dialect::Sqlite;
        const QString path = url.mid(9);
        if (!QDir::isAbsolutePath(path))
            return makeError(
                "config.db_url",
                QStringLiteral("SQLite URL needs an absolute path: sqlite:///abs/path.db (got %1)").arg(url), 400);
        QDir().mkpath(QFileInfo(path).absolutePath());
    } else if (url.startsWith(QLatin1String("postgresql://")) || url.startsWith(QLatin1String("postgres://"))) {
        d = Dialect::Postgres;
    } else {
        return makeError("config.db_url",
                         QStringLiteral("unsupported database URL %1: use sqlite:///abs/path.db or "
                                        "postgresql://user@host:port/dbname")
                             .arg(redactUrl(url)),
                         400);
    }
    std::shared_ptr<Database> db(new Database(url, d));
    // Fail early with a clear message when the store cannot be reached at all.
    auto c = db->connect();
    if (!c)
        return c.error();
    db->release(c.value().release());
    return db;
}

Result<std::unique_ptr<Connection>> Database::connect()
{
    if (m_dialect == Dialect::Sqlite)
        return SqliteConnection::open(m_url.mid(9), m_writeLock);
    auto c = PgConnection::open(m_url);
    if (!c)
        return c.error();
    return std::unique_ptr<Connection>(std::move(c).value());
}

Result<ConnectionPtr> Database::acquire()
{
    Connection *raw = nullptr;
    {
        QMutexLocker lock(&m_poolMutex);
        if (!m_idle.empty()) {
            raw = m_idle.back().release();
            m_idle.pop_back();
        }
    }
    if (!raw) {
        auto c = connect();
        if (!c)
            return c.error();
        raw = c.value().release();
    }
    std::weak_ptr<Database> weak = weak_from_this();
    return ConnectionPtr(raw, [weak](Connection *c) {
        if (auto db = weak.lock())
            db->release(c);
        else
            delete c;
    });
}

void Database::release(Connection *c)
{
    if (c->broken()) {
        // One dead connection usually means the server restarted: the idle ones are dead too.
        delete c;
        QMutexLocker lock(&m_poolMutex);
        m_idle.clear();
        return;
    }
    QMutexLocker lock(&m_poolMutex);
    if (m_idle.size() >= 16) {
        lock.unlock();
        delete c;
        return;
    }
    m_idle.emplace_back(c);
}

} // namespace salesflow::store
