#include "changescontroller.h"

#include "../../api/json.h"

namespace salesflow::http {

void ChangesController::addRoutes(Router &router)
{
    router.add({Method::Get, QStringLiteral("/v1/changes"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { changes(rq, r); }});
}

void ChangesController::changes(const Request &request, const ReplyPtr &reply)
{
    auto waitMs = request.intQuery("wait_ms", 0, 0, 30000);
    if (!waitMs)
        return reply->problem(waitMs.error());
    answer(m_engine->changes(request.caller, request.queryValue("after"), waitMs.value()), reply,
           [](const ChangeSet &c) { return json::toJson(c); });
}

} // namespace salesflow::http
