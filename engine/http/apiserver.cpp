#include "apiserver.h"

#include "../core/clock.h"
#include "../core/logging.h"
#include "../hubspot/webhooksignature.h"
#include "../sources/intake.h"
#include "jsonmapping.h"
#include "problem.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

namespace salesflow::http {

/// One pending answer. The socket may close before the engine answers; then nothing is written.
class Reply
{
public:
    Reply(QHttpServerResponder &&r, QTcpSocket *socket, std::function<void(int)> onSent,
          std::shared_ptr<std::atomic<int>> inFlight)
        : m_responder(std::move(r)), m_socket(socket), m_onSent(std::move(onSent)), m_inFlight(std::move(inFlight))
    {
        ++*m_inFlight;
    }
    ~Reply() { --*m_inFlight; }
    Reply(const Reply &) = delete;
    Reply &operator=(const Reply &) = delete;

    void send(int status, const QByteArray &body, const QByteArray &type = "application/json")
    {
        if (m_sent)
            return;
        m_sent = true;
        m_onSent(status);
        if (!m_socket)
            return;
        m_responder.write(body, type, QHttpServerResponder::StatusCode(status));
    }
    void json(int status, const QJsonObject &o) { send(status, QJsonDocument(o).toJson(QJsonDocument::Compact)); }
    void problem(const Error &e)
    {
        send(e.httpStatus, problemJson(e), "application/problem+json");
    }

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    std::function<void(int)> m_onSent;
    std::shared_ptr<std::atomic<int>> m_inFlight;
    bool m_sent = false;
};

namespace {

Error problem(int status, const char *code, const QString &detail)
{
    return Error{QString::fromLatin1(code), detail, status};
}

QJsonObject receiptJson(const Result<IngestReceipt> &r)
{
    if (!r.ok()) {
        return QJsonObject{{QStringLiteral("status"), r.error().httpStatus},
                           {QStringLiteral("code"), r.error().code},
                           {QStringLiteral("detail"), r.error().message}};
    }
    return QJsonObject{{QStringLiteral("id"), r->id},
                       {QStringLiteral("duplicate"), r->duplicate},
                       {QStringLiteral("status"), r->duplicate ? 200 : 202}};
}

/// Epoch ms from an ISO 8601 timestamp or a number of epoch milliseconds; -1 when neither.
qint64 parseTime(const QString &s)
{
    if (s.isEmpty())
        return 0;
    bool ok = false;
    const qint64 ms = s.toLongLong(&ok);
    if (ok)
        return ms;
    const QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

} // namespace

ApiServer::ApiServer(IEngine *engine, Options options, QObject *parent)
    : QAbstractHttpServer(parent), m_engine(engine), m_options(std::move(options))
{
}

ApiServer::~ApiServer() = default;

void ApiServer::count(int status)
{
    QMutexLocker lock(&m_countMutex);
    ++m_responses[status];
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_requests;
    auto reply = std::make_shared<Reply>(makeResponder(request, socket), socket,
                                         [this](int status) { count(status); }, m_inFlight);
    try {
        route(request, reply);
    } catch (const std::exception &e) {
        // The boundary that turns an unexpected exception into a problem, never a dropped socket.
        qCCritical(lcHttp) << "unhandled exception:" << e.what();
        reply->problem(problem(500, "internal", QStringLiteral("internal error")));
    }
    return true;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Reply(makeResponder(request, socket), socket, [this](int s) { count(s); }, m_inFlight)
        .problem(problem(404, "not_found", QStringLiteral("no such route")));
}

void ApiServer::stopAccepting()
{
    for (QTcpServer *s : servers())
        s->close();
}

void ApiServer::withRole(const QHttpServerRequest &request, const ReplyPtr &reply, Role needed,
                         std::function<void(const Principal &)> next)
{
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ") || header.size() <= 7) {
        reply->problem(problem(401, "auth.missing", QStringLiteral("send Authorization: Bearer TOKEN")));
        return;
    }
    auto decide = [reply, needed, next = std::move(next)](const Result<Principal> &p) {
        if (!p) {
            reply->problem(p.error());
            return;
        }
        // Posting events: ingest tokens and admins. Reading and deciding: viewer < reviewer < admin.
        const bool allowed = needed == Role::Ingest
            ? (p->role == Role::Ingest || p->role == Role::Admin)
            : (p->role != Role::Ingest && int(p->role) >= int(needed));
        if (!allowed) {
            reply->problem(problem(403, "auth.forbidden",
                                   QStringLiteral("role '%1' may not do this; it needs '%2'")
                                       .arg(roleName(p->role), roleName(needed))));
            return;
        }
        next(p.value());
    };
    QFuture<Result<Principal>> principal = m_engine->authenticate(header.mid(7).trimmed());
    // A cached token answers at once: decide now instead of a round trip through the event loop.
    if (principal.isFinished())
        decide(principal.result());
    else
        principal.then(this, decide);
}

void ApiServer::route(const QHttpServerRequest &request, const ReplyPtr &reply)
{
    const QString path = request.url().path();
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const auto method = request.method();
    const bool get = method == QHttpServerRequest::Method::Get;
    const bool post = method == QHttpServerRequest::Method::Post;
    auto notAllowed = [&] {
        reply->problem(problem(405, "method_not_allowed",
                               QStringLiteral("method not allowed on %1").arg(path)));
    };

    if (path == QLatin1String("/healthz")) {
        get ? reply->json(200, {{QStringLiteral("status"), QStringLiteral("ok")}}) : notAllowed();
        return;
    }
    if (path == QLatin1String("/readyz")) {
        if (!get)
            return notAllowed();
        m_engine->ready().then(this, [reply](const Status &s) {
            if (!s)
                reply->problem(Error{s.error().code, s.error().message, 503});
            else
                reply->json(200, {{QStringLiteral("status"), QStringLiteral("ready")}});
        });
        return;
    }
    if (path == QLatin1String("/metrics")) {
        if (!get)
            return notAllowed();
        withRole(request, reply, Role::Viewer, [this, reply](const Principal &) { metrics(reply); });
        return;
    }
    if (parts.size() < 2 || parts[0] != QLatin1String("v1")) {
        reply->problem(problem(404, "not_found", QStringLiteral("no such route: %1").arg(path)));
        return;
    }
    if (parts[1] == QLatin1String("events")) {
        if (parts.size() == 2) {
            if (!get)
                return notAllowed();
            withRole(request, reply, Role::Viewer, [this, url = request.url(), reply](const Principal &) {
                listEvents(url, reply);
            });
            return;
        }
        if (post && (parts.size() == 3 || (parts.size() == 4 && parts[3] == QLatin1String("batch")))) {
            const QString source = parts[2];
            if (!sources::isKnownSource(source)) {
                reply->problem(problem(404, "ingest.unknown_source",
                                       QStringLiteral("unknown source '%1'; known sources: %2")
                                           .arg(source, sources::knownSources().join(QStringLiteral(", ")))));
                return;
            }
            if (source == QLatin1String("hubspot") && parts.size() == 3)
                return ingestHubspot(request, reply);
            ingest(request, reply, source, parts.size() == 4);
            return;
        }
        if (get && parts.size() == 3) {
            const QString id = parts[2];
            withRole(request, reply, Role::Viewer, [this, reply, id](const Principal &) {
                m_engine->event(id).then(this, [reply](const Result<EventDetail> &d) {
                    d ? reply->json(200, toJson(d.value())) : reply->problem(d.error());
                });
            });
            return;
        }
        return notAllowed();
    }
    if (parts[1] == QLatin1String("stats") && parts.size() == 2) {
        if (!get)
            return notAllowed();
        withRole(request, reply, Role::Viewer, [this, reply](const Principal &) {
            m_engine->stats().then(this, [reply](const Result<Stats> &s) {
                s ? reply->json(200, toJson(s.value())) : reply->problem(s.error());
            });
        });
        return;
    }
    if (parts[1] == QLatin1String("audit") && parts.size() == 2) {
        if (!get)
            return notAllowed();
        const QUrlQuery q(request.url());
        const int limit = q.hasQueryItem(QStringLiteral("limit")) ? q.queryItemValue(QStringLiteral("limit")).toInt() : 100;
        const qint64 after = q.queryItemValue(QStringLiteral("after")).toLongLong();
        withRole(request, reply, Role::Viewer, [this, reply, limit, after](const Principal &) {
            m_engine->audit(limit, after).then(this, [reply](const Result<QList<AuditEntry>> &a) {
                if (!a)
                    return reply->problem(a.error());
                QJsonArray items;
                for (const AuditEntry &e : a.value())
                    items.append(toJson(e));
                reply->json(200, {{QStringLiteral("items"), items},
                                  {QStringLiteral("next"), a->isEmpty() ? QJsonValue() : QJsonValue(QString::number(a->last().id))}});
            });
        });
        return;
    }
    reply->problem(problem(404, "not_found", QStringLiteral("no such route: %1").arg(path)));
}

void ApiServer::ingest(const QHttpServerRequest &request, const ReplyPtr &reply, const QString &source, bool batch)
{
    if (request.body().size() > m_options.maxBodyBytes) {
        reply->problem(problem(413, "ingest.too_large",
                               QStringLiteral("the body is %1 bytes; the limit is %2")
                                   .arg(request.body().size())
                                   .arg(m_options.maxBodyBytes)));
        return;
    }
    IngestItem item{source, request.value("Content-Type"), request.body(), request.value("Idempotency-Key"), {}};
    withRole(request, reply, Role::Ingest, [this, reply, item, batch](const Principal &who) mutable {
        item.receivedBy = QStringLiteral("token:") + who.name;
        if (!batch)
            return submit(reply, {item}, true);
        if (sources::mediaType(item.contentType) != "application/json") {
            reply->problem(problem(415, "ingest.content_type", QStringLiteral("a batch is sent as application/json")));
            return;
        }
        auto items = sources::splitBatch(item.source, item.payload);
        if (!items)
            return reply->problem(items.error());
        for (qsizetype i = 0; i < items->size(); ++i) {
            items.value()[i].receivedBy = item.receivedBy;
            // An Idempotency-Key names the whole batch; each item gets its own derived key.
            if (!item.idempotencyKey.isEmpty())
                items.value()[i].idempotencyKey = item.idempotencyKey + '#' + QByteArray::number(i);
        }
        submit(reply, items.value(), false);
    });
}

void ApiServer::ingestHubspot(const QHttpServerRequest &request, const ReplyPtr &reply)
{
    if (request.body().size() > m_options.maxBodyBytes) {
        reply->problem(problem(413, "ingest.too_large", QStringLiteral("the body is over the size limit")));
        return;
    }
    // The full URI HubSpot called; behind a proxy, X-Forwarded-Proto/Host give the external one.
    const QByteArray proto = request.value("X-Forwarded-Proto").isEmpty() ? QByteArray("http") : request.value("X-Forwarded-Proto");
    const QByteArray host = request.value("X-Forwarded-Host").isEmpty() ? request.value("Host") : request.value("X-Forwarded-Host");
    const QByteArray uri = proto + "://" + host + request.url().toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    Status s = hubspot::verifyV3(m_options.hubspotClientSecret, "POST", uri, request.body(),
                                 request.value("X-HubSpot-Request-Timestamp"),
                                 request.value("X-HubSpot-Signature-v3"), nowMs());
    if (!s)
        return reply->problem(s.error());
    submit(reply, {IngestItem{QStringLiteral("hubspot"), request.value("Content-Type"), request.body(),
                              request.value("Idempotency-Key"), QStringLiteral("hubspot-webhook")}},
           false);
}

void ApiServer::submit(const ReplyPtr &reply, QList<IngestItem> items, bool single)
{
    m_engine->ingest(std::move(items)).then(this, [reply, single](const Result<QList<Result<IngestReceipt>>> &r) {
        if (!r)
            return reply->problem(r.error());
        if (single) {
            const Result<IngestReceipt> &one = r->first();
            if (!one)
                return reply->problem(one.error());
            reply->json(one->duplicate ? 200 : 202,
                        {{QStringLiteral("id"), one->id}, {QStringLiteral("duplicate"), one->duplicate}});
            return;
        }
        QJsonArray items;
        bool anyNew = false;
        for (const Result<IngestReceipt> &one : r.value()) {
            items.append(receiptJson(one));
            anyNew = anyNew || (one.ok() && !one->duplicate);
        }
        reply->json(anyNew ? 202 : 200, {{QStringLiteral("items"), items}});
    });
}

void ApiServer::listEvents(const QUrl &url, const ReplyPtr &reply)
{
    const QUrlQuery q(url);
    EventQuery query;
    query.status = q.queryItemValue(QStringLiteral("status"));
    query.source = q.queryItemValue(QStringLiteral("source"));
    query.text = q.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    query.after = q.queryItemValue(QStringLiteral("after"));
    if (!query.status.isEmpty() && !EventStatus::all().contains(query.status))
        return reply->problem(problem(400, "query.status", QStringLiteral("unknown status '%1'").arg(query.status)));
    if (!query.source.isEmpty() && !sources::isKnownSource(query.source))
        return reply->problem(problem(400, "query.source", QStringLiteral("unknown source '%1'").arg(query.source)));
    if (q.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        query.limit = q.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || query.limit < 1 || query.limit > 1000)
            return reply->problem(problem(400, "query.limit", QStringLiteral("limit is 1 to 1000")));
    }
    query.sinceMs = parseTime(q.queryItemValue(QStringLiteral("since")));
    query.untilMs = parseTime(q.queryItemValue(QStringLiteral("until")));
    if (query.sinceMs < 0 || query.untilMs < 0)
        return reply->problem(problem(400, "query.time", QStringLiteral("since/until are ISO 8601 or epoch milliseconds")));
    m_engine->listEvents(query).then(this, [reply](const Result<EventPage> &page) {
        if (!page)
            return reply->problem(page.error());
        QJsonArray items;
        for (const EventSummary &e : page->items)
            items.append(toJson(e));
        reply->json(200, {{QStringLiteral("items"), items},
                          {QStringLiteral("next"), page->next.isEmpty() ? QJsonValue() : QJsonValue(page->next)}});
    });
}

