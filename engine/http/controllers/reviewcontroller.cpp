#include "reviewcontroller.h"

#include "../../api/json.h"

namespace salesflow::http {

void ReviewController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Get, QStringLiteral("/v1/review"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { list(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/review/{id}/claim"), Permission::Review,
                [this](const Request &rq, const ReplyPtr &r) {
                    answer(m_engine->claimReview(rq.caller, rq.param(0)), r,
                           [](const ReviewClaim &c) { return json::toJson(c); });
                }});
    router.add({M::Post, QStringLiteral("/v1/review/{id}/preview"), Permission::Review,
                [this](const Request &rq, const ReplyPtr &r) { preview(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/review/{id}"), Permission::Review,
                [this](const Request &rq, const ReplyPtr &r) { decide(rq, r); }});
}

void ReviewController::list(const Request &request, const ReplyPtr &reply)
{
    auto limit = request.intQuery("limit", 100, 1, 1000);
    if (!limit)
        return reply->problem(limit.error());
    answer(m_engine->reviewQueue(request.caller, limit.value(), request.queryValue("after")), reply,
           [](const ReviewPage &p) { return json::toJson(p); });
}

void ReviewController::decide(const Request &request, const ReplyPtr &reply)
{
    auto body = jsonBody(request);
    if (!body)
        return reply->problem(body.error());
    const QString decision = body->value(QStringLiteral("decision")).toString();
    if (decision != QLatin1String("approve") && decision != QLatin1String("reject")) {
        return reply->problem(
            makeError("review.decision", QStringLiteral("decision is \"approve\" or \"reject\""), 400));
    }
    if (body->contains(QStringLiteral("edits")) && !body->value(QStringLiteral("edits")).isObject())
        return reply->problem(makeError("review.invalid_edit", QStringLiteral("edits is a JSON object"), 400));
    answer(m_engine->decideReview(request.caller, request.param(0), json::fromJson<ReviewDecision>(body.value())),
           reply, [](const DecisionResult &d) { return json::toJson(d); });
}

void ReviewController::preview(const Request &request, const ReplyPtr &reply)
{
    auto body = jsonBody(request);
    if (!body)
        return reply->problem(body.error());
    const QJsonValue edits = body->value(QStringLiteral("edits"));
    if (!edits.isUndefined() && !edits.isObject())
        return reply->problem(makeError("review.invalid_edit", QStringLiteral("edits is a JSON object"), 400));
    answer(m_engine->previewReview(request.caller, request.param(0), edits.toObject()), reply,
           [](const QList<ActionInfo> &actions) { return itemsOf(actions); });
}

} // namespace salesflow::http
