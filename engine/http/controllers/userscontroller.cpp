#include "userscontroller.h"

#include "../../api/json.h"

#include <QJsonArray>

namespace salesflow::http {

void UsersController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Get, QStringLiteral("/v1/users"), Permission::Admin, [this](const Request &rq, const ReplyPtr &r) {
                    answer(m_engine->users(rq.caller), r, [](const QList<UserInfo> &u) { return itemsOf(u); });
                }});
    router.add({M::Post, QStringLiteral("/v1/users"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { add(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/users/{name}/disable"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) {
                    noContent(m_engine->disableUser(rq.caller, rq.param(0)), r);
                }});
    // Any reader may ask; the engine lets admins, and users for themselves.
    router.add({M::Post, QStringLiteral("/v1/users/{name}/password"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { password(rq, r); }});
    router.add({M::Get, QStringLiteral("/v1/tokens"), Permission::Admin, [this](const Request &rq, const ReplyPtr &r) {
                    answer(m_engine->tokens(rq.caller), r, [](const QList<TokenInfo> &t) { return itemsOf(t); });
                }});
}

void UsersController::noContent(QFuture<Status> done, const ReplyPtr &reply)
{
    done.then(m_context, [reply](const Status &s) { s ? reply->send(204, {}) : reply->problem(s.error()); });
}

void UsersController::add(const Request &request, const ReplyPtr &reply)
{
    auto body = jsonBody(request);
    if (!body)
        return reply->problem(body.error());
    const QString roleText = body->value(QStringLiteral("role")).toString();
    const auto role = roleFromName(roleText);
    if (!role) {
        return reply->problem(makeError(
            "user.role", QStringLiteral("role is viewer, reviewer or admin (got '%1')").arg(roleText.left(40)), 400));
    }
    const QString name = body->value(QStringLiteral("name")).toString();
    const QByteArray password = body->value(QStringLiteral("password")).toString().toUtf8();
    m_engine->addUser(request.caller, name, *role, password).then(m_context, [reply, name, roleText](const Status &s) {
        if (!s)
            return reply->problem(s.error());
        reply->json(201, {{QStringLiteral("name"), name}, {QStringLiteral("role"), roleText}});
    });
}

void UsersController::password(const Request &request, const ReplyPtr &reply)
{
    auto body = jsonBody(request);
    if (!body)
        return reply->problem(body.error());
    noContent(m_engine->setPassword(request.caller, request.param(0),
                                    body->value(QStringLiteral("password")).toString().toUtf8()),
              reply);
}

} // namespace salesflow::http