void ApiServer::metrics(const ReplyPtr &reply)
{
    QByteArray out;
    out += "# HELP salesflow_http_requests_total HTTP requests received.\n"
           "# TYPE salesflow_http_requests_total counter\n"
           "salesflow_http_requests_total " + QByteArray::number(m_requests.load()) + "\n";
    out += "# HELP salesflow_http_responses_total HTTP responses sent, by status code.\n"
           "# TYPE salesflow_http_responses_total counter\n";
    {
        QMutexLocker lock(&m_countMutex);
        for (auto it = m_responses.cbegin(); it != m_responses.cend(); ++it)
            out += "salesflow_http_responses_total{code=\"" + QByteArray::number(it.key()) + "\"} "
                + QByteArray::number(it.value()) + "\n";
    }
    m_engine->stats().then(this, [reply, out](const Result<Stats> &s) mutable {
        if (s) {
            out += "# HELP salesflow_events Events in the store, by status.\n# TYPE salesflow_events gauge\n";
            for (auto it = s->byStatus.cbegin(); it != s->byStatus.cend(); ++it)
                out += "salesflow_events{status=\"" + it.key().toUtf8() + "\"} " + QByteArray::number(it.value()) + "\n";
            out += "# HELP salesflow_queue_jobs Jobs waiting or leased, by stage.\n# TYPE salesflow_queue_jobs gauge\n";
            for (auto it = s->queueByStage.cbegin(); it != s->queueByStage.cend(); ++it)
                out += "salesflow_queue_jobs{stage=\"" + it.key().toUtf8() + "\"} " + QByteArray::number(it.value()) + "\n";
            out += "# HELP salesflow_enrichments Enrichment outputs stored.\n# TYPE salesflow_enrichments gauge\n"
                   "salesflow_enrichments " + QByteArray::number(s->enrichments) + "\n";
            out += "# HELP salesflow_llm_tokens LLM tokens used by stored enrichments, by kind.\n# TYPE salesflow_llm_tokens gauge\n"
                   "salesflow_llm_tokens{kind=\"input\"} " + QByteArray::number(s->llmInputTokens) + "\n"
                   "salesflow_llm_tokens{kind=\"output\"} " + QByteArray::number(s->llmOutputTokens) + "\n"
                   "salesflow_llm_tokens{kind=\"cached\"} " + QByteArray::number(s->llmCachedTokens) + "\n";
            out += "# HELP salesflow_hubspot_actions HubSpot actions in the ledger, by status.\n# TYPE salesflow_hubspot_actions gauge\n";
            for (auto it = s->actionsByStatus.cbegin(); it != s->actionsByStatus.cend(); ++it)
                out += "salesflow_hubspot_actions{status=\"" + it.key().toUtf8() + "\"} " + QByteArray::number(it.value()) + "\n";
            out += "# HELP salesflow_hubspot_calls_today HubSpot calls by all writers today (UTC).\n# TYPE salesflow_hubspot_calls_today gauge\n"
                   "salesflow_hubspot_calls_today " + QByteArray::number(s->hubspotCallsToday) + "\n";
            out += "# HELP salesflow_llm_estimated_cost_usd Estimated cost of stored enrichments (price table).\n"
                   "# TYPE salesflow_llm_estimated_cost_usd gauge\n"
                   "salesflow_llm_estimated_cost_usd " + QByteArray::number(s->llmCostUsd, 'f', 6) + "\n";
        }
        out += "# HELP salesflow_store_up Whether the store answered.\n# TYPE salesflow_store_up gauge\n"
               "salesflow_store_up " + QByteArray(s ? "1" : "0") + "\n";
        reply->send(200, out, "text/plain; version=0.0.4");
    });
}

} // namespace salesflow::http
