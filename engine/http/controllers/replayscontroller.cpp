#include "replayscontroller.h"

namespace salesflow::http {

namespace {

const QStringList kMembers{QStringLiteral("events"),  QStringLiteral("since"),         QStringLiteral("until"),
                           QStringLiteral("status"),  QStringLiteral("source"),        QStringLiteral("from"),
                           QStringLiteral("dry_run"), QStringLiteral("prompt_version")};

Status checkTypes(const QJsonObject &body)
{
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!kMembers.contains(it.key()))
            return badQuery("replay.body",
                            QStringLiteral("unknown member '%1'; a replay takes %2")
                                .arg(it.key().left(60), kMembers.join(QLatin1String(", "))));
    }
    for (const QJsonValue &id : body.value(QLatin1String("events")).toArray()) {
        if (!id.isString())
            return badQuery("replay.body", QStringLiteral("events is a list of event ids"));
    }
    const QJsonValue events = body.value(QLatin1String("events")), dry = body.value(QLatin1String("dry_run"));
    const QJsonValue version = body.value(QLatin1String("prompt_version"));
    if (!events.isUndefined() && !events.isArray())
        return badQuery("replay.body", QStringLiteral("events is a list of event ids"));
    if (!dry.isUndefined() && !dry.isBool())
        return badQuery("replay.body", QStringLiteral("dry_run is true or false"));
    if (!version.isUndefined() && !version.isNull() && (!version.isDouble() || version.toDouble() < 1))
        return badQuery("replay.body", QStringLiteral("prompt_version is a version number of the enrich prompt"));
    for (const char *name : {"since", "until"}) {
        const QJsonValue t = body.value(QLatin1String(name));
        if (!t.isUndefined() && (!t.isString() || json::parseTime(t.toString()) < 0))
            return badQuery(
                "replay.time",
                QStringLiteral("%1 is an ISO 8601 time, e.g. 2026-11-26T09:00:00Z").arg(QLatin1String(name)));
    }
    return Done{};
}

} // namespace

void ReplaysController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Post, QStringLiteral("/v1/replays"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { start(rq, r); }});
    router.add({M::Get, QStringLiteral("/v1/replays"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { list(rq, r); }});
    router.add({M::Get, QStringLiteral("/v1/replays/{id}"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { show(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/replays/{id}/cancel"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) {
                    answer(m_engine->cancelReplay(rq.caller, rq.param(0)), r,
                           [](const ReplayInfo &i) { return json::toJson(i); });
                }});
}

void ReplaysController::start(const Request &request, const ReplyPtr &reply)
{
    auto body = jsonBody(request);
    if (!body)
        return reply->problem(body.error());
    if (Status s = checkTypes(body.value()); !s)
        return reply->problem(s.error());
    answer(
        m_engine->startReplay(request.caller, json::fromJson<ReplayRequest>(body.value())), reply,
        [](const ReplayInfo &i) { return json::toJson(i); }, 202);
}

void ReplaysController::list(const Request &request, const ReplyPtr &reply)
{
    auto limit = request.intQuery("limit", 50, 1, 1000);
    if (!limit)
        return reply->problem(limit.error());
    answer(m_engine->replays(request.caller, limit.value(), request.queryValue("after")), reply,
           [](const QList<ReplayInfo> &list) {
               QJsonObject o = itemsOf(list);
               o.insert(QStringLiteral("next"), list.isEmpty() ? QJsonValue() : QJsonValue(list.last().id));
               return o;
           });
}

void ReplaysController::show(const Request &request, const ReplyPtr &reply)
{
    auto limit = request.intQuery("limit", 100, 1, 1000);
    if (!limit)
        return reply->problem(limit.error());
    const QString changed = request.queryValue("changed");
    if (!changed.isEmpty() && changed != QLatin1String("true") && changed != QLatin1String("false"))
        return reply->problem(badQuery("query.changed", QStringLiteral("changed is true or false")));
    const ReplayItemQuery q{limit.value(), request.queryValue("after"), changed == QLatin1String("true")};
    answer(m_engine->replay(request.caller, request.param(0), q), reply,
           [](const ReplayPage &p) { return json::toJson(p); });
}

} // namespace salesflow::http
