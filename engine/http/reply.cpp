#include "reply.h"

#include "problem.h"

#include "../core/logging.h"

#include <QDateTime>

#include <QJsonDocument>

namespace salesflow::http {

Reply::Reply(QHttpServerResponder &&responder, QTcpSocket *socket, std::function<void(int)> onSent,
             std::shared_ptr<std::atomic<int>> inFlight)
    : m_responder(std::move(responder)), m_socket(socket), m_onSent(std::move(onSent)), m_inFlight(std::move(inFlight))
{
    ++*m_inFlight;
}

Reply::~Reply()
{
    --*m_inFlight;
}

void Reply::send(int status, const QByteArray &body, const QByteArray &type, const Headers &headers)
{
    if (m_sent)
        return;
    m_sent = true;
    m_onSent(status);
    if (!m_socket)
        return;
    if (headers.isEmpty()) {
        m_responder.write(body, type, QHttpServerResponder::StatusCode(status));
        return;
    }
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    m_responder.writeHeader("Content-Type", type);
    m_responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    for (const auto &h : headers)
        m_responder.writeHeader(h.first, h.second);
    m_responder.writeBody(body);
}

void Reply::json(int status, const QJsonObject &o)
{
    send(status, QJsonDocument(o).toJson(QJsonDocument::Compact));
}

namespace {

/// A store failure says what it means to a client, never where the store is (host, port, user):
/// the detail goes to the log, at most once every ten seconds, and the client gets the code.
Error forClient(const Error &e)
{
    if (!e.code.startsWith(QLatin1String("store.")) || e.httpStatus < 500
        || e.code == QLatin1String("store.schema_too_new")) // says what to do, names no address
        return e;
    static std::atomic<qint64> lastLogged{0};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 last = lastLogged.load();
    if (now - last > 10000 && lastLogged.compare_exchange_strong(last, now))
        qCWarning(lcHttp) << "answered" << e.httpStatus << e.code << "-" << e.message;
    Error out = e;
    out.message = e.httpStatus == 503 ? QStringLiteral("the event store is unavailable; nothing was done, try again")
                                      : QStringLiteral("the event store failed; nothing was done");
    return out;
}

} // namespace

void Reply::problem(const Error &given, const Headers &headers)
{
    const Error e = forClient(given);
    Headers all = headers;
    if (e.retryAfterMs > 0 && (e.httpStatus == 429 || e.httpStatus == 503))
        all.append({"Retry-After", QByteArray::number((e.retryAfterMs + 999) / 1000)});
    send(e.httpStatus, problemJson(e), "application/problem+json", all);
}

} // namespace salesflow::http
