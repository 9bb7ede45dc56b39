#include "changescontroller.h"

#include "../../api/json.h"

namespace salesflow::http {

void ChangesController::addRoutes(Router &router)
{
    router.add({QHttpServerRequest::Method::Get, QStringLiteral("/v1/changes"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { changes(rq, r); }});
}

void ChangesController::changes(const Request &request, const ReplyPtr &reply)
{
    int waitMs = 0;
    if (request.hasQuery("wait_ms")) {
        bool ok = false;
        waitMs = request.queryValue("wait_ms").toInt(&ok);
        if (!ok || waitMs < 0 || waitMs > 30000)
            return reply->problem(badQuery("query.wait_ms", QStringLiteral("wait_ms is 0 to 30000")));
    }
    answer(m_engine->changes(request.caller, request.queryValue("after"), waitMs), reply,
           [](const ChangeSet &c) { return json::toJson(c); });
}

} // namespace salesflow::http
