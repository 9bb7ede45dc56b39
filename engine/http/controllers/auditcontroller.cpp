#include "auditcontroller.h"

#include "../../api/json.h"

namespace salesflow::http {

void AuditController::addRoutes(Router &router)
{
    router.add({Method::Get, QStringLiteral("/v1/audit"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { list(rq, r); }});
}

void AuditController::list(const Request &request, const ReplyPtr &reply)
{
    AuditQuery q;
    q.actor = request.queryValue("actor");
    q.eventId = request.queryValue("event");
    q.action = request.queryValue("action");
    q.after = request.queryValue("after");
    auto limit = request.intQuery("limit", q.limit, 1, 1000);
    if (!limit)
        return reply->problem(limit.error());
    q.limit = limit.value();
    q.sinceMs = json::parseTime(request.queryValue("since"));
    q.untilMs = json::parseTime(request.queryValue("until"));
    if (q.sinceMs < 0 || q.untilMs < 0)
        return reply->problem(badQuery("query.time", QStringLiteral("since/until are ISO 8601 or epoch milliseconds")));
    answer(m_engine->audit(request.caller, q), reply, [](const AuditPage &p) { return json::toJson(p); });
}

} // namespace salesflow::http
