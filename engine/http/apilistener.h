#pragma once

#include "apiserver.h"
#include "transport/httptransport.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QThread>

#include <memory>
#include <vector>

namespace salesflow::http {

/// Serves the API: an IHttpTransport (libmicrohttpd, see transport/) reads requests on its
/// own threads, and `threads` ApiServers, each on a Qt thread of its own, answer them (requests
/// are spread over them in turn; engine continuations run there).
class ApiListener
{
public:
    ApiListener(IEngine *engine, IAuthenticator *auth, ApiServer::Options options);
    ~ApiListener();
    ApiListener(const ApiListener &) = delete;
    ApiListener &operator=(const ApiListener &) = delete;

    /// Listens on `host:port` (0 picks a free port) with `threads` transport and server
    /// threads; returns the bound port, or an Error saying why it could not listen.
    Result<quint16> listen(const QHostAddress &host, quint16 port, int threads);
    /// Serves HTTPS with this configuration (certificate chain and key); call before listen().
    void useTls(const QSslConfiguration &tls);
    /// Timeouts and the connection cap of the transport (defaults otherwise); before listen().
    void setLimits(int headTimeoutMs, int bodyTimeoutMs, int maxConnections = 0);
    /// Graceful stop: stops accepting, waits up to `graceMs` for the answers still owed (their
    /// events may be committing), answers the rest 503, then joins the threads.
    void stop(int graceMs = 10000);

private:
    class Front;

    IEngine *m_engine;
    IAuthenticator *m_auth;
    ApiServer::Options m_options;
    IHttpTransport::Options m_transportOptions;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<ApiServer *> m_servers; // each lives in its thread
    std::unique_ptr<Front> m_front;
    std::unique_ptr<IHttpTransport> m_transport;
};

} // namespace salesflow::http
