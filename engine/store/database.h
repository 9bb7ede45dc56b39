#pragma once

#include "sql.h"

#include <QMutex>
#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace salesflow::store {

/// A database by URL (`sqlite:///abs/path.db` or `postgresql://user@host:port/db`) and a small
/// pool of connections to it. Thread-safe.
class Database : public std::enable_shared_from_this<Database>
{
public:
    static Result<std::shared_ptr<Database>> open(const QString &url);
    ~Database();

    Dialect dialect() const { return m_dialect; }
    QString url() const { return m_url; }
    QString displayUrl() const { return redactUrl(m_url); }

    /// A pooled connection; it returns to the pool when the last reference goes, unless broken.
    Result<ConnectionPtr> acquire();
    /// A connection of its own, outside the pool (LISTEN, long-lived workers).
    Result<std::unique_ptr<Connection>> connect();

private:
    Database(QString url, Dialect dialect);
    void release(Connection *c);

    QString m_url;
    Dialect m_dialect;
    std::shared_ptr<std::mutex> m_writeLock; // SQLite: one writer per process
    QMutex m_poolMutex;
    std::vector<std::unique_ptr<Connection>> m_idle;
};

} // namespace salesflow::store
