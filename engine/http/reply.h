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
};

using ReplyPtr = std::shared_ptr<Reply>;

/// RFC 9457 problem+json for the error, as an answer (a store failure never names the store).
HttpResponse problemResponse(const Error &e, const Reply::Headers &headers = {});

} // namespace salesflow::http
