#pragma once

#include "../api/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>

namespace salesflow::store {

enum class Dialect { Sqlite, Postgres };

/// A fully fetched result set. Cells keep their bytes (bytea/BLOB already decoded).
class Rows
{
public:
    int size() const { return int(m_cells.size()); }
    bool isEmpty() const { return m_cells.isEmpty(); }
    int columns() const { return m_columns; }
    bool isNull(int row, int col) const { return m_nulls[row][col]; }
    QByteArray bytes(int row, int col) const { return m_cells[row][col]; }
    QString text(int row, int col) const { return QString::fromUtf8(m_cells[row][col]); }
    qint64 int64(int row, int col) const { return m_cells[row][col].toLongLong(); }
    double real(int row, int col) const { return m_cells[row][col].toDouble(); }

    // Backends fill rows through these.
    void setColumns(int n) { m_columns = n; }
    void addRow(QList<QByteArray> cells, QList<bool> nulls)
    {
        m_cells.append(std::move(cells));
        m_nulls.append(std::move(nulls));
    }
    qint64 affected = 0;

private:
    int m_columns = 0;
    QList<QList<QByteArray>> m_cells;
    QList<QList<bool>> m_nulls;
};

/// One database session, used by one thread at a time.
///
/// SQL is written once with `$1`-style placeholders; the SQLite backend maps them to `?1`.
/// Parameters: a null QVariant is NULL, QString text, QByteArray a blob/bytea, integers and
/// doubles as such. Every failure is an Error with code "store.*"; a lost connection also
/// marks the connection broken so its pool drops it.
class Connection
{
public:
    virtual ~Connection() = default;
    virtual Dialect dialect() const = 0;
    virtual Result<Rows> exec(const QByteArray &sql, const QVariantList &params = {}) = 0;
    /// Several statements without parameters (migrations).
    virtual Status execScript(const QByteArray &sql) = 0;
    /// Starts a transaction. `write` on SQLite takes the process's single write lock and
    /// BEGIN IMMEDIATE, so writers queue in the process instead of failing with SQLITE_BUSY.
    virtual Status begin(bool write) = 0;
    virtual Status commit() = 0;
    virtual void rollback() = 0;
    virtual bool broken() const = 0;
    /// Wakes the listeners of `channel` (PostgreSQL NOTIFY) once the current transaction has
    /// committed — at once outside one; forgotten if it rolls back. Never inside the transaction:
    /// a NOTIFY holds a database-wide lock from COMMIT until its WAL is flushed, which made every
    /// notifying commit of every process wait for the one before (no group commit). A failed
    /// wake-up is logged; listeners also poll. No-op on SQLite (the process wakes its own workers).
    virtual void wakeAfterCommit(const QByteArray &channel, const QString &payload)
    {
        Q_UNUSED(channel);
        Q_UNUSED(payload);
    }
    /// From now on, wake-ups owed outside a transaction wait for flushWakes() (a caller that
    /// answers its clients first, e.g. ingest's group commit).
    virtual void deferWakes() { }
    /// Reads what the server sent while the connection sat idle (a restarting server's goodbye),
    /// so broken() is current before a statement whose outcome must be known.
    virtual void probe() { }
    virtual void flushWakes() { }
};

using ConnectionPtr = std::shared_ptr<Connection>;

/// RAII transaction: rolls back unless committed.
class Tx
{
public:
    explicit Tx(Connection &c) : m_c(c) { }
    ~Tx()
    {
        if (m_active)
            m_c.rollback();
    }
    Tx(const Tx &) = delete;
    Tx &operator=(const Tx &) = delete;

    Status begin(bool write = true)
    {
        Status s = m_c.begin(write);
        m_active = s.ok();
        return s;
    }
    Status commit()
    {
        m_active = false;
        return m_c.commit();
    }

private:
    Connection &m_c;
    bool m_active = false;
};

/// Runs `body` (returning Status) in a write transaction and commits it; rolls back on any failure.
template<typename F>
Status inTransaction(Connection &c, F &&body)
{
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s;
    if (Status s = body(); !s)
        return s;
    return tx.commit();
}

/// Redacts the password of a libpq URL for log lines and messages.
QString redactUrl(const QString &url);

/// `true` when the error means the store could not be reached (503 at the door).
bool isUnavailable(const Error &e);

} // namespace salesflow::store
