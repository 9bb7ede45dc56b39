#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

class QTcpSocket;

namespace salesflow::test {

/// The HTTP/1.1 server under the emulators (LLM, HubSpot): keep-alive connections, requests
/// with Content-Length bodies, handled on the server's own thread, answered at once, later,
/// never (a timeout), or by dropping the connection.
class EmulatorServer
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray path; ///< without the query
        QByteArray query; ///< after '?', undecoded
        QList<QPair<QByteArray, QByteArray>> headers; ///< names lower-cased
        QByteArray body;
        QByteArray header(const QByteArray &name) const;
        QByteArray queryValue(const QByteArray &name) const;
    };
    class Reply
    {
    public:
        /// Sends the answer after `delayMs` (0: now).
        void send(int status, const QByteArray &contentType, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {}, int delayMs = 0) const;
        /// Closes the connection without an answer.
        void drop() const;
        // Doing neither holds the request until the client gives up.

        QPointer<QTcpSocket> socket;
        QObject *context = nullptr;
    };
    using Handler = std::function<void(const Request &, const Reply &)>;

    explicit EmulatorServer(Handler handler);
    ~EmulatorServer();
    EmulatorServer(const EmulatorServer &) = delete;
    EmulatorServer &operator=(const EmulatorServer &) = delete;

    /// Listens on 127.0.0.1 (0: a free port) and returns the port, 0 on failure.
    quint16 start(quint16 port = 0);
    quint16 port() const { return m_port; }
    /// Runs `f` on the server thread and waits for it.
    void runOnServerThread(const std::function<void()> &f);

private:
    struct Impl;
    QThread m_thread;
    std::unique_ptr<QObject> m_anchor;
    Impl *m_impl = nullptr;
    Handler m_handler;
    quint16 m_port = 0;
};

QByteArray reasonPhrase(int status);

} // namespace salesflow::test
