#pragma once

#include "apiserver.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QThread>

#include <memory>
#include <optional>
#include <vector>

namespace salesflow::http {

/// Serves the API on several threads: each thread runs its own ApiServer on its own listening
/// socket, all bound to one address with SO_REUSEPORT, so the kernel spreads connections over
/// them. One QHttpServer thread tops out near one core; this lets ingest use the others.
class ApiListener
{
public:
    ApiListener(IEngine *engine, IAuthenticator *auth, ApiServer::Options options);
    ~ApiListener();
    ApiListener(const ApiListener &) = delete;
    ApiListener &operator=(const ApiListener &) = delete;

    /// Listens on `host:port` (0 picks a free port) with `threads` server threads; returns the
    /// bound port, or an Error saying why it could not listen.
    Result<quint16> listen(const QHostAddress &host, quint16 port, int threads);
    /// Serves HTTPS with this configuration (certificate and key); call before listen().
    void useTls(const QSslConfiguration &tls);
    /// Graceful stop: closes the listening sockets, waits up to `graceMs` for the answers still
    /// owed (their events may be committing), then joins the server threads.
    void stop(int graceMs = 10000);

private:
    IEngine *m_engine;
    IAuthenticator *m_auth;
    ApiServer::Options m_options;
    std::optional<QSslConfiguration> m_tls;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<ApiServer *> m_servers; // each lives in its thread
};

} // namespace salesflow::http
