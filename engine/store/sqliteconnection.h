#pragma once

#include "sql.h"

#include <QHash>

#include <memory>
#include <mutex>

struct sqlite3;
struct sqlite3_stmt;

namespace salesflow::store {

/// SQLite backend: WAL, synchronous=FULL (an acknowledged event survives a crash), busy
/// timeout, prepared statements cached per connection, one writer per process.
class SqliteConnection final : public Connection
{
public:
    static Result<std::unique_ptr<Connection>> open(const QString &path, std::shared_ptr<std::mutex> writeLock);
    ~SqliteConnection() override;

    Dialect dialect() const override { return Dialect::Sqlite; }
    Result<Rows> exec(const QByteArray &sql, const QVariantList &params) override;
    Status execScript(const QByteArray &sql) override;
    Status begin(bool write) override;
    Status commit() override;
    void rollback() override;
    bool broken() const override { return false; }

private:
    SqliteConnection(sqlite3 *db, std::shared_ptr<std::mutex> writeLock);
    Error lastError(const char *what) const;
    void unlockWriter();

    sqlite3 *m_db;
    std::shared_ptr<std::mutex> m_writeLock;
    bool m_holdsWriteLock = false;
    QHash<QByteArray, sqlite3_stmt *> m_stmts;
};

} // namespace salesflow::store
