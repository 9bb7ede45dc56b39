#pragma once

#include "../api/iauthenticator.h"
#include "../api/iengine.h"
#include "httpmetrics.h"
#include "router.h"

#include <QAbstractHttpServer>

#include <atomic>
#include <memory>
#include <vector>

namespace salesflow::http {

class Controller;

/// The HTTP API of PRODUCT.md: one route table filled by one controller per area, bearer auth
/// and the route's permission checked at the door, errors mapped to problem+json here once.
/// Controllers talk to the engine only through IEngine (STYLE rule 4), which checks the
/// caller's role again. Answers to slow operations (durable ingest, queries, long polls) are
/// sent when the engine's future resolves, so many requests are in flight at once.
class ApiServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    struct Options
    {
        qint64 maxBodyBytes = 1024 * 1024;
        QByteArray hubspotClientSecret;
        /// Shared by every server thread of the process; made here when not given.
        std::shared_ptr<HttpMetrics> metrics;
    };

    ApiServer(IEngine *engine, IAuthenticator *auth, Options options, QObject *parent = nullptr);
    ~ApiServer() override;

    /// Closes the listening sockets (graceful stop, first step); call in the server's thread.
    void stopAccepting();
    /// Requests received and not yet answered.
    int inFlight() const { return m_inFlight->load(); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void dispatch(const QHttpServerRequest &request, const ReplyPtr &reply);
    /// Authenticates the bearer token, checks `needs`, then calls `next` with the caller.
    void authorize(const QHttpServerRequest &request, const ReplyPtr &reply, Permission needs,
                   std::function<void(const Caller &)> next);
    ReplyPtr replyFor(const QHttpServerRequest &request, QTcpSocket *socket);

    IEngine *m_engine;
    IAuthenticator *m_auth;
    Options m_options;
    Router m_router;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    std::shared_ptr<std::atomic<int>> m_inFlight = std::make_shared<std::atomic<int>>(0);
};

} // namespace salesflow::http
