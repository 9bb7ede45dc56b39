// LocalEngine: replays, started here and worked in the background by a ReplayWorker.
#include "../core/clock.h"
#include "../core/logging.h"
#include "../pipeline/replay.h"
#include "../pipeline/replayworker.h"
#include "../pipeline/runner.h"
#include "../sources/intake.h"
#include "../store/promptrepository.h"
#include "../store/replayrepository.h"
#include "localengine.h"
#include "storecall.h"

namespace salesflow {

namespace {

constexpr int kMaxReplayIds = 10000;

/// The parts of a request that need no store: a selection, and known status and source.
Status validate(ReplayRequest &r)
{
    r.eventIds.removeDuplicates();
    const bool filter = r.sinceMs > 0 || r.untilMs > 0 || !r.status.isEmpty() || !r.source.isEmpty();
    if (r.eventIds.isEmpty() == !filter) {
        return makeError("replay.selection",
                         QStringLiteral("say which events: either \"events\": [ids] or a filter of since, until, "
                                        "status and source"),
                         400);
    }
    if (r.eventIds.size() > kMaxReplayIds) {
        return makeError("replay.selection",
                         QStringLiteral("at most %1 event ids; use a filter for more").arg(kMaxReplayIds), 400);
    }
    if (!r.status.isEmpty() && !EventStatus::all().contains(r.status))
        return makeError("replay.status", QStringLiteral("unknown status '%1'").arg(r.status), 400);
    if (!r.source.isEmpty() && !sources::isKnownSource(r.source))
        return makeError("replay.source", QStringLiteral("unknown source '%1'").arg(r.source), 400);
    if (r.sinceMs < 0 || r.untilMs < 0 || (r.untilMs > 0 && r.sinceMs >= r.untilMs))
        return makeError("replay.time", QStringLiteral("since must be before until"), 400);
    if (r.promptVersion < 0)
        return makeError("replay.prompt", QStringLiteral("prompt_version is a positive version number"), 400);
    return Done{};
}

Result<qint64> replayId(const QString &id)
{
    bool ok = false;
    const qint64 n = id.toLongLong(&ok);
    if (!ok || n <= 0)
        return makeError("replay.not_found", QStringLiteral("no replay with id '%1'").arg(id.left(40)), 404);
    return n;
}

} // namespace

void LocalEngine::startReplayWorker()
{
    pipeline::ReplayWorker::Options o;
    o.owner = m_options.workerId;
    o.maxAttempts = m_options.config.maxAttempts;
    const int leaseMs = qEnvironmentVariableIntValue("SALESFLOW_REPLAY_LEASE_MS");
    if (leaseMs > 0)
        o.leaseMs = leaseMs;
    const int batch = qEnvironmentVariableIntValue("SALESFLOW_REPLAY_BATCH");
    if (batch > 0)
        o.realBatch = o.dryBatch = batch;
    pipeline::Runner *runner = m_runner.get();
    m_replayWorker = std::make_unique<pipeline::ReplayWorker>(m_db, m_preview, o, [this, runner] {
        announceChange();
        if (runner)
            runner->waker().notify();
    });
    m_replayWorker->start();
}

Result<ReplayInfo> LocalEngine::doStartReplay(store::Connection &c, const ReplayRequest &request, const QString &actor)
{
    auto stage = pipeline::Replay::checkStage(c, request.fromStage, request.promptVersion);
    if (!stage)
        return stage.error();
    ReplayRequest r = request;
    r.fromStage = stage.value();
    int pinned = r.promptVersion;
    if (r.dryRun && pinned == 0) {
        auto active = store::PromptRepository::active(c, QStringLiteral("enrich"));
        if (!active)
            return active.error();
        pinned = active->version;
    }
    auto id = store::ReplayRepository::create(c, r, actor, nowMs());
    if (!id)
        return id.error();
    if (Status s = store::ReplayRepository::pinPrompt(c, id.value(), pinned); !s)
        return s.error();
    if (auto total = store::ReplayRepository::select(c, id.value(), r, nowMs()); !total)
        return total.error();
    return store::ReplayRepository::get(c, id.value());
}

QFuture<Result<ReplayInfo>> LocalEngine::startReplay(const Caller &caller, ReplayRequest request)
{
    if (Status allowed = allow(caller, Permission::Admin); !allowed)
        return refused<ReplayInfo>(allowed.error());
    if (Status valid = validate(request); !valid)
        return refused<ReplayInfo>(valid.error());
    if (request.dryRun && !m_preview)
        return refused<ReplayInfo>(m_previewError);
    const QString actor = caller.actor();
    pipeline::ReplayWorker *worker = m_replayWorker.get();
    return onStoreOnce<ReplayInfo>([this, request, actor, worker](store::Connection &c) {
        auto info = doStartReplay(c, request, actor);
        if (info && worker)
            worker->wake();
        return info;
    });
}

QFuture<Result<QList<ReplayInfo>>> LocalEngine::replays(const Caller &caller, int limit, QString after)
{
    if (limit < 1 || limit > 1000)
        return refused<QList<ReplayInfo>>(makeError("query.limit", QStringLiteral("limit is 1 to 1000"), 400));
    bool ok = after.isEmpty();
    const qint64 before = after.isEmpty() ? 0 : after.toLongLong(&ok);
    if (!ok)
        return refused<QList<ReplayInfo>>(makeError(
            "query.cursor", QStringLiteral("'after' is the id of the last replay of the previous page"), 400));
    return onStoreAs<QList<ReplayInfo>>(caller, Permission::Read, [limit, before](store::Connection &c) {
        return store::ReplayRepository::list(c, limit, before);
    });
}

QFuture<Result<ReplayPage>> LocalEngine::replay(const Caller &caller, QString id, ReplayItemQuery query)
{
    auto n = replayId(id);
    if (!n)
        return refused<ReplayPage>(n.error());
    if (query.limit < 1 || query.limit > 1000)
        return refused<ReplayPage>(makeError("query.limit", QStringLiteral("limit is 1 to 1000"), 400));
    return onStoreAs<ReplayPage>(caller, Permission::Read, [n = n.value(), query](store::Connection &c) {
        return store::ReplayRepository::page(c, n, query);
    });
}

QFuture<Result<ReplayInfo>> LocalEngine::cancelReplay(const Caller &caller, QString id)
{
    auto n = replayId(id);
    if (!n)
        return refused<ReplayInfo>(n.error());
    const QString actor = caller.actor();
    if (Status allowed = allow(caller, Permission::Admin); !allowed)
        return refused<ReplayInfo>(allowed.error());
    return onStoreOnce<ReplayInfo>(
        [n = n.value(), actor](store::Connection &c) { return store::ReplayRepository::cancel(c, n, actor, nowMs()); });
}

} // namespace salesflow
