#include "tokenscontroller.h"

#include <QJsonDocument>

namespace salesflow::http {

void TokensController::addRoutes(Router &router)
{
    router.add({Method::Post, QStringLiteral("/v1/tokens"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { create(rq, r); }});
    router.add({Method::Post, QStringLiteral("/v1/tokens/{name}/revoke"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { revoke(rq, r); }});
}

void TokensController::revoke(const Request &request, const ReplyPtr &reply)
{
    const QString name = request.param(0);
    answer(m_engine->revokeToken(request.caller, name), reply, [name](int n) {
        return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("revoked"), n}};
    });
}

void TokensController::create(const Request &request, const ReplyPtr &reply)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (!doc.isObject())
        return reply->problem(
            makeError("token.body", QStringLiteral("send {\"name\": \"...\", \"role\": \"...\"}"), 400));
    const QString name = doc.object().value(QStringLiteral("name")).toString();
    const QString roleText = doc.object().value(QStringLiteral("role")).toString();
    const auto role = roleFromName(roleText);
    if (!role)
        return reply->problem(makeError(
            "token.role", QStringLiteral("role is ingest, viewer, reviewer or admin (got '%1')").arg(roleText), 400));
    m_engine->createToken(request.caller, name, *role)
        .then(m_context, [reply, name, roleText](const Result<QByteArray> &t) {
            if (!t)
                return reply->problem(t.error());
            reply->json(201,
                        {{QStringLiteral("name"), name},
                         {QStringLiteral("role"), roleText},
                         {QStringLiteral("token"), QString::fromLatin1(t.value())}});
        });
}

} // namespace salesflow::http
