// The JSON codec of prompts, prompt tests and replays (both ways).
#include "json.h"
#include "jsonhelpers_p.h"

namespace salesflow::json {

using namespace detail;

namespace {

QJsonValue costOrNull(const std::optional<double> &c)
{
    return c ? QJsonValue(*c) : QJsonValue();
}

QJsonValue timeOrNull(qint64 ms)
{
    return ms ? QJsonValue(isoTime(ms)) : QJsonValue();
}

} // namespace

QJsonObject toJson(const PromptSummary &v)
{
    return {{QStringLiteral("name"), v.name},
            {QStringLiteral("active_version"), v.activeVersion ? QJsonValue(v.activeVersion) : QJsonValue()},
            {QStringLiteral("versions"), v.versions},
            {QStringLiteral("updated_at"), timeOrNull(v.updatedAtMs)}};
}

template<>
PromptSummary fromJson<PromptSummary>(const QJsonObject &o)
{
    return {str(o, "name"), int(int64(o, "active_version")), int(int64(o, "versions")), time(o, "updated_at")};
}

QJsonObject toJson(const PromptVersionInfo &v)
{
    return {{QStringLiteral("name"), v.name},
            {QStringLiteral("version"), v.version},
            {QStringLiteral("template"), v.templateText},
            {QStringLiteral("settings"), v.settings},
            {QStringLiteral("author"), v.author},
            {QStringLiteral("created_at"), isoTime(v.createdAtMs)},
            {QStringLiteral("notes"), v.notes},
            {QStringLiteral("active"), v.active}};
}

template<>
PromptVersionInfo fromJson<PromptVersionInfo>(const QJsonObject &o)
{
    return {str(o, "name"),   int(int64(o, "version")), str(o, "template"), object(o, "settings"),
            str(o, "author"), time(o, "created_at"),    str(o, "notes"),    o.value(QLatin1String("active")).toBool()};
}

QJsonObject toJson(const PromptInfo &v)
{
    return {{QStringLiteral("name"), v.name}, {QStringLiteral("versions"), array(v.versions)}};
}

template<>
PromptInfo fromJson<PromptInfo>(const QJsonObject &o)
{
    return {str(o, "name"), list<PromptVersionInfo>(o, "versions")};
}

QJsonObject toJson(const NewPromptVersion &v)
{
    return {{QStringLiteral("template"), v.templateText},
            {QStringLiteral("settings"), v.settings},
            {QStringLiteral("notes"), v.notes}};
}

template<>
NewPromptVersion fromJson<NewPromptVersion>(const QJsonObject &o)
{
    return {str(o, "template"), object(o, "settings"), str(o, "notes")};
}

QJsonObject toJson(const PromptProblem &v)
{
    return {{QStringLiteral("message"), v.message},
            {QStringLiteral("line"), v.line ? QJsonValue(v.line) : QJsonValue()},
            {QStringLiteral("column"), v.column ? QJsonValue(v.column) : QJsonValue()},
            {QStringLiteral("setting"), orNull(v.setting)}};
}

template<>
PromptProblem fromJson<PromptProblem>(const QJsonObject &o)
{
    return {str(o, "message"), int(int64(o, "line")), int(int64(o, "column")), str(o, "setting")};
}

QJsonObject toJson(const PromptTestEvent &v)
{
    return {{QStringLiteral("event_id"), v.eventId},
            {QStringLiteral("active"), toJson(v.active)},
            {QStringLiteral("candidate"), toJson(v.candidate)},
            {QStringLiteral("active_actions"), array(v.activeActions)},
            {QStringLiteral("candidate_actions"), array(v.candidateActions)},
            {QStringLiteral("error"), orNull(v.error)}};
}

template<>
PromptTestEvent fromJson<PromptTestEvent>(const QJsonObject &o)
{
    return {str(o, "event_id"),
            fromJson<EnrichmentInfo>(object(o, "active")),
            fromJson<EnrichmentInfo>(object(o, "candidate")),
            list<ActionInfo>(o, "active_actions"),
            list<ActionInfo>(o, "candidate_actions"),
            str(o, "error")};
}

QJsonObject toJson(const PromptTestResult &v)
{
    return {{QStringLiteral("name"), v.name},
            {QStringLiteral("version"), v.version},
            {QStringLiteral("active_version"), v.activeVersion},
            {QStringLiteral("events"), array(v.events)},
            {QStringLiteral("tokens"),
             QJsonObject{{QStringLiteral("input"), v.inputTokens}, {QStringLiteral("output"), v.outputTokens}}},
            {QStringLiteral("cost_usd"), costOrNull(v.costUsd)}};
}

template<>
PromptTestResult fromJson<PromptTestResult>(const QJsonObject &o)
{
    PromptTestResult r;
    r.name = str(o, "name");
    r.version = int(int64(o, "version"));
    r.activeVersion = int(int64(o, "active_version"));
    r.events = list<PromptTestEvent>(o, "events");
    r.inputTokens = int64(object(o, "tokens"), "input");
    r.outputTokens = int64(object(o, "tokens"), "output");
    if (o.value(QLatin1String("cost_usd")).isDouble())
        r.costUsd = o.value(QLatin1String("cost_usd")).toDouble();
    return r;
}

QJsonObject toJson(const ReplayRequest &v)
{
    QJsonObject o{{QStringLiteral("from"), orNull(v.fromStage)},
                  {QStringLiteral("prompt_version"), v.promptVersion ? QJsonValue(v.promptVersion) : QJsonValue()},
                  {QStringLiteral("dry_run"), v.dryRun}};
    if (!v.eventIds.isEmpty())
        o.insert(QStringLiteral("events"), QJsonArray::fromStringList(v.eventIds));
    if (v.sinceMs)
        o.insert(QStringLiteral("since"), isoTime(v.sinceMs));
    if (v.untilMs)
        o.insert(QStringLiteral("until"), isoTime(v.untilMs));
    if (!v.status.isEmpty())
        o.insert(QStringLiteral("status"), v.status);
    if (!v.source.isEmpty())
        o.insert(QStringLiteral("source"), v.source);
    return o;
}

template<>
ReplayRequest fromJson<ReplayRequest>(const QJsonObject &o)
{
    return {strings(o, "events"),
            time(o, "since"),
            time(o, "until"),
            str(o, "status"),
            str(o, "source"),
            str(o, "from"),
            int(int64(o, "prompt_version")),
            o.value(QLatin1String("dry_run")).toBool()};
}

QJsonObject toJson(const FieldChange &v)
{
    return {
        {QStringLiteral("field"), v.field}, {QStringLiteral("before"), v.before}, {QStringLiteral("after"), v.after}};
}

template<>
FieldChange fromJson<FieldChange>(const QJsonObject &o)
{
    return {str(o, "field"), o.value(QLatin1String("before")), o.value(QLatin1String("after"))};
}

QJsonObject toJson(const ActionChange &v)
{
    return {{QStringLiteral("change"), v.change},
            {QStringLiteral("kind"), v.kind},
            {QStringLiteral("idempotency_key"), v.key},
            {QStringLiteral("target"), v.target},
            {QStringLiteral("properties"), array(v.properties)}};
}

template<>
ActionChange fromJson<ActionChange>(const QJsonObject &o)
{
    return {str(o, "change"), str(o, "kind"), str(o, "idempotency_key"), str(o, "target"),
            list<FieldChange>(o, "properties")};
}

QJsonObject toJson(const ReplayItem &v)
{
    return {{QStringLiteral("seq"), v.seq},
            {QStringLiteral("event_id"), v.eventId},
            {QStringLiteral("state"), v.state},
            {QStringLiteral("from"), orNull(v.fromStage)},
            {QStringLiteral("changed"), v.changed},
            {QStringLiteral("fields"), array(v.fields)},
            {QStringLiteral("actions"), array(v.actions)},
            {QStringLiteral("note"), orNull(v.note)},
            {QStringLiteral("error"), orNull(v.error)}};
}

template<>
ReplayItem fromJson<ReplayItem>(const QJsonObject &o)
{
    return {int(int64(o, "seq")),
            str(o, "event_id"),
            str(o, "state"),
            str(o, "from"),
            o.value(QLatin1String("changed")).toBool(),
            list<FieldChange>(o, "fields"),
            list<ActionChange>(o, "actions"),
            str(o, "note"),
            str(o, "error")};
}

QJsonObject toJson(const ReplayInfo &v)
{
    return {{QStringLiteral("id"), v.id},
            {QStringLiteral("requested_by"), v.requestedBy},
            {QStringLiteral("request"), toJson(v.request)},
            {QStringLiteral("status"), v.status},
            {QStringLiteral("total"), v.total},
            {QStringLiteral("done"), v.done},
            {QStringLiteral("failed"), v.failed},
            {QStringLiteral("changed"), v.changed},
            {QStringLiteral("created_at"), isoTime(v.createdAtMs)},
            {QStringLiteral("started_at"), timeOrNull(v.startedAtMs)},
            {QStringLiteral("finished_at"), timeOrNull(v.finishedAtMs)},
            {QStringLiteral("resumed"), v.resumed},
            {QStringLiteral("error"), orNull(v.error)},
            {QStringLiteral("tokens"),
             QJsonObject{{QStringLiteral("input"), v.inputTokens}, {QStringLiteral("output"), v.outputTokens}}},
            {QStringLiteral("cost_usd"), v.costUsd}};
}

template<>
ReplayInfo fromJson<ReplayInfo>(const QJsonObject &o)
{
    ReplayInfo v;
    v.id = str(o, "id");
    v.requestedBy = str(o, "requested_by");
    v.request = fromJson<ReplayRequest>(object(o, "request"));
    v.status = str(o, "status");
    v.total = int64(o, "total");
    v.done = int64(o, "done");
    v.failed = int64(o, "failed");
    v.changed = int64(o, "changed");
    v.createdAtMs = time(o, "created_at");
    v.startedAtMs = time(o, "started_at");
    v.finishedAtMs = time(o, "finished_at");
    v.resumed = int(int64(o, "resumed"));
    v.error = str(o, "error");
    v.inputTokens = int64(object(o, "tokens"), "input");
    v.outputTokens = int64(object(o, "tokens"), "output");
    v.costUsd = o.value(QLatin1String("cost_usd")).toDouble();
    return v;
}

QJsonObject toJson(const ReplayPage &v)
{
    QJsonObject o = toJson(v.replay);
    o.insert(QStringLiteral("items"), array(v.items));
    o.insert(QStringLiteral("next"), orNull(v.next));
    return o;
}

template<>
ReplayPage fromJson<ReplayPage>(const QJsonObject &o)
{
    return {fromJson<ReplayInfo>(o), list<ReplayItem>(o, "items"), str(o, "next")};
}

} // namespace salesflow::json
