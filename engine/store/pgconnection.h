#pragma once

#include "sql.h"

#include <QHash>
#include <QStringList>

#include <memory>

struct pg_conn;

namespace salesflow::store {

/// PostgreSQL backend over libpq: statements prepared once per connection, text results with
/// bytea decoded, blobs sent in binary. Also LISTEN/NOTIFY for the job queue's wake-up.
class PgConnection final : public Connection
{
public:
    static Result<std::unique_ptr<PgConnection>> open(const QString &url);
    ~PgConnection() override;

    Dialect dialect() const override { return Dialect::Postgres; }
    Result<Rows> exec(const QByteArray &sql, const QVariantList &params) override;
    Status execScript(const QByteArray &sql) override;
    Status begin(bool write) override;
    Status commit() override;
    void rollback() override;
    bool broken() const override;
    void wakeAfterCommit(const QByteArray &channel, const QString &payload) override;
    void deferWakes() override { m_wakesDeferred = true; }
    void flushWakes() override;
    void probe() override;

    /// Waits up to `timeoutMs` for a notification on a LISTENed channel; returns the channels
    /// that fired (empty on timeout). An Error when the connection is lost.
    Result<QStringList> waitForNotifications(int timeoutMs);

private:
    explicit PgConnection(pg_conn *conn);
    Error lastError(const char *what, const char *sqlstate = nullptr) const;

    pg_conn *m_conn;
    QHash<QByteArray, QByteArray> m_prepared; // sql -> statement name
    QList<std::pair<QByteArray, QString>> m_wakes; // owed once the transaction commits
    bool m_wakesDeferred = false;
};

} // namespace salesflow::store
