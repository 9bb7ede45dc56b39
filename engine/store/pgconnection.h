#pragma once

#include "sql.h"

#include <QHash>
#include <QStringList>

#include <memory>
#include <vector>

struct pg_conn;
struct pg_result;

namespace salesflow::store {

/// PostgreSQL backend over libpq: statements prepared once per connection, text results with
/// bytea decoded, blobs sent in binary. Also LISTEN/NOTIFY for the job queue's wake-up.
/// Round trips are saved with libpq's pipeline mode: BEGIN goes with the transaction's first
/// statement (so a connection lost meanwhile fails that statement, not begin()), and COMMIT
/// with the wake-ups owed after it.
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

    struct Notification
    {
        QString channel;
        QString payload;
    };
    /// Waits up to `timeoutMs` for a notification on a LISTENed channel; returns those that
    /// fired (empty on timeout). An Error when the connection is lost.
    Result<QList<Notification>> waitForNotifications(int timeoutMs);

private:
    /// One statement sent in a pipeline: `text` without parameters, or a prepared statement.
    struct Sent
    {
        QByteArray text;
        QByteArray prepared;
        int n = 0;
        const char *const *values = nullptr;
        const int *lengths = nullptr;
        const int *formats = nullptr;
    };
    using ResultPtr = std::unique_ptr<pg_result, void (*)(pg_result *)>;

    explicit PgConnection(pg_conn *conn);
    Error lastError(const char *what, const pg_result *res = nullptr) const;
    bool inTransaction() const;
    /// Sends `statements` in one round trip (libpq pipeline mode) and answers each one's result
    /// (null when none came: the connection broke). `syncEach`: each statement is its own
    /// pipeline segment, so one failing does not abort the next.
    std::vector<ResultPtr> pipeline(const std::vector<Sent> &statements, bool syncEach);
    Result<Rows> toRows(pg_result *res);
    /// The statement's name, prepared on first use; empty (and `error` set) when it cannot be.
    QByteArray preparedName(const QByteArray &sql, Error *error = nullptr);
    Status commitAndWake();
    static void logWakeFailure(const QString &why);

    pg_conn *m_conn;
    QHash<QByteArray, QByteArray> m_prepared; // sql -> statement name
    QList<std::pair<QByteArray, QString>> m_wakes; // owed once the transaction commits
    bool m_wakesDeferred = false;
    // begin() asked for a transaction whose BEGIN is not sent yet: it goes in one round trip with
    // the transaction's first statement, and a transaction with no statement sends nothing.
    bool m_beginPending = false;
};

} // namespace salesflow::store
