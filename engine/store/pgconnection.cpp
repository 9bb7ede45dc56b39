#include "pgconnection.h"

#include "../core/logging.h"

#include <libpq-fe.h>

#include <poll.h>

#include <array>

#include <utility>
#include <vector>

namespace salesflow::store {

namespace {
constexpr Oid kByteaOid = 17;

struct PgResult
{
    PGresult *r;
    ~PgResult() { PQclear(r); }
};
} // namespace

PgConnection::PgConnection(pg_conn *conn) : m_conn(conn) { }

PgConnection::~PgConnection()
{
    PQfinish(m_conn);
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(const QString &url)
{
    PGconn *conn = PQconnectdb(url.toUtf8().constData());
    if (PQstatus(conn) != CONNECTION_OK) {
        const QString msg = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
        PQfinish(conn);
        return makeError("store.unavailable",
                         QStringLiteral("cannot connect to PostgreSQL at %1: %2").arg(redactUrl(url), msg), 503);
    }
    PQsetNoticeProcessor(
        conn, [](void *, const char *) {}, nullptr);
    return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

bool PgConnection::broken() const
{
    return PQstatus(m_conn) != CONNECTION_OK;
}

Error PgConnection::lastError(const char *what, const pg_result *res) const
{
    // The result's own message: in pipeline mode the connection's is that of the last one read.
    const char *resultMessage = res ? PQresultErrorMessage(res) : "";
    QString msg = QString::fromUtf8(*resultMessage ? resultMessage : PQerrorMessage(m_conn)).trimmed();
    if (msg.isEmpty() && res && PQresultStatus(res) == PGRES_PIPELINE_ABORTED)
        msg = QStringLiteral("not run: an earlier statement sent with it failed");
    const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const QByteArray state(sqlstate ? sqlstate : "");
    // Class 08 (connection), 57P (shutdown), 53 (resources): the store is unavailable.
    const bool unavailable = broken() || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
    QString code = unavailable ? QStringLiteral("store.unavailable") : QStringLiteral("store.error");
    if (state == "23505")
        code = QStringLiteral("store.unique_violation");
    else if (state == "40001" || state == "40P01")
        code = QStringLiteral("store.conflict");
    return Error{code, QStringLiteral("PostgreSQL %1 failed: %2").arg(QString::fromLatin1(what), msg),
                 unavailable ? 503 : 500};
}

QByteArray PgConnection::preparedName(const QByteArray &sql, Error *error)
{
    QByteArray name = m_prepared.value(sql);
    if (!name.isEmpty())
        return name;
    name = "s" + QByteArray::number(m_prepared.size());
    PgResult prep{PQprepare(m_conn, name.constData(), sql.constData(), 0, nullptr)};
    if (PQresultStatus(prep.r) != PGRES_COMMAND_OK) {
        if (error)
            *error = lastError("prepare", prep.r);
        return {};
    }
    m_prepared.insert(sql, name);
    return name;
}

Result<Rows> PgConnection::exec(const QByteArray &sql, const QVariantList &params)
{
    Error prepareError;
    const QByteArray name = preparedName(sql, &prepareError);
    if (name.isEmpty())
        return prepareError;
    const int n = int(params.size());
    std::vector<QByteArray> storage(static_cast<size_t>(n));
    std::vector<const char *> values(static_cast<size_t>(n));
    std::vector<int> lengths(static_cast<size_t>(n));
    std::vector<int> formats(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const QVariant &v = params[i];
        if (v.isNull()) {
            values[size_t(i)] = nullptr;
            continue;
        }
        if (v.typeId() == QMetaType::QByteArray) {
            storage[size_t(i)] = v.toByteArray();
            formats[size_t(i)] = 1;
        } else if (v.typeId() == QMetaType::Bool) {
            storage[size_t(i)] = v.toBool() ? "1" : "0";
        } else {
            // Text goes as a C string (libpq stops at a NUL, and PostgreSQL text cannot hold
            // one): U+0000 is kept visible as U+FFFD instead of cutting the rest off.
            QString text = v.toString();
            if (text.contains(QChar(0)))
                text.replace(QChar(0), QChar::ReplacementCharacter);
            storage[size_t(i)] = text.toUtf8();
        }
        values[size_t(i)] = storage[size_t(i)].constData();
        lengths[size_t(i)] = int(storage[size_t(i)].size());
    }
    if (!m_beginPending) {
        PgResult res{PQexecPrepared(m_conn, name.constData(), n, values.data(), lengths.data(), formats.data(), 0)};
        return toRows(res.r);
    }
    // The transaction's first statement: its BEGIN goes in the same round trip.
    m_beginPending = false;
    auto results = pipeline({Sent{"BEGIN", {}, 0, nullptr, nullptr, nullptr},
                             Sent{{}, name, n, values.data(), lengths.data(), formats.data()}},
                            false);
    if (results[0] && PQresultStatus(results[0].get()) != PGRES_COMMAND_OK)
        return toRows(results[0].get());
    return toRows(results[1].get());
}

Result<Rows> PgConnection::toRows(pg_result *res)
{
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        Error e = lastError("query", res);
        if (broken())
            m_prepared.clear();
        return e;
    }
    Rows rows;
    const int ncol = PQnfields(res);
    const int nrow = PQntuples(res);
    rows.setColumns(ncol);
    std::vector<bool> isBytea(static_cast<size_t>(ncol));
    for (int c = 0; c < ncol; ++c)
        isBytea[size_t(c)] = PQftype(res, c) == kByteaOid;
    for (int r = 0; r < nrow; ++r) {
        QList<QByteArray> cells;
        QList<bool> nulls;
        cells.reserve(ncol);
        nulls.reserve(ncol);
        for (int c = 0; c < ncol; ++c) {
            const bool null = PQgetisnull(res, r, c);
            nulls.append(null);
            if (null) {
                cells.append(QByteArray());
            } else if (isBytea[size_t(c)]) {
                size_t len = 0;
                unsigned char *raw
                    = PQunescapeBytea(reinterpret_cast<const unsigned char *>(PQgetvalue(res, r, c)), &len);
                cells.append(QByteArray(reinterpret_cast<const char *>(raw), qsizetype(len)));
                PQfreemem(raw);
            } else {
                cells.append(QByteArray(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
            }
        }
        rows.addRow(std::move(cells), std::move(nulls));
    }
    rows.affected = QByteArray(PQcmdTuples(res)).toLongLong();
    return rows;
}

std::vector<PgConnection::ResultPtr> PgConnection::pipeline(const std::vector<Sent> &statements, bool syncEach)
{
    std::vector<ResultPtr> results;
    for (size_t i = 0; i < statements.size(); ++i)
        results.emplace_back(nullptr, PQclear);
    if (!PQenterPipelineMode(m_conn))
        return results;
    size_t sent = 0;
    for (const Sent &q : statements) {
        const bool ok = q.prepared.isEmpty()
            ? PQsendQueryParams(m_conn, q.text.constData(), 0, nullptr, nullptr, nullptr, nullptr, 0)
            : PQsendQueryPrepared(m_conn, q.prepared.constData(), q.n, q.values, q.lengths, q.formats, 0);
        if (!ok || ((syncEach || sent + 1 == statements.size()) && !PQpipelineSync(m_conn)))
            break;
        ++sent;
    }
    if (!syncEach && sent > 0 && sent < statements.size())
        PQpipelineSync(m_conn); // a later statement could not be sent: what was is still read
    // Each statement's results end with a null; each sync answers PGRES_PIPELINE_SYNC.
    for (size_t i = 0; i < sent && !broken(); ++i) {
        results[i].reset(PQgetResult(m_conn));
        while (PGresult *extra = PQgetResult(m_conn))
            PQclear(extra);
        if (syncEach || i + 1 == sent)
            PQclear(PQgetResult(m_conn));
    }
    PQexitPipelineMode(m_conn);
    return results;
}

bool PgConnection::inTransaction() const
{
    return m_beginPending || PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

Status PgConnection::execScript(const QByteArray &sql)
{
    if (m_beginPending) {
        m_beginPending = false;
        if (Status s = execScript("BEGIN"); !s)
            return s;
    }
    PgResult res{PQexec(m_conn, sql.constData())};
    const ExecStatusType st = PQresultStatus(res.r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return lastError("script", res.r);
    return Done{};
}

Status PgConnection::begin(bool)
{
    if (broken())
        return lastError("begin");
    if (!inTransaction())
        m_beginPending = true;
    return Done{};
}

Status PgConnection::commit()
{
    if (std::exchange(m_beginPending, false)) { // nothing was sent: nothing to commit
        if (!m_wakesDeferred)
            flushWakes();
        return Done{};
    }
    if (m_wakes.isEmpty() || m_wakesDeferred) {
        Status s = execScript("COMMIT");
        if (!s && !m_wakesDeferred) // deferred: kept (a spurious wake-up only makes workers look)
            m_wakes.clear();
        return s;
    }
    return commitAndWake();
}

Status PgConnection::commitAndWake()
{
    // COMMIT and the wake-ups in one round trip, each its own segment: the NOTIFYs run after the
    // commit (never inside it), and a COMMIT that fails sends at worst a spurious wake-up.
    const auto wakes = std::exchange(m_wakes, {});
    const auto n = size_t(wakes.size());
    std::vector<QByteArray> storage; // the parameters' bytes, kept until the pipeline is read
    storage.reserve(n * 2);
    std::vector<std::array<const char *, 2>> values(n);
    std::vector<Sent> statements{Sent{"COMMIT", {}, 0, nullptr, nullptr, nullptr}};
    const QByteArray notify = preparedName("SELECT pg_notify($1, $2)");
    for (size_t i = 0; i < n; ++i) {
        storage.push_back(wakes[qsizetype(i)].first);
        storage.push_back(wakes[qsizetype(i)].second.toUtf8());
        values[i] = {storage[2 * i].constData(), storage[2 * i + 1].constData()};
        if (!notify.isEmpty())
            statements.push_back(Sent{{}, notify, 2, values[i].data(), nullptr, nullptr});
    }
    auto results = pipeline(statements, true);
    if (!results[0] || PQresultStatus(results[0].get()) != PGRES_COMMAND_OK)
        return lastError("commit", results[0].get());
    for (size_t i = 1; i < results.size(); ++i) {
        if (!results[i] || PQresultStatus(results[i].get()) != PGRES_TUPLES_OK)
            logWakeFailure(lastError("wake-up", results[i].get()).message);
    }
    if (notify.isEmpty())
        logWakeFailure(QStringLiteral("the wake-up statement could not be prepared"));
    return Done{};
}

void PgConnection::rollback()
{
    m_beginPending = false;
    if (!m_wakesDeferred)
        m_wakes.clear();
    if (!broken() && PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        execScript("ROLLBACK");
}

void PgConnection::probe()
{
    if (broken() || inTransaction())
        return;
    // Nothing is owed to an idle connection: what is readable is a notice or a goodbye (a FATAL,
    // then EOF, which libpq reads one at a time and at which it marks the connection bad).
    for (int i = 0; i < 4 && !broken(); ++i) {
        pollfd p{PQsocket(m_conn), POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || !PQconsumeInput(m_conn))
            return;
    }
}

void PgConnection::wakeAfterCommit(const QByteArray &channel, const QString &payload)
{
    const std::pair<QByteArray, QString> wake{channel, payload};
    if (!m_wakes.contains(wake))
        m_wakes.append(wake);
    if (!inTransaction() && !m_wakesDeferred)
        flushWakes();
}

void PgConnection::flushWakes()
{
    const auto wakes = std::exchange(m_wakes, {});
    for (const auto &[channel, payload] : wakes) {
        if (auto n = exec("SELECT pg_notify($1, $2)", {QString::fromLatin1(channel), payload}); !n)
            logWakeFailure(n.error().message);
    }
}

void PgConnection::logWakeFailure(const QString &why)
{
    static LogThrottle throttle(10000);
    qint64 held = 0;
    if (throttle.allow(&held))
        qCWarning(lcStore) << "could not wake the workers listening for jobs:" << why << "(they poll;" << held
                           << "more not logged)";
}

Result<QList<PgConnection::Notification>> PgConnection::waitForNotifications(int timeoutMs)
{
    QList<Notification> channels;
    auto drain = [&] {
        while (PGnotify *n = PQnotifies(m_conn)) {
            channels.append({QString::fromUtf8(n->relname), QString::fromUtf8(n->extra)});
            PQfreemem(n);
        }
    };
    if (!PQconsumeInput(m_conn))
        return lastError("listen");
    drain();
    if (!channels.isEmpty())
        return channels;
    pollfd pfd{PQsocket(m_conn), POLLIN, 0};
    const int rc = ::poll(&pfd, 1, timeoutMs);
    if (rc > 0) {
        if (!PQconsumeInput(m_conn))
            return lastError("listen");
        drain();
    }
    return channels;
}

} // namespace salesflow::store
