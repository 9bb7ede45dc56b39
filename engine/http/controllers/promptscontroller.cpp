#include "promptscontroller.h"

namespace salesflow::http {

namespace {

/// A draft version from a request body: `template` (string), optional `settings` (object) and
/// `notes` (string); anything else is a 400 that names it.
Result<NewPromptVersion> draftOf(const Request &request)
{
    auto body = jsonBody(request);
    if (!body)
        return body.error();
    for (auto it = body->begin(); it != body->end(); ++it) {
        const QString k = it.key();
        if (k != QLatin1String("template") && k != QLatin1String("settings") && k != QLatin1String("notes"))
            return badQuery("prompt.body",
                            QStringLiteral("unknown member '%1'; a version has template, settings "
                                           "and notes")
                                .arg(k.left(60)));
    }
    const QJsonValue tmpl = body->value(QLatin1String("template"));
    const QJsonValue settings = body->value(QLatin1String("settings"));
    const QJsonValue notes = body->value(QLatin1String("notes"));
    if (!tmpl.isString())
        return badQuery("prompt.body", QStringLiteral("template is the prompt's text, a string"));
    if (!settings.isUndefined() && !settings.isObject())
        return badQuery("prompt.body", QStringLiteral("settings is a JSON object"));
    if (!notes.isUndefined() && !notes.isString())
        return badQuery("prompt.body", QStringLiteral("notes is a string"));
    return json::fromJson<NewPromptVersion>(body.value());
}

Result<int> versionOf(const Request &request)
{
    bool ok = false;
    const int v = request.param(1).toInt(&ok);
    if (!ok || v <= 0)
        return makeError("prompt.not_found", QStringLiteral("a version is a positive number"), 404);
    return v;
}

} // namespace

void PromptsController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Get, QStringLiteral("/v1/prompts"), Permission::Read, [this](const Request &rq, const ReplyPtr &r) {
                    answer(m_engine->prompts(rq.caller), r, [](const QList<PromptSummary> &p) { return itemsOf(p); });
                }});
    router.add(
        {M::Get, QStringLiteral("/v1/prompts/{name}"), Permission::Read, [this](const Request &rq, const ReplyPtr &r) {
             answer(m_engine->prompt(rq.caller, rq.param(0)), r, [](const PromptInfo &p) { return json::toJson(p); });
         }});
    router.add({M::Post, QStringLiteral("/v1/prompts/{name}/check"), Permission::Read,
                [this](const Request &rq, const ReplyPtr &r) { check(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/prompts/{name}/versions"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { create(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/prompts/{name}/versions/{v}/activate"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { activate(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/prompts/{name}/versions/{v}/test"), Permission::Admin,
                [this](const Request &rq, const ReplyPtr &r) { test(rq, r); }});
}

void PromptsController::check(const Request &request, const ReplyPtr &reply)
{
    auto draft = draftOf(request);
    if (!draft)
        return reply->problem(draft.error());
    answer(m_engine->checkPrompt(request.caller, request.param(0), draft.value()), reply,
           [](const QList<PromptProblem> &problems) {
               QJsonArray a;
               for (const PromptProblem &p : problems)
                   a.append(json::toJson(p));
               return QJsonObject{{QStringLiteral("problems"), a}};
           });
}

void PromptsController::create(const Request &request, const ReplyPtr &reply)
{
    auto draft = draftOf(request);
    if (!draft)
        return reply->problem(draft.error());
    answer(
        m_engine->createPromptVersion(request.caller, request.param(0), draft.value()), reply,
        [](const PromptVersionInfo &v) { return json::toJson(v); }, 201);
}

void PromptsController::activate(const Request &request, const ReplyPtr &reply)
{
    auto v = versionOf(request);
    if (!v)
        return reply->problem(v.error());
    answer(m_engine->activatePrompt(request.caller, request.param(0), v.value()), reply,
           [](const PromptVersionInfo &p) { return json::toJson(p); });
}

void PromptsController::test(const Request &request, const ReplyPtr &reply)
{
    auto v = versionOf(request);
    auto body = v ? jsonBody(request) : Result<QJsonObject>(v.error());
    if (!body)
        return reply->problem(body.error());
    QStringList ids;
    const QJsonValue events = body->value(QLatin1String("events"));
    for (const QJsonValue &id : events.toArray()) {
        if (!id.isString())
            return reply->problem(badQuery("prompt.test_events", QStringLiteral("events is a list of event ids")));
        ids << id.toString();
    }
    if (!events.isArray())
        return reply->problem(badQuery("prompt.test_events", QStringLiteral("events is a list of event ids")));
    answer(m_engine->testPrompt(request.caller, request.param(0), v.value(), ids), reply,
           [](const PromptTestResult &t) { return json::toJson(t); });
}

} // namespace salesflow::http
