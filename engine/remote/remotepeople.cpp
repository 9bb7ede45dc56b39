// RemoteEngine: tokens, users and the review queue.
#include "remotecodec_p.h"
#include "remoteengine.h"

namespace salesflow::remote {

using namespace detail;

QFuture<Result<QByteArray>> RemoteEngine::createToken(const Caller &caller, QString name, Role role)
{
    const QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("role"), roleName(role)}};
    return post(caller, "/v1/tokens", compact(o)).then([](const Result<QJsonObject> &r) -> Result<QByteArray> {
        if (!r)
            return r.error();
        return r->value(QStringLiteral("token")).toString().toLatin1();
    });
}

QFuture<Result<int>> RemoteEngine::revokeToken(const Caller &caller, QString name)
{
    return post(caller, "/v1/tokens/" + encoded(name) + "/revoke")
        .then([](const Result<QJsonObject> &r) -> Result<int> {
            if (!r)
                return r.error();
            return r->value(QStringLiteral("revoked")).toInt();
        });
}

QFuture<Result<QList<TokenInfo>>> RemoteEngine::tokens(const Caller &caller)
{
    return listOf<TokenInfo>(get(caller, "/v1/tokens"));
}

QFuture<Result<QList<UserInfo>>> RemoteEngine::users(const Caller &caller)
{
    return listOf<UserInfo>(get(caller, "/v1/users"));
}

QFuture<Status> RemoteEngine::addUser(const Caller &caller, QString name, Role role, QByteArray password)
{
    const QJsonObject o{{QStringLiteral("name"), name},
                        {QStringLiteral("role"), roleName(role)},
                        {QStringLiteral("password"), QString::fromUtf8(password)}};
    return post(caller, "/v1/users", compact(o)).then(done);
}

QFuture<Status> RemoteEngine::disableUser(const Caller &caller, QString name)
{
    return post(caller, "/v1/users/" + encoded(name) + "/disable").then(done);
}

QFuture<Status> RemoteEngine::setPassword(const Caller &caller, QString name, QByteArray password)
{
    const QJsonObject o{{QStringLiteral("password"), QString::fromUtf8(password)}};
    return post(caller, "/v1/users/" + encoded(name) + "/password", compact(o)).then(done);
}

QFuture<Result<ReviewPage>> RemoteEngine::reviewQueue(const Caller &caller, int limit, QString after)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    addText(q, "after", after);
    return decoded<ReviewPage>(get(caller, "/v1/review?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ReviewClaim>> RemoteEngine::claimReview(const Caller &caller, QString eventId)
{
    // Claiming again renews the holder's own claim: safe to send again.
    return decoded<ReviewClaim>(post(caller, "/v1/review/" + encoded(eventId) + "/claim", {}, 2));
}

QFuture<Result<DecisionResult>> RemoteEngine::decideReview(const Caller &caller, QString eventId,
                                                           ReviewDecision decision)
{
    // The same decision again answers `repeated` with the first result: never applied twice.
    return decoded<DecisionResult>(post(caller, "/v1/review/" + encoded(eventId), compact(json::toJson(decision)), 2));
}

QFuture<Result<QList<ActionInfo>>> RemoteEngine::previewReview(const Caller &caller, QString eventId, QJsonObject edits)
{
    // Writes nothing: safe to send again.
    const QByteArray body = compact(QJsonObject{{QStringLiteral("edits"), edits}});
    return listOf<ActionInfo>(post(caller, "/v1/review/" + encoded(eventId) + "/preview", body, 2));
}

} // namespace salesflow::remote
