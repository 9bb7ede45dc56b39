#include "httpengine.h"

#include "engine/api/json.h"
#include "httpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QtConcurrent>

namespace salesflow::test {

namespace {

Error problemOf(const HttpResponse &r)
{
    const QJsonObject p = QJsonDocument::fromJson(r.body).object();
    if (r.status == 0)
        return makeError("http.unreachable", QStringLiteral("no answer from the server"), 503);
    Error e{p.value(QStringLiteral("code")).toString(), p.value(QStringLiteral("detail")).toString(), r.status};
    e.retryAfterMs = r.header("Retry-After").toLongLong() * 1000;
    return e;
}

template<typename T>
QFuture<Result<T>> decoded(QFuture<Result<QJsonObject>> f)
{
    return f.then([](const Result<QJsonObject> &o) -> Result<T> {
        if (!o)
            return o.error();
        return json::fromJson<T>(o.value());
    });
}

QByteArray encoded(const QString &v)
{
    return QUrl::toPercentEncoding(v);
}

void addTime(QUrlQuery &q, const char *name, qint64 ms)
{
    if (ms != 0)
        q.addQueryItem(QLatin1String(name), QString::number(ms));
}

} // namespace

void HttpEngine::setToken(const QString &callerName, const QByteArray &token)
{
    QMutexLocker lock(&m_mutex);
    m_tokens.insert(callerName, token);
}

QFuture<Result<QJsonObject>> HttpEngine::call(const Caller &caller, const QByteArray &method, const QByteArray &path,
                                              const QByteArray &body, const QByteArray &contentType)
{
    QByteArray token;
    {
        QMutexLocker lock(&m_mutex);
        token = m_tokens.value(caller.name);
    }
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!token.isEmpty())
        headers.append({"Authorization", "Bearer " + token});
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    return QtConcurrent::run([host = m_host, port = m_port, method, path, body, headers]() -> Result<QJsonObject> {
        const HttpResponse r = HttpClient(host, port).request(method, path, body, headers, 40000);
        if (r.status < 200 || r.status > 299)
            return problemOf(r);
        return QJsonDocument::fromJson(r.body).object();
    });
}

QFuture<Result<QList<Result<IngestReceipt>>>> HttpEngine::ingest(const Caller &caller, QList<IngestItem> items)
{
    // One POST per item, as senders do; answers in order.
    QList<QFuture<Result<QJsonObject>>> posts;
    for (const IngestItem &item : items)
        posts.append(call(caller, "POST", "/v1/events/" + encoded(item.source), item.payload, item.contentType));
    return QtConcurrent::run([posts]() mutable -> Result<QList<Result<IngestReceipt>>> {
        QList<Result<IngestReceipt>> out;
        for (auto &p : posts) {
            p.waitForFinished();
            const auto r = p.result();
            if (!r && r.error().httpStatus == 503)
                return r.error();
            out.append(r ? Result<IngestReceipt>(json::fromJson<IngestReceipt>(r.value()))
                         : Result<IngestReceipt>(r.error()));
        }
        return out;
    });
}

