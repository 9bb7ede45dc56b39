#include "replay.h"

#include "../core/ids.h"
#include "../queue/jobqueue.h"
#include "../store/eventrepository.h"
#include "../store/promptrepository.h"

#include <QHash>

namespace salesflow::pipeline {

using store::Connection;
using store::Tx;

QStringList Replay::stages()
{
    return {QStringLiteral("normalise"), QStringLiteral("enrich"), QStringLiteral("plan"), QStringLiteral("write")};
}

QString Replay::statusBefore(const QString &stage)
{
    if (stage == QLatin1String("enrich"))
        return EventStatus::Normalised;
    if (stage == QLatin1String("plan"))
        return EventStatus::Approved;
    if (stage == QLatin1String("write"))
        return EventStatus::Planned;
    return EventStatus::Received;
}

namespace {

/// The ids the selection names, oldest first; ids of no event go to `missing`.
Result<QStringList> candidates(Connection &c, const ReplaySelection &sel, QStringList *missing)
{
    QStringList ids;
    if (!sel.eventIds.isEmpty()) {
        for (const QString &id : sel.eventIds) {
            auto r = c.exec("SELECT id FROM raw_events WHERE id = $1", {id});
            if (!r)
                return r.error();
            (r->isEmpty() ? *missing : ids).append(id);
        }
        return ids;
    }
    QByteArray sql = "SELECT id FROM raw_events WHERE 1=1";
    QVariantList params;
    auto where = [&](const QVariant &value, const char *condition) {
        params << value;
        sql += QByteArray(" AND ") + condition + QByteArray::number(params.size());
    };
    if (sel.sinceMs > 0)
        where(ids::lowerBound(sel.sinceMs), "id >= $");
    if (sel.untilMs > 0)
        where(ids::lowerBound(sel.untilMs), "id < $");
    if (!sel.status.isEmpty())
        where(sel.status, "status = $");
    if (!sel.source.isEmpty())
        where(sel.source, "source = $");
    auto r = c.exec(sql + " ORDER BY id", params);
    if (!r)
        return r.error();
    for (int i = 0; i < r->size(); ++i)
        ids << r->text(i, 0);
    return ids;
}

/// Readies one event to start again at `from`: empty when it must be left alone (a job still
/// waits at `from` or before, or a worker holds one), else true after removing the waiting
/// jobs of later stages and, for the write stage, putting failed and dry-run actions back.
Result<bool> prepare(Connection &c, const QString &id, const QString &from, qint64 now)
{
    auto pending = c.exec("SELECT id, stage, run_after FROM jobs WHERE event_id = $1", {id});
    if (!pending)
        return pending.error();
    QList<qint64> superseded;
    for (int i = 0; i < pending->size(); ++i) {
        const bool later = Replay::stages().indexOf(pending->text(i, 1)) > Replay::stages().indexOf(from);
        const bool leased = pending->int64(i, 2) > now;
        if (!later || leased)
            return false;
        superseded << pending->int64(i, 0);
    }
    if (from == QLatin1String("write")) {
        // Failed and dry-run actions are sent again (e.g. after HUBSPOT_ACCESS_TOKEN is set).
        if (auto u = c.exec("UPDATE crm_actions SET status = 'planned', last_error = NULL WHERE event_id = $1"
                            " AND status IN ('failed', 'dry_run')",
                            {id});
            !u)
            return u.error();
    }
    for (qint64 jobId : superseded) {
        if (auto d = c.exec("DELETE FROM jobs WHERE id = $1", {jobId}); !d)
            return d.error();
    }
    return true;
}

} // namespace

Result<QString> Replay::startingStage(Connection &c, const QString &id, const QString &asked)
{
    if (!asked.isEmpty())
        return asked;
    auto row = c.exec("SELECT failed_stage FROM raw_events WHERE id = $1", {id});
    if (!row)
        return row.error();
    return Replay::stages().contains(row->text(0, 0)) ? row->text(0, 0) : Replay::stages().first();
}

Result<QString> Replay::checkStage(Connection &c, const QString &stageAsked, int promptVersion)
{
    QString stage = stageAsked;
    if (promptVersion > 0) {
        if (!stage.isEmpty() && stage != QLatin1String("enrich")) {
            return makeError("replay.prompt",
                             QStringLiteral("a prompt version re-runs the enrich stage: replay from enrich (or leave "
                                            "the stage out), not from %1")
                                 .arg(stage),
                             400);
        }
        stage = QStringLiteral("enrich");
        auto prompt = store::PromptRepository::get(c, QStringLiteral("enrich"), promptVersion);
        if (!prompt)
            return Error{QStringLiteral("replay.prompt"), prompt.error().message, 400};
    }
    if (!stage.isEmpty() && !Replay::stages().contains(stage)) {
        return makeError("replay.stage",
                         QStringLiteral("unknown stage '%1'; replay from one of: %2")
                             .arg(stage, Replay::stages().join(QStringLiteral(", "))),
                         400);
    }
    return stage;
}

Result<ReplayPlan> Replay::requeueIn(Connection &c, const QStringList &eventIds, const QString &stageAsked,
                                     const QString &actor, int maxAttempts, qint64 now, int promptVersion,
                                     const QString &detail)
{
    const QString args = promptVersion > 0 ? QStringLiteral("{\"prompt_version\":%1}").arg(promptVersion) : QString();
    ReplayPlan plan;
    QHash<QString, QStringList> byStage;
    QList<store::Transition> ts;
    for (const QString &id : eventIds) {
        auto from = startingStage(c, id, stageAsked);
        auto ready = from ? prepare(c, id, from.value(), now) : Result<bool>(from.error());
        if (!ready)
            return ready.error();
        if (!ready.value()) {
            plan.alreadyQueued.append(id);
            continue;
        }
        plan.queued.append(id);
        byStage[from.value()].append(id);
        QString what = promptVersion > 0
            ? QStringLiteral("replay from %1 with prompt version %2").arg(from.value()).arg(promptVersion)
            : QStringLiteral("replay from %1").arg(from.value());
        if (!detail.isEmpty())
            what += QStringLiteral(" (%1)").arg(detail);
        ts.append(store::Transition{id, statusBefore(from.value()), {}, {}, what});
    }
    for (auto it = byStage.cbegin(); it != byStage.cend(); ++it) {
        if (Status s = queue::JobQueue::enqueue(c, it.value(), it.key(), maxAttempts, now, now, args); !s)
            return s.error();
    }
    if (Status s = store::TransitionWriter::write(c, ts, actor, now); !s)
        return s.error();
    return plan;
}

Result<ReplayPlan> Replay::replay(Connection &c, const ReplaySelection &sel, const QString &stageAsked,
                                  const QString &actor, int maxAttempts, bool dryRun, qint64 now, int promptVersion)
{
    auto stage = checkStage(c, stageAsked, promptVersion);
    if (!stage)
        return stage.error();
    if (sel.eventIds.isEmpty() && sel.sinceMs <= 0 && sel.untilMs <= 0 && sel.status.isEmpty()
        && sel.source.isEmpty()) {
        return makeError("replay.selection",
                         QStringLiteral("say which events: --event ID..., or --since/--until/--status"), 400);
    }
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    ReplayPlan missing;
    auto ids = candidates(c, sel, &missing.missing);
    if (!ids)
        return ids.error();
    auto plan = requeueIn(c, ids.value(), stage.value(), actor, maxAttempts, now, promptVersion);
    if (!plan)
        return plan.error();
    plan->missing = missing.missing;
    if (dryRun || plan->queued.isEmpty())
        return plan; // the guard rolls back: a dry run writes nothing
    if (Status s = tx.commit(); !s)
        return s.error();
    return plan;
}

} // namespace salesflow::pipeline
