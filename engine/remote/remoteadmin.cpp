// RemoteEngine: prompt versions, prompt tests and replays.
#include "remotecodec_p.h"
#include "remoteengine.h"

namespace salesflow::remote {

using namespace detail;

namespace {

QByteArray versionPath(const QString &name, int version, const char *action)
{
    return "/v1/prompts/" + encoded(name) + "/versions/" + QByteArray::number(version) + '/' + action;
}

constexpr int kTestTimeoutMs = 5 * 60 * 1000; // a prompt test waits for up to 40 model calls

} // namespace

QFuture<Result<QList<PromptSummary>>> RemoteEngine::prompts(const Caller &caller)
{
    return listOf<PromptSummary>(get(caller, "/v1/prompts"));
}

QFuture<Result<PromptInfo>> RemoteEngine::prompt(const Caller &caller, QString name)
{
    return decoded<PromptInfo>(get(caller, "/v1/prompts/" + encoded(name)));
}

QFuture<Result<QList<PromptProblem>>> RemoteEngine::checkPrompt(const Caller &caller, QString name,
                                                                NewPromptVersion version)
{
    return listOf<PromptProblem>(
        post(caller, "/v1/prompts/" + encoded(name) + "/check", compact(json::toJson(version)), 2), "problems");
}

QFuture<Result<PromptVersionInfo>> RemoteEngine::createPromptVersion(const Caller &caller, QString name,
                                                                     NewPromptVersion version)
{
    return decoded<PromptVersionInfo>(
        post(caller, "/v1/prompts/" + encoded(name) + "/versions", compact(json::toJson(version))));
}

QFuture<Result<PromptVersionInfo>> RemoteEngine::activatePrompt(const Caller &caller, QString name, int version)
{
    return decoded<PromptVersionInfo>(post(caller, versionPath(name, version, "activate"), {}, 2));
}

QFuture<Result<PromptTestResult>> RemoteEngine::testPrompt(const Caller &caller, QString name, int version,
                                                           QStringList eventIds)
{
    const QJsonObject o{{QStringLiteral("events"), QJsonArray::fromStringList(eventIds)}};
    return decoded<PromptTestResult>(
        send(caller, "POST", versionPath(name, version, "test"), compact(o), 0, kTestTimeoutMs));
}

QFuture<Result<ReplayInfo>> RemoteEngine::startReplay(const Caller &caller, ReplayRequest request)
{
    return decoded<ReplayInfo>(post(caller, "/v1/replays", compact(json::toJson(request))));
}

QFuture<Result<QList<ReplayInfo>>> RemoteEngine::replays(const Caller &caller, int limit, QString after)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    addText(q, "after", after);
    return listOf<ReplayInfo>(get(caller, "/v1/replays?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ReplayPage>> RemoteEngine::replay(const Caller &caller, QString id, ReplayItemQuery query)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    addText(q, "after", query.after);
    if (query.onlyChanged)
        q.addQueryItem(QStringLiteral("changed"), QStringLiteral("true"));
    return decoded<ReplayPage>(
        get(caller, "/v1/replays/" + encoded(id) + '?' + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ReplayInfo>> RemoteEngine::cancelReplay(const Caller &caller, QString id)
{
    return decoded<ReplayInfo>(post(caller, "/v1/replays/" + encoded(id) + "/cancel"));
}

} // namespace salesflow::remote
