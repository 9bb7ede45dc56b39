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
#include "controllers/segmentcontroller.h"
#include "controllers/sessioncontroller.h"
#include "controllers/statscontroller.h"
#include "controllers/tokenscontroller.h"
#include "controllers/userscontroller.h"
#include "gunzip.h"
#include "requestid.h"

#include <QJsonDocument>

#include <QJsonObject>
#include <QUrl>
#include <algorithm>

namespace salesflow::http {

ApiServer::ApiServer(IEngine *engine, IAuthenticator *auth, Options options, QObject *parent)
    : QObject(parent), m_engine(engine), m_auth(auth), m_options(std::move(options))
{
    if (!m_options.metrics)
        m_options.metrics = std::make_shared<HttpMetrics>();
    m_controllers.push_back(std::make_unique<HealthController>(engine, this));
    m_controllers.push_back(std::make_unique<StatsController>(engine, this, m_options.metrics));
    if (m_options.operationsOnly) {
        for (const auto &c : m_controllers)
            c->addRoutes(m_router);
        return;
    }
    m_controllers.push_back(
        std::make_unique<IngestController>(engine, this, m_options.hubspotClientSecret, m_options.chatSecrets));
    m_controllers.push_back(std::make_unique<SegmentController>(engine, this));
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

namespace {

/// Bodies up to this size are read before the caller is known (most requests: one round trip
/// less); a larger or open-ended one only for a caller allowed to send it.
constexpr qint64 kReadBeforeAuthBytes = 64 * 1024;

/// The token of `Authorization: Bearer TOKEN`, or of `Basic base64(TOKEN:)`: Segment's and
/// RudderStack's SDKs send their write key as the Basic user name with no password.
QByteArray bearer(const QByteArray &authorization)
{
    if (authorization.startsWith("Bearer "))
        return authorization.mid(7).trimmed();
    if (!authorization.startsWith("Basic "))
        return QByteArray();
    const QByteArray pair = QByteArray::fromBase64(authorization.mid(6).trimmed());
    const qsizetype colon = pair.indexOf(':');
    return colon < 0 ? pair : pair.left(colon);
}

/// The "writeKey" of a JSON body (Segment's SDKs); empty when there is none.
QByteArray writeKeyOf(const QByteArray &body)
{
    const QJsonValue key = QJsonDocument::fromJson(body).object().value(QLatin1String("writeKey"));
    return key.isString() ? key.toString().toUtf8() : QByteArray();
}

Error missingToken()
{
    return makeError("auth.missing", QStringLiteral("send Authorization: Bearer TOKEN"), 401);
}

} // namespace

std::optional<HttpResponse> ApiServer::refuse(const std::shared_ptr<HttpMetrics> &metrics, const Error &e,
                                              const QString &requestId, Reply::Headers headers)
{
    metrics->request();
    metrics->response(e.httpStatus);
    headers.append({"X-Request-Id", requestId.toLatin1()}); // refused before handle(): still traceable
    return problemResponse(e, headers);
}

qint64 ApiServer::bodyLimit(const QByteArray &path) const
{
    if (m_options.maxBodyBySource.isEmpty() || !path.startsWith("/v1/events/"))
        return m_options.maxBodyBytes;
    const QByteArray source = path.mid(11).split('/').first();
    return m_options.maxBodyBySource.value(QString::fromUtf8(source), m_options.maxBodyBytes);
}

QFuture<std::optional<HttpResponse>> ApiServer::screen(const HttpHead &head) const
{
    using Answer = std::optional<HttpResponse>;
    const auto id = [&head] { return requestIdOf(head); }; // only for a refusal: not on the hot path
    const Router::Match m = m_router.match(methodFrom(head.method), head.path);
    if (!m.route && !m.allowed.isEmpty())
        return QtFuture::makeReadyFuture<Answer>(
            refuse(m_options.metrics, makeError("method_not_allowed", QStringLiteral("method not allowed here"), 405),
                   id(), {{"Allow", m.allowed.join(", ")}}));
    if (!m.route)
        return QtFuture::makeReadyFuture<Answer>(
            refuse(m_options.metrics, makeError("not_found", QStringLiteral("no such route"), 404), id()));
    const QByteArray encoding = head.header("Content-Encoding").trimmed().toLower();
    if (!encoding.isEmpty() && encoding != "gzip" && encoding != "identity")
        return QtFuture::makeReadyFuture<Answer>(refuse(
            m_options.metrics,
            makeError("request.encoding", QStringLiteral("Content-Encoding must be gzip or identity"), 415), id()));
    const bool chunked = !head.header("Transfer-Encoding").isEmpty();
    const bool signedHead = std::any_of(m.route->signatureHeaders.cbegin(), m.route->signatureHeaders.cend(),
                                        [&head](const QByteArray &h) { return !head.header(h.constData()).isEmpty(); });
    const bool inBody = (m.route->keyInBody || signedHead) && head.header("Authorization").isEmpty();
    if ((head.contentLength <= kReadBeforeAuthBytes && !chunked) || !m.route->needs || inBody)
        return QtFuture::makeReadyFuture<Answer>(std::nullopt);
    const QByteArray token = bearer(head.header("Authorization"));
    if (token.isEmpty())
        return QtFuture::makeReadyFuture<Answer>(refuse(m_options.metrics, missingToken(), id()));
    const Permission needs = *m.route->needs;
    // No `this`: the answer may come after the server is gone.
    return m_auth->authenticate(token).then(
        [metrics = m_options.metrics, needs, id = id()](const Result<Caller> &caller) -> Answer {
            if (!caller)
                return refuse(metrics, caller.error(), id);
            if (Status allowed = allow(caller.value(), needs); !allowed)
                return refuse(metrics, allowed.error(), id);
            return std::nullopt;
        });
}

void ApiServer::handle(HttpRequest request, ResponderPtr responder)
{
    m_options.metrics->request();
    std::shared_ptr<HttpMetrics> metrics = m_options.metrics;
    auto reply = std::make_shared<Reply>(
        std::move(responder), [metrics](int status) { metrics->response(status); }, m_inFlight);
    const HttpHead &head = request.head;
    const QString requestId = requestIdOf(head), traceId = traceIdOf(head);
    reply->setExchange({requestId, traceId, head.method, head.path, monotonicNs()});
    LogScope scope({requestId, traceId, {}, {}});
    try {
        dispatch(request, reply);
    } catch (const std::exception &e) {
        // The boundary that turns an unexpected exception into a problem, never a dropped socket.
        qCCritical(lcHttp) << "unhandled exception:" << e.what();
        reply->problem(makeError("internal", QStringLiteral("internal error"), 500));
    }
}

void ApiServer::dispatch(const HttpRequest &request, const ReplyPtr &reply)
{
    const HttpHead &head = request.head;
    const Router::Match m = m_router.match(methodFrom(head.method), head.path);
    if (!m.route && !m.allowed.isEmpty()) {
        return reply->problem(makeError("method_not_allowed", QStringLiteral("method not allowed here"), 405),
                              {{"Allow", m.allowed.join(", ")}});
    }
    if (!m.route)
        return reply->problem(makeError("not_found", QStringLiteral("no such route"), 404));
    QUrl url;
    url.setPath(QString::fromUtf8(head.path), QUrl::TolerantMode);
    url.setQuery(QString::fromUtf8(head.query), QUrl::TolerantMode);
    const Route *route = m.route;
    Request copy{url, request.body, head.headers, m.params, QUrlQuery(url), Caller(), head.peer};
    bool gzipped = head.header("Content-Encoding").trimmed().compare("gzip", Qt::CaseInsensitive) == 0;
    QByteArray authorization = head.header("Authorization");
    if (authorization.isEmpty() && route->keyInBody) {
        if (gzipped) { // the key is inside: decode first (bounded as always)
            auto plain = gunzip(copy.body, bodyLimit(head.path));
            if (!plain)
                return reply->problem(plain.error());
            copy.body = std::move(plain).value();
            gzipped = false;
        }
        authorization = "Bearer " + writeKeyOf(copy.body);
    }
    // A signed webhook: checked over the body as sent, before anything decodes it.
    const auto signature = authorization.isEmpty() && route->signedBy ? route->signedBy(copy) : std::nullopt;
    auto run
        = [route, copy = std::move(copy), reply, gzipped, limit = bodyLimit(head.path)](const Caller &caller) mutable {
              if (gzipped) { // decoded only for a caller allowed here: inflating costs CPU
                  auto plain = gunzip(copy.body, limit);
                  if (!plain)
                      return reply->problem(plain.error());
                  copy.body = std::move(plain).value();
              }
              copy.caller = caller;
              route->handler(copy, reply);
          };
    if (!route->needs)
        return run(Caller::webhook(QStringLiteral("anonymous")));
    if (signature)
        return *signature ? run(signature->value()) : reply->problem(signature->error());
    authorize(authorization, reply, *route->needs, run);
}

void ApiServer::authorize(const QByteArray &authorization, const ReplyPtr &reply, Permission needs,
                          std::function<void(const Caller &)> next)
{
    const QByteArray token = bearer(authorization);
    if (token.isEmpty())
        return reply->problem(missingToken());
    auto decide = [reply, needs, next = std::move(next)](const Result<Caller> &caller) {
        if (!caller)
            return reply->problem(caller.error());
        if (Status allowed = allow(caller.value(), needs); !allowed)
            return reply->problem(allowed.error());
        next(caller.value());
    };
    QFuture<Result<Caller>> caller = m_auth->authenticate(token);
    // A cached token answers at once: decide now instead of a round trip through the event loop.
    if (caller.isFinished())
        decide(caller.result());
    else
        caller.then(this, decide);
}

} // namespace salesflow::http
