#include "reply.h"

#include "problem.h"

#include "../core/logging.h"

#include <QJsonDocument>

#include <chrono>

namespace salesflow::http {

Reply::Reply(ResponderPtr responder, std::function<void(int)> onSent, std::shared_ptr<std::atomic<int>> inFlight)
    : m_responder(std::move(responder)), m_onSent(std::move(onSent)), m_inFlight(std::move(inFlight))
{
    ++*m_inFlight;
}

Reply::~Reply()
{
    if (!m_sent) { // a handler that dropped its reply: the client still gets an answer
        qCCritical(lcHttp) << "a request was dropped unanswered; answering 500";
        send(500, problemJson(makeError("internal", QStringLiteral("the request was dropped unanswered"), 500)),
             "application/problem+json");
    }
    --*m_inFlight;
}

void Reply::send(int status, const QByteArray &body, const QByteArray &type, const Headers &headers)
{
    if (m_sent)
        return;
    m_sent = true;
    m_onSent(status);
    if (m_exchange.requestId.isEmpty())
        return m_responder->respond(HttpResponse{status, body, type, headers, false});
    if (lcAccess().isInfoEnabled()) {
        const double ms = double(monotonicNs() - m_exchange.startedNs) / 1e6;
        LogScope scope({m_exchange.requestId, m_exchange.traceId, m_eventId, {}});
        qCInfo(lcAccess).noquote() << m_exchange.method << QString::fromUtf8(m_exchange.path) << status
                                   << QString::number(ms, 'f', 2) + QStringLiteral(" ms") << body.size() << "bytes";
    }
    Headers all = headers;
    all.append({"X-Request-Id", m_exchange.requestId.toLatin1()});
    m_responder->respond(HttpResponse{status, body, type, all, false});
}

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
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
    static LogThrottle throttle(10000);
    qint64 held = 0;
    if (throttle.allow(&held))
        qCWarning(lcHttp) << "answered" << e.httpStatus << e.code << "-" << e.message << "(" << held
                          << "more not logged since the last line)";
    Error out = e;
    out.message = e.httpStatus == 503 ? QStringLiteral("the event store is unavailable; nothing was done, try again")
                                      : QStringLiteral("the event store failed; nothing was done");
    if (out.httpStatus == 503 && out.retryAfterMs <= 0)
        out.retryAfterMs = 2000; // a restart or failover: senders retry soon, not in a tight loop
    return out;
}

} // namespace

HttpResponse problemResponse(const Error &given, const Reply::Headers &headers)
{
    const Error e = forClient(given);
    Reply::Headers all = headers;
    if (e.retryAfterMs > 0 && (e.httpStatus == 429 || e.httpStatus == 503))
        all.append({"Retry-After", QByteArray::number((e.retryAfterMs + 999) / 1000)});
    return HttpResponse{e.httpStatus, problemJson(e), "application/problem+json", all, false};
}

void Reply::problem(const Error &e, const Headers &headers)
{
    HttpResponse r = problemResponse(e, headers);
    send(r.status, r.body, r.contentType, r.headers);
}

} // namespace salesflow::http
