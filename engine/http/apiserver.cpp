#include "apiserver.h"

#include "../core/logging.h"
#include "controllers/auditcontroller.h"
#include "controllers/changescontroller.h"
#include "controllers/eventscontroller.h"
#include "controllers/healthcontroller.h"
#include "controllers/ingestcontroller.h"
#include "controllers/promptscontroller.h"
#include "controllers/replayscontroller.h"
#include "controllers/reviewcontroller.h"
#include "controllers/sessioncontroller.h"
#include "controllers/statscontroller.h"
#include "controllers/tokenscontroller.h"
#include "controllers/userscontroller.h"

#include <QHttpServerRequest>
#include <QTcpServer>
#include <QTcpSocket>

namespace salesflow::http {

ApiServer::ApiServer(IEngine *engine, IAuthenticator *auth, Options options, QObject *parent)
    : QAbstractHttpServer(parent), m_engine(engine), m_auth(auth), m_options(std::move(options))
{
    if (!m_options.metrics)
        m_options.metrics = std::make_shared<HttpMetrics>();
    m_controllers.push_back(std::make_unique<HealthController>(engine, this));
    m_controllers.push_back(std::make_unique<StatsController>(engine, this, m_options.metrics));
    m_controllers.push_back(std::make_unique<IngestController>(engine, this, m_options.hubspotClientSecret));
    m_controllers.push_back(std::make_unique<EventsController>(engine, this));
    m_controllers.push_back(std::make_unique<AuditController>(engine, this));
    m_controllers.push_back(std::make_unique<ChangesController>(engine, this));
    m_controllers.push_back(std::make_unique<TokensController>(engine, this));
    m_controllers.push_back(std::make_unique<UsersController>(engine, this));
    m_controllers.push_back(std::make_unique<SessionController>(engine, auth, this));
    m_controllers.push_back(std::make_unique<ReviewController>(engine, this));
    m_controllers.push_back(std::make_unique<PromptsController>(engine, this));
    m_controllers.push_back(std::make_unique<ReplaysController>(engine, this));
    for (const auto &c : m_controllers)
        c->addRoutes(m_router);
}

ApiServer::~ApiServer() = default;

ReplyPtr ApiServer::replyFor(const QHttpServerRequest &request, QTcpSocket *socket)
{
    std::shared_ptr<HttpMetrics> metrics = m_options.metrics;
    return std::make_shared<Reply>(
        makeResponder(request, socket), socket, [metrics](int status) { metrics->response(status); }, m_inFlight);
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    m_options.metrics->request();
    ReplyPtr reply = replyFor(request, socket);
    try {
        dispatch(request, reply);
    } catch (const std::exception &e) {
        // The boundary that turns an unexpected exception into a problem, never a dropped socket.
        qCCritical(lcHttp) << "unhandled exception:" << e.what();
        reply->problem(makeError("internal", QStringLiteral("internal error"), 500));
    }
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    replyFor(request, socket)->problem(makeError("not_found", QStringLiteral("no such route"), 404));
}

void ApiServer::stopAccepting()
{
    for (QTcpServer *s : servers())
        s->close();
}

void ApiServer::dispatch(const QHttpServerRequest &request, const ReplyPtr &reply)
{
    const QByteArray path = request.url().path(QUrl::FullyEncoded).toUtf8();
    const Router::Match m = m_router.match(request.method(), path);
    if (!m.route && !m.allowed.isEmpty()) {
        return reply->problem(
            makeError("method_not_allowed", QStringLiteral("method not allowed on %1").arg(request.url().path()), 405),
            {{"Allow", m.allowed.join(", ")}});
    }
    if (!m.route)
        return reply->problem(
            makeError("not_found", QStringLiteral("no such route: %1").arg(request.url().path()), 404));
    if (request.body().size() > m_options.maxBodyBytes) {
        return reply->problem(makeError("ingest.too_large",
                                        QStringLiteral("the body is %1 bytes; the limit is %2")
                                            .arg(request.body().size())
                                            .arg(m_options.maxBodyBytes),
                                        413));
    }
    const Route *route = m.route;
    Request copy{request.url(),
                 request.body(),
                 request.headers(),
                 m.params,
                 QUrlQuery(request.url()),
                 Caller(),
                 request.remoteAddress().toString()};
    auto run = [route, copy = std::move(copy), reply](const Caller &caller) mutable {
        copy.caller = caller;
        route->handler(copy, reply);
    };
    if (!route->needs)
        return run(Caller::webhook(QStringLiteral("anonymous")));
    authorize(request, reply, *route->needs, run);
}

void ApiServer::authorize(const QHttpServerRequest &request, const ReplyPtr &reply, Permission needs,
                          std::function<void(const Caller &)> next)
{
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ") || header.size() <= 7)
        return reply->problem(makeError("auth.missing", QStringLiteral("send Authorization: Bearer TOKEN"), 401));
    auto decide = [reply, needs, next = std::move(next)](const Result<Caller> &caller) {
        if (!caller)
            return reply->problem(caller.error());
        if (Status allowed = allow(caller.value(), needs); !allowed)
            return reply->problem(allowed.error());
        next(caller.value());
    };
    QFuture<Result<Caller>> caller = m_auth->authenticate(header.mid(7).trimmed());
    // A cached token answers at once: decide now instead of a round trip through the event loop.
    if (caller.isFinished())
        decide(caller.result());
    else
        caller.then(this, decide);
}

} // namespace salesflow::http
