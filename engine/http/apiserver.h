#pragma once

#include "../api/iauthenticator.h"
#include "../api/iengine.h"
#include "../core/config.h"
#include "httpmetrics.h"
#include "router.h"

#include "transport/httptransport.h"

#include <QFuture>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace salesflow::http {

class Controller;

/// The HTTP API of PRODUCT.md: one route table filled by one controller per area, bearer auth
/// and the route's permission checked at the door, errors mapped to problem+json here once.
/// Controllers talk to the engine only through IEngine (STYLE rule 4), which checks the
/// caller's role again. Answers to slow operations (durable ingest, queries, long polls) are
/// sent when the engine's future resolves, so many requests are in flight at once.
///
/// It serves no socket itself: an IHttpTransport (ApiListener wires one) calls screen() when a
/// request's head has arrived and handle() with the whole request, on the transport's threads;
/// continuations run on this object's thread.
class ApiServer final : public QObject
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
        /// Only /healthz, /readyz, /metrics and /v1/stats (a `--role worker` process: probes
        /// and scrapes reach it, events and people do not).
        bool operationsOnly = false;
        /// Larger (or smaller) limits for `/v1/events/{source}` of some sources.
        QHash<QString, qint64> maxBodyBySource = {};
        /// Chat platforms' signed webhooks to /v1/events/chat (no token needed when signed).
        ChatWebhookSecrets chatSecrets = {};
    };

    ApiServer(IEngine *engine, IAuthenticator *auth, Options options, QObject *parent = nullptr);
    ~ApiServer() override;

    /// Before the body is read: no such route (404/405), an unsupported Content-Encoding (415),
    /// and, for a body over 64 KiB or of unknown length on an authenticated route, the bearer
    /// token and its permission (401/403) — a large body is only read for a caller allowed to
    /// send it. Thread-safe.
    QFuture<std::optional<HttpResponse>> screen(const HttpHead &head) const;
    /// Answers the request through `responder`; thread-safe.
    void handle(HttpRequest request, ResponderPtr responder);
    /// The body limit of a request to `path`: its source's own, else maxBodyBytes — what the
    /// transport enforces (IHttpHandler::bodyLimit), by Content-Length and as a body streams.
    /// Thread-safe.
    qint64 bodyLimit(const QByteArray &path) const;
    /// Requests received and not yet answered.
    int inFlight() const { return m_inFlight->load(); }

private:
    void dispatch(const HttpRequest &request, const ReplyPtr &reply);
    /// Authenticates the bearer token, checks `needs`, then calls `next` with the caller.
    void authorize(const QByteArray &authorization, const ReplyPtr &reply, Permission needs,
                   std::function<void(const Caller &)> next);
    static std::optional<HttpResponse> refuse(const std::shared_ptr<HttpMetrics> &metrics, const Error &e,
                                              const QString &requestId, Reply::Headers headers = {});

    IEngine *m_engine;
    IAuthenticator *m_auth;
    Options m_options;
    Router m_router;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    std::shared_ptr<std::atomic<int>> m_inFlight = std::make_shared<std::atomic<int>>(0);
};

} // namespace salesflow::http
