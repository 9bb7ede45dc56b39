#include "sessioncontroller.h"

#include "../../api/json.h"

namespace salesflow::http {

void SessionController::addRoutes(Router &router)
{
    router.add({Method::Post, QStringLiteral("/v1/session"), std::nullopt,
                [this](const Request &rq, const ReplyPtr &r) { login(rq, r); }});
}

void SessionController::login(const Request &request, const ReplyPtr &reply)
{
    auto body = jsonBody(request);
    if (!body)
        return reply->problem(body.error());
    const QString user = body->value(QStringLiteral("username")).toString();
    QByteArray password = body->value(QStringLiteral("password")).toString().toUtf8();
    if (user.isEmpty() || password.isEmpty()) {
        return reply->problem(
            makeError("auth.login", QStringLiteral("send {\"username\": \"...\", \"password\": \"...\"}"), 400));
    }
    m_auth->login(user, password, request.remoteAddress).then(m_context, [reply](const Result<Session> &s) {
        s ? reply->json(200, json::toJson(s.value())) : reply->problem(s.error());
    });
}

} // namespace salesflow::http
