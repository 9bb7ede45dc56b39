#pragma once

#include "../api/result.h"

#include "transport/httptransport.h"

#include <QByteArray>
#include <QJsonObject>

#include <atomic>
#include <functional>
#include <memory>

namespace salesflow::http {

/// One pending answer. Controllers answer when the engine's future resolves, maybe after the
/// client has gone: then nothing is written. Only the first send counts.
class Reply
{
public:
    using Headers = HeaderList;

    Reply(ResponderPtr responder, std::function<void(int)> onSent, std::shared_ptr<std::atomic<int>> inFlight);
    ~Reply();
    Reply(const Reply &) = delete;
    Reply &operator=(const Reply &) = delete;

    /// Who asked what, for the answer's X-Request-Id header and the access log line
    /// (category `salesflow.access`, off unless QT_LOGGING_RULES turns its info on).
    struct Exchange
    {
        QString requestId;
        QString traceId;
        QByteArray method;
        QByteArray path;
        qint64 startedNs = 0; ///< monotonicNs() when the request arrived
    };
    void setExchange(Exchange exchange) { m_exchange = std::move(exchange); }
    /// The event this request created or found (ingest): named on the access log line.
    void noteEvent(const QString &eventId) { m_eventId = eventId; }

    void send(int status, const QByteArray &body, const QByteArray &type = "application/json",
              const Headers &headers = {});
    void json(int status, const QJsonObject &o);
    /// RFC 9457 problem+json for the error, with its httpStatus.
    void problem(const Error &e, const Headers &headers = {});

private:
    ResponderPtr m_responder;
    std::function<void(int)> m_onSent;
    std::shared_ptr<std::atomic<int>> m_inFlight;
    bool m_sent = false;
    Exchange m_exchange;
    QString m_eventId;
};

using ReplyPtr = std::shared_ptr<Reply>;

/// Nanoseconds on the steady clock (request durations).
qint64 monotonicNs();

/// RFC 9457 problem+json for the error, as an answer (a store failure never names the store).
HttpResponse problemResponse(const Error &e, const Reply::Headers &headers = {});

} // namespace salesflow::http
