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

Result<ReplayPlan> Replay::replay(Connection &c, const ReplaySelection &sel, const QString &stageAsked,
                                           const QString &actor, int maxAttempts, bool dryRun, qint64 now, int promptVersion)
{
    QString stage = stageAsked;
    QString args;
    if (promptVersion > 0) {
        if (!stage.isEmpty() && stage != QLatin1String("enrich"))
            return makeError("replay.prompt", QStringLiteral("a prompt version re-runs the enrich stage: use --from enrich (or leave --from out), not --from %1").arg(stage), 400);
        stage = QStringLiteral("enrich");
        auto prompt = store::PromptRepository::get(c, QStringLiteral("enrich"), promptVersion);
        if (!prompt)
            return Error{QStringLiteral("replay.prompt"), prompt.error().message, 400};
        args = QStringLiteral("{\"prompt_version\":%1}").arg(promptVersion);
    }
    if (!stage.isEmpty() && !stages().contains(stage))
        return makeError("replay.stage", QStringLiteral("unknown stage '%1'; replay from one of: %2").arg(stage, stages().join(QStringLiteral(", "))), 400);
    if (sel.eventIds.isEmpty() && sel.sinceMs <= 0 && sel.untilMs <= 0 && sel.status.isEmpty())
        return makeError("replay.selection", QStringLiteral("say which events: --event ID..., or --since/--until/--status"), 400);
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    QStringList candidates;
    ReplayPlan plan;
    if (!sel.eventIds.isEmpty()) {
        for (const QString &id : sel.eventIds) {
            auto r = c.exec("SELECT id FROM raw_events WHERE id = $1", {id});
            if (!r)
                return r.error();
            (r->isEmpty() ? plan.missing : candidates).append(id);
        }
    } else {
        QByteArray sql = "SELECT id FROM raw_events WHERE 1=1";
        QVariantList params;
        if (sel.sinceMs > 0) {
            params << ids::lowerBound(sel.sinceMs);
            sql += " AND id >= $" + QByteArray::number(params.size());
        }
        if (sel.untilMs > 0) {
            params << ids::lowerBound(sel.untilMs);
            sql += " AND id < $" + QByteArray::number(params.size());
        }
        if (!sel.status.isEmpty()) {
            params << sel.status;
            sql += " AND status = $" + QByteArray::number(params.size());
        }
        auto r = c.exec(sql + " ORDER BY id", params);
        if (!r)
            return r.error();
        for (int i = 0; i < r->size(); ++i)
            candidates << r->text(i, 0);
    }
    QHash<QString, QStringList> byStage;
    QList<store::Transition> ts;
    for (const QString &id : std::as_const(candidates)) {
        auto row = c.exec("SELECT failed_stage FROM raw_events WHERE id = $1", {id});
        if (!row)
            return row.error();
        // Without --from, a failed event starts again at the stage that failed.
        QString from = stage;
        if (from.isEmpty())
            from = stages().contains(row->text(0, 0)) ? row->text(0, 0) : stages().first();
        // A job still waiting at this stage or before it will run anyway: leave the event alone.
        // One waiting for a later stage (e.g. plan after enrich) is replaced, unless a worker
        // holds it right now.
        auto pending = c.exec("SELECT id, stage, run_after FROM jobs WHERE event_id = $1", {id});
        if (!pending)
            return pending.error();
        bool leave = false;
        QList<qint64> superseded;
        for (int i = 0; i < pending->size(); ++i) {
            const bool later = stages().indexOf(pending->text(i, 1)) > stages().indexOf(from);
            const bool leased = pending->int64(i, 2) > now;
            if (!later || leased)
                leave = true;
            else
                superseded << pending->int64(i, 0);
        }
        if (leave) {
            plan.alreadyQueued.append(id);
            continue;
        }
        if (from == QLatin1String("write")) {
            // Failed and dry-run actions are sent again (e.g. after HUBSPOT_ACCESS_TOKEN is set).
            if (auto u = c.exec("UPDATE crm_actions SET status = 'planned', last_error = NULL WHERE event_id = $1"
                                " AND status IN ('failed', 'dry_run')", {id}); !u)
                return u.error();
        }
        for (qint64 jobId : superseded) {
            if (auto d = c.exec("DELETE FROM jobs WHERE id = $1", {jobId}); !d)
                return d.error();
        }
        plan.queued.append(id);
        byStage[from].append(id);
        ts.append(store::Transition{id, statusBefore(from), {}, {},
                             promptVersion > 0 ? QStringLiteral("replay from %1 with prompt version %2").arg(from).arg(promptVersion)
                                               : QStringLiteral("replay from %1").arg(from)});
    }
    if (dryRun || plan.queued.isEmpty())
        return plan; // the guard rolls back: a dry run writes nothing
    for (auto it = byStage.cbegin(); it != byStage.cend(); ++it) {
        if (Status s = queue::JobQueue::enqueue(c, it.value(), it.key(), maxAttempts, now, now, args); !s)
            return s.error();
    }
    if (Status s = store::TransitionWriter::write(c, ts, actor, now); !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return plan;
}

} // namespace salesflow::pipeline