QFuture<Result<EventPage>> HttpEngine::listEvents(const Caller &caller, EventQuery query)
{
    QUrlQuery q;
    if (!query.status.isEmpty())
        q.addQueryItem(QStringLiteral("status"), query.status);
    if (!query.source.isEmpty())
        q.addQueryItem(QStringLiteral("source"), query.source);
    if (!query.text.isEmpty())
        q.addQueryItem(QStringLiteral("q"), query.text);
    if (!query.after.isEmpty())
        q.addQueryItem(QStringLiteral("after"), query.after);
    addTime(q, "since", query.sinceMs);
    addTime(q, "until", query.untilMs);
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    return decoded<EventPage>(call(caller, "GET", "/v1/events?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<EventDetail>> HttpEngine::event(const Caller &caller, QString id)
{
    return decoded<EventDetail>(call(caller, "GET", "/v1/events/" + encoded(id)));
}

QFuture<Result<Stats>> HttpEngine::stats(const Caller &caller)
{
    return decoded<Stats>(call(caller, "GET", "/v1/stats"));
}

QFuture<Result<AuditPage>> HttpEngine::audit(const Caller &caller, AuditQuery query)
{
    QUrlQuery q;
    const QList<QPair<const char *, QString>> filters{
        {"actor", query.actor}, {"event", query.eventId}, {"action", query.action}, {"after", query.after}};
    for (const auto &f : filters) {
        if (!f.second.isEmpty())
            q.addQueryItem(QLatin1String(f.first), f.second);
    }
    addTime(q, "since", query.sinceMs);
    addTime(q, "until", query.untilMs);
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    return decoded<AuditPage>(call(caller, "GET", "/v1/audit?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ChangeSet>> HttpEngine::changes(const Caller &caller, QString cursor, int waitMs)
{
    QUrlQuery q;
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("after"), cursor);
    q.addQueryItem(QStringLiteral("wait_ms"), QString::number(waitMs));
    return decoded<ChangeSet>(call(caller, "GET", "/v1/changes?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<QByteArray>> HttpEngine::createToken(const Caller &caller, QString name, Role role)
{
    const QByteArray body
        = QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("role"), roleName(role)}})
              .toJson(QJsonDocument::Compact);
    return call(caller, "POST", "/v1/tokens", body, "application/json")
        .then([](const Result<QJsonObject> &o) -> Result<QByteArray> {
            if (!o)
                return o.error();
            return o->value(QStringLiteral("token")).toString().toLatin1();
        });
}

QFuture<Result<int>> HttpEngine::revokeToken(const Caller &caller, QString name)
{
    return call(caller, "POST", "/v1/tokens/" + encoded(name) + "/revoke")
        .then([](const Result<QJsonObject> &o) -> Result<int> {
            if (!o)
                return o.error();
            return o->value(QStringLiteral("revoked")).toInt();
        });
}

namespace {
QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Status done(const Result<QJsonObject> &o)
{
    if (!o)
        return o.error();
    return Done{};
}

template<typename T>
QFuture<Result<QList<T>>> items(QFuture<Result<QJsonObject>> f)
{
    return f.then([](const Result<QJsonObject> &o) -> Result<QList<T>> {
        if (!o)
            return o.error();
        QList<T> out;
        for (const QJsonValue &v : o->value(QStringLiteral("items")).toArray())
            out.append(json::fromJson<T>(v.toObject()));
        return out;
    });
}
} // namespace

QFuture<Result<ReviewPage>> HttpEngine::reviewQueue(const Caller &caller, int limit, QString after)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!after.isEmpty())
        q.addQueryItem(QStringLiteral("after"), after);
    return decoded<ReviewPage>(call(caller, "GET", "/v1/review?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ReviewClaim>> HttpEngine::claimReview(const Caller &caller, QString eventId)
{
    return decoded<ReviewClaim>(call(caller, "POST", "/v1/review/" + encoded(eventId) + "/claim"));
}

QFuture<Result<DecisionResult>> HttpEngine::decideReview(const Caller &caller, QString eventId, ReviewDecision decision)
{
    return decoded<DecisionResult>(
        call(caller, "POST", "/v1/review/" + encoded(eventId), body(json::toJson(decision)), "application/json"));
}

QFuture<Result<QList<UserInfo>>> HttpEngine::users(const Caller &caller)
{
    return items<UserInfo>(call(caller, "GET", "/v1/users"));
}

QFuture<Status> HttpEngine::addUser(const Caller &caller, QString name, Role role, QByteArray password)
{
    const QJsonObject o{{QStringLiteral("name"), name},
                        {QStringLiteral("role"), roleName(role)},
                        {QStringLiteral("password"), QString::fromUtf8(password)}};
    return call(caller, "POST", "/v1/users", body(o), "application/json").then(done);
}

QFuture<Status> HttpEngine::disableUser(const Caller &caller, QString name)
{
    return call(caller, "POST", "/v1/users/" + encoded(name) + "/disable").then(done);
}

QFuture<Status> HttpEngine::setPassword(const Caller &caller, QString name, QByteArray password)
{
    const QJsonObject o{{QStringLiteral("password"), QString::fromUtf8(password)}};
    return call(caller, "POST", "/v1/users/" + encoded(name) + "/password", body(o), "application/json").then(done);
}

QFuture<Result<QList<TokenInfo>>> HttpEngine::tokens(const Caller &caller)
{
    return items<TokenInfo>(call(caller, "GET", "/v1/tokens"));
}

QFuture<Result<Session>> HttpEngine::login(const QString &user, const QByteArray &password)
{
    const QJsonObject o{{QStringLiteral("username"), user}, {QStringLiteral("password"), QString::fromUtf8(password)}};
    return call(Caller(), "POST", "/v1/session", body(o), "application/json")
        .then([this, user](const Result<QJsonObject> &r) -> Result<Session> {
            if (!r)
                return r.error();
            const Session s = json::fromJson<Session>(r.value());
            setToken(user, s.token);
            return s;
        });
}

QFuture<Status> HttpEngine::ready()
{
    return call(Caller(), "GET", "/readyz").then([](const Result<QJsonObject> &o) -> Status {
        if (!o)
            return o.error();
        return Done{};
    });
}

QFuture<Result<QList<PromptSummary>>> HttpEngine::prompts(const Caller &caller)
{
    return items<PromptSummary>(call(caller, "GET", "/v1/prompts"));
}

QFuture<Result<PromptInfo>> HttpEngine::prompt(const Caller &caller, QString name)
{
    return decoded<PromptInfo>(call(caller, "GET", "/v1/prompts/" + encoded(name)));
}

QFuture<Result<QList<PromptProblem>>> HttpEngine::checkPrompt(const Caller &caller, QString name,
                                                              NewPromptVersion version)
{
    return call(caller, "POST", "/v1/prompts/" + encoded(name) + "/check", body(json::toJson(version)),
                "application/json")
        .then([](const Result<QJsonObject> &o) -> Result<QList<PromptProblem>> {
            if (!o)
                return o.error();
            QList<PromptProblem> out;
            for (const QJsonValue &v : o->value(QStringLiteral("problems")).toArray())
                out.append(json::fromJson<PromptProblem>(v.toObject()));
            return out;
        });
}

QFuture<Result<PromptVersionInfo>> HttpEngine::createPromptVersion(const Caller &caller, QString name,
                                                                   NewPromptVersion version)
{
    return decoded<PromptVersionInfo>(call(caller, "POST", "/v1/prompts/" + encoded(name) + "/versions",
                                           body(json::toJson(version)), "application/json"));
}

QFuture<Result<PromptVersionInfo>> HttpEngine::activatePrompt(const Caller &caller, QString name, int version)
{
    return decoded<PromptVersionInfo>(call(
        caller, "POST", "/v1/prompts/" + encoded(name) + "/versions/" + QByteArray::number(version) + "/activate"));
}

QFuture<Result<PromptTestResult>> HttpEngine::testPrompt(const Caller &caller, QString name, int version,
                                                         QStringList eventIds)
{
    const QJsonObject o{{QStringLiteral("events"), QJsonArray::fromStringList(eventIds)}};
    return decoded<PromptTestResult>(
        call(caller, "POST", "/v1/prompts/" + encoded(name) + "/versions/" + QByteArray::number(version) + "/test",
             body(o), "application/json"));
}

QFuture<Result<ReplayInfo>> HttpEngine::startReplay(const Caller &caller, ReplayRequest request)
{
    return decoded<ReplayInfo>(call(caller, "POST", "/v1/replays", body(json::toJson(request)), "application/json"));
}

QFuture<Result<QList<ReplayInfo>>> HttpEngine::replays(const Caller &caller, int limit, QString after)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!after.isEmpty())
        q.addQueryItem(QStringLiteral("after"), after);
    return items<ReplayInfo>(call(caller, "GET", "/v1/replays?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ReplayPage>> HttpEngine::replay(const Caller &caller, QString id, ReplayItemQuery query)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    if (!query.after.isEmpty())
        q.addQueryItem(QStringLiteral("after"), query.after);
    if (query.onlyChanged)
        q.addQueryItem(QStringLiteral("changed"), QStringLiteral("true"));
    return decoded<ReplayPage>(
        call(caller, "GET", "/v1/replays/" + encoded(id) + "?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ReplayInfo>> HttpEngine::cancelReplay(const Caller &caller, QString id)
{
    return decoded<ReplayInfo>(call(caller, "POST", "/v1/replays/" + encoded(id) + "/cancel"));
}

} // namespace salesflow::test
