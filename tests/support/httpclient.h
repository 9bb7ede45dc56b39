#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace salesflow::test {

struct HttpResponse
{
    int status = 0; ///< 0: no answer (connection refused or reset)
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray header(const QByteArray &name) const;
};

/// A minimal blocking HTTP/1.1 client over a plain socket, for tests and the crash test's load
/// threads (no event loop needed, any thread). One request per connection unless reused.
class HttpClient
{
public:
    HttpClient(QByteArray host, quint16 port);
    ~HttpClient();
    HttpResponse request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                         const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 10000);

private:
    bool ensureConnected(int timeoutMs);
    QByteArray m_host;
    quint16 m_port;
    int m_fd = -1;
};

/// One request made from a worker thread while this thread's event loop keeps running (for a
/// server that lives on this thread): with `Authorization: Bearer token` when a token is given
/// and `Content-Type: application/json` when there is a body.
HttpResponse callServing(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                         const QByteArray &token = {});

} // namespace salesflow::test
