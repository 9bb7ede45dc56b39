#include "eventscontroller.h"

#include "../../api/json.h"
#include "../../sources/intake.h"

namespace salesflow::http {

void EventsController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Get, QStringLiteral("/v1/events"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { list(rq, r); }});
    router.add({M::Get, QStringLiteral("/v1/events/{id}"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { detail(rq, r); }});
}

Result<EventQuery> eventQueryFrom(const Request &request)
{
    EventQuery query;
    query.status = request.queryValue("status");
    query.source = request.queryValue("source");
    query.text = request.queryValue("q");
    query.after = request.queryValue("after");
    const QString ids = request.queryValue("ids");
    if (!ids.isEmpty())
        query.ids = ids.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (!query.status.isEmpty() && !EventStatus::all().contains(query.status))
        return badQuery("query.status", QStringLiteral("unknown status '%1'").arg(query.status));
    if (!query.source.isEmpty() && !sources::isKnownSource(query.source))
        return badQuery("query.source", QStringLiteral("unknown source '%1'").arg(query.source));
    auto limit = request.intQuery("limit", query.limit, 1, 1000);
    if (!limit)
        return limit.error();
    query.limit = limit.value();
    query.sinceMs = json::parseTime(request.queryValue("since"));
    query.untilMs = json::parseTime(request.queryValue("until"));
    if (query.sinceMs < 0 || query.untilMs < 0)
        return badQuery("query.time", QStringLiteral("since/until are ISO 8601 or epoch milliseconds"));
    return query;
}

void EventsController::list(const Request &request, const ReplyPtr &reply)
{
    auto query = eventQueryFrom(request);
    if (!query)
        return reply->problem(query.error());
    answer(m_engine->listEvents(request.caller, query.value()), reply,
           [](const EventPage &p) { return json::toJson(p); });
}

void EventsController::detail(const Request &request, const ReplyPtr &reply)
{
    answer(m_engine->event(request.caller, request.param(0)), reply,
           [](const EventDetail &d) { return json::toJson(d); });
}

} // namespace salesflow::http
