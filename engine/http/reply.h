#pragma once

#include "../api/result.h"

#include <QByteArray>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

#include <atomic>
#include <functional>
#include <memory>

namespace salesflow::http {

/// One pending answer. Controllers answer when the engine's future resolves, maybe after the
/// client has gone: then nothing is written. Only the first send counts.
class Reply
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    Reply(QHttpServerResponder &&responder, QTcpSocket *socket, std::function<void(int)> onSent,
          std::shared_ptr<std::atomic<int>> inFlight);
    ~Reply();
    Reply(const Reply &) = delete;
    Reply &operator=(const Reply &) = delete;

    void send(int status, const QByteArray &body, const QByteArray &type = "application/json",
              const Headers &headers = {});
    void json(int status, const QJsonObject &o);
    /// RFC 9457 problem+json for the error, with its httpStatus.
    void problem(const Error &e, const Headers &headers = {});

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    std::function<void(int)> m_onSent;
    std::shared_ptr<std::atomic<int>> m_inFlight;
    bool m_sent = false;
};

using ReplyPtr = std::shared_ptr<Reply>;

} // namespace salesflow::http
