#include "reply.h"

#include "problem.h"

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

void Reply::problem(const Error &e, const Headers &headers)
{
    Headers all = headers;
    if (e.retryAfterMs > 0 && (e.httpStatus == 429 || e.httpStatus == 503))
        all.append({"Retry-After", QByteArray::number((e.retryAfterMs + 999) / 1000)});
    send(e.httpStatus, problemJson(e), "application/problem+json", all);
}

} // namespace salesflow::http
