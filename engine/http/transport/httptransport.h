#pragma once

#include "../../api/result.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>
#include <optional>

namespace salesflow::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/// The first field of that name in `headers` (names compared case-insensitively); empty when absent.
QByteArray headerValue(const HeaderList &headers, const char *name);

/// What arrives before the body: the request line and the header fields, as sent (the path and
/// query still percent-encoded: routing splits on '/' before decoding).
struct HttpHead
{
    QByteArray method;
    QByteArray path;
    QByteArray query; ///< without the '?'; empty when there is none
    HeaderList headers;
    QString peer;
    qint64 contentLength = -1; ///< -1: none given or chunked

    /// The first header field of that name (compared case-insensitively); empty when absent.
    QByteArray header(const char *name) const;
};

struct HttpRequest
{
    HttpHead head;
    QByteArray body;
};

struct HttpResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    HeaderList headers;
    bool close = false; ///< close the connection after this answer (its body may be unread)
};

/// Where one request's answer goes. Thread-safe; the first answer counts, later ones are
/// dropped. Answering after the client has gone does nothing.
class IHttpResponder
{
public:
    virtual ~IHttpResponder() = default;
    virtual void respond(HttpResponse response) = 0;
};

using ResponderPtr = std::shared_ptr<IHttpResponder>;

/// What the application does with requests. Both calls come on the transport's threads and
/// must not block.
class IHttpHandler
{
public:
    virtual ~IHttpHandler() = default;
    /// Called once the head has arrived and before any byte of the body is read or a
    /// `100 Continue` is sent: an answer refuses the request (no such route, too large, not
    /// authenticated) and its body is never read. An empty optional lets it in.
    virtual QFuture<std::optional<HttpResponse>> screen(const HttpHead &head) = 0;
    /// The most body bytes this request may send (its route's limit); -1: Options::maxBodyBytes.
    /// A limit above Options::maxBodyBytes is cut to it. Called with the head, before screen().
    virtual qint64 bodyLimit(const HttpHead &) const { return -1; }
    /// The whole request, body read (within the limit screen() allowed); answer through `responder`.
    virtual void handle(HttpRequest request, ResponderPtr responder) = 0;
};

/// The HTTP/1.1 server under the API, behind one small interface so the library stays
/// replaceable (README, "The front door"). It owns framing (RFC 9112: Content-Length and chunked
/// bodies, pipelined requests answered in order, HEAD, 100-continue, Connection: close and
/// HTTP/1.0), limits (request line and header size, body size as it streams in, connections)
/// and timeouts (a complete head within `headTimeoutMs` of connecting or of the previous answer,
/// the body within `bodyTimeoutMs`), and TLS.
class IHttpTransport
{
public:
    struct Options
    {
        int threads = 2;
        qint64 maxBodyBytes = 1024 * 1024;
        int headTimeoutMs = 10000;
        int bodyTimeoutMs = 60000;
        int maxConnections = 0; ///< 0: from the descriptor limit (RLIMIT_NOFILE less a reserve)
        QByteArray tlsCertificatePem; ///< with tlsKeyPem: serve HTTPS
        QByteArray tlsKeyPem;
    };

    virtual ~IHttpTransport() = default;
    /// Starts serving `fd` (a bound, listening socket: adopted, closed by the transport even when
    /// it fails) through `handler`; an Error says why it could not (e.g. a bad certificate or key).
    virtual Status start(int listeningFd, IHttpHandler *handler) = 0;
    /// Stops accepting connections; requests already received are still answered.
    virtual void stopAccepting() = 0;
    /// Answers whatever is still owed with a 503 (sent when it can go out within a second, else
    /// the connection is closed) and closes everything.
    virtual void stop() = 0;
};

} // namespace salesflow::http
