#include "sqliteconnection.h"

#include "../core/logging.h"

#include <sqlite3.h>

namespace salesflow::store {

namespace {
QByteArray toSqlite(const QByteArray &sql)
{
    QByteArray out = sql;
    for (qsizetype i = 0; i + 1 < out.size(); ++i) {
        if (out[i] == '$' && out[i + 1] >= '0' && out[i + 1] <= '9')
            out[i] = '?';
    }
    return out;
}

/// Binds one parameter (1-based) by its type: bytes as a blob, integers and bools as int64, text otherwise.
int bindValue(sqlite3_stmt *stmt, int at, const QVariant &v)
{
    if (v.isNull())
        return sqlite3_bind_null(stmt, at);
    switch (v.typeId()) {
    case QMetaType::QByteArray: {
        const QByteArray b = v.toByteArray();
        return sqlite3_bind_blob64(stmt, at, b.constData(), sqlite3_uint64(b.size()), SQLITE_TRANSIENT);
    }
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Bool:
        return sqlite3_bind_int64(stmt, at, v.toLongLong());
    case QMetaType::Double:
        return sqlite3_bind_double(stmt, at, v.toDouble());
    default: {
        const QByteArray t = v.toString().toUtf8();
        return sqlite3_bind_text64(stmt, at, t.constData(), sqlite3_uint64(t.size()), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    }
}

/// Appends the row the statement stands on: each cell's bytes, and which cells are NULL.
void readRow(sqlite3_stmt *stmt, int ncol, Rows &rows)
{
    QList<QByteArray> cells;
    QList<bool> nulls;
    cells.reserve(ncol);
    nulls.reserve(ncol);
    for (int c = 0; c < ncol; ++c) {
        const int t = sqlite3_column_type(stmt, c);
        nulls.append(t == SQLITE_NULL);
        const void *data
            = t == SQLITE_BLOB ? sqlite3_column_blob(stmt, c) : static_cast<const void *>(sqlite3_column_text(stmt, c));
        const int n = sqlite3_column_bytes(stmt, c);
        cells.append(QByteArray(static_cast<const char *>(data), data ? n : 0));
    }
    rows.addRow(std::move(cells), std::move(nulls));
}

} // namespace

SqliteConnection::SqliteConnection(sqlite3 *db, std::shared_ptr<std::mutex> writeLock)
    : m_db(db), m_writeLock(std::move(writeLock))
{ }

SqliteConnection::~SqliteConnection()
{
    for (sqlite3_stmt *s : std::as_const(m_stmts))
        sqlite3_finalize(s);
    sqlite3_close_v2(m_db);
    unlockWriter();
}

Result<std::unique_ptr<Connection>> SqliteConnection::open(const QString &path, std::shared_ptr<std::mutex> writeLock)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString msg = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QStringLiteral("out of memory");
        sqlite3_close_v2(db);
        return makeError("store.unavailable", QStringLiteral("cannot open SQLite database %1: %2").arg(path, msg), 503);
    }
    sqlite3_busy_timeout(db, 10000);
    std::unique_ptr<SqliteConnection> c(new SqliteConnection(db, std::move(writeLock)));
    Status s = c->execScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
    if (!s)
        return s.error();
    return std::unique_ptr<Connection>(std::move(c));
}

Error SqliteConnection::lastError(const char *what) const
{
    const int code = sqlite3_errcode(m_db);
    const bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_IOERR || code == SQLITE_FULL
        || code == SQLITE_CANTOPEN;
    const bool unique = sqlite3_extended_errcode(m_db) == SQLITE_CONSTRAINT_UNIQUE
        || sqlite3_extended_errcode(m_db) == SQLITE_CONSTRAINT_PRIMARYKEY;
    return Error{
        busy         ? QStringLiteral("store.unavailable")
            : unique ? QStringLiteral("store.unique_violation")
                     : QStringLiteral("store.error"),
        QStringLiteral("SQLite %1 failed: %2").arg(QString::fromLatin1(what), QString::fromUtf8(sqlite3_errmsg(m_db))),
        busy ? 503 : 500};
}

Result<Rows> SqliteConnection::exec(const QByteArray &sql, const QVariantList &params)
{
    sqlite3_stmt *stmt = m_stmts.value(sql);
    if (!stmt) {
        const QByteArray s = toSqlite(sql);
        if (sqlite3_prepare_v3(m_db, s.constData(), int(s.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr)
            != SQLITE_OK)
            return lastError("prepare");
        m_stmts.insert(sql, stmt);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (int i = 0; i < params.size(); ++i)
        if (bindValue(stmt, i + 1, params[i]) != SQLITE_OK)
            return lastError("bind");
    Rows rows;
    const int ncol = sqlite3_column_count(stmt);
    rows.setColumns(ncol);
    for (;;) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            Error e = lastError("step");
            sqlite3_reset(stmt);
            return e;
        }
        readRow(stmt, ncol, rows);
    }
    rows.affected = sqlite3_changes64(m_db);
    sqlite3_reset(stmt);
    return rows;
}

Status SqliteConnection::execScript(const QByteArray &sql)
{
    char *err = nullptr;
    if (sqlite3_exec(m_db, sql.constData(), nullptr, nullptr, &err) != SQLITE_OK) {
        Error e = lastError("script");
        e.message = QStringLiteral("SQLite script failed: %1").arg(QString::fromUtf8(err ? err : ""));
        sqlite3_free(err);
        return e;
    }
    return Done{};
}

void SqliteConnection::unlockWriter()
{
    if (m_holdsWriteLock) {
        m_holdsWriteLock = false;
        m_writeLock->unlock();
    }
}

Status SqliteConnection::begin(bool write)
{
    if (write) {
        m_writeLock->lock();
        m_holdsWriteLock = true;
    }
    Status s = execScript(write ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!s)
        unlockWriter();
    return s;
}

Status SqliteConnection::commit()
{
    Status s = execScript("COMMIT");
    if (!s)
        execScript("ROLLBACK");
    unlockWriter();
    return s;
}

void SqliteConnection::rollback()
{
    if (!sqlite3_get_autocommit(m_db))
        execScript("ROLLBACK");
    unlockWriter();
}

} // namespace salesflow::store
