#include "replayrepository.h"

#include "../core/ids.h"
#include "../queue/jobqueue.h"
#include "eventrepository.h"

#include <QHash>

namespace salesflow::store {

QStringList ReplayRepository::stages()
{
    return {QStringLiteral("normalise"), QStringLiteral("enrich"), QStringLiteral("plan"), QStringLiteral("write")};
}

QString ReplayRepository::statusBefore(const QString &stage)
{
    if (stage == QLatin1String("enrich"))
        return EventStatus::Normalised;
    if (stage == QLatin1String("plan"))
        return EventStatus::Approved;
    if (stage == QLatin1String("write"))
        return EventStatus::Planned;
    return EventStatus::Received;
}

Result<ReplayPlan> ReplayRepository::replay(Connection &c, const ReplaySelection &sel, const QString &stage,
                                           const QString &actor, int maxAttempts, bool dryRun, qint64 now)
{
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
    QList<Transition> ts;
    for (const QString &id : std::as_const(candidates)) {
        auto row = c.exec("SELECT (SELECT count(*) FROM jobs WHERE event_id = $1), failed_stage FROM raw_events WHERE id = $1", {id});
        if (!row)
            return row.error();
        if (row->int64(0, 0) > 0) {
            plan.alreadyQueued.append(id);
            continue;
        }
        // Without --from, a failed event starts again at the stage that failed.
        QString from = stage;
        if (from.isEmpty())
            from = stages().contains(row->text(0, 1)) ? row->text(0, 1) : stages().first();
        plan.queued.append(id);
        byStage[from].append(id);
        ts.append(Transition{id, statusBefore(from), {}, {}, QStringLiteral("replay from %1").arg(from)});
    }
    if (dryRun || plan.queued.isEmpty())
        return plan; // the guard rolls back: a dry run writes nothing
    for (auto it = byStage.cbegin(); it != byStage.cend(); ++it) {
        if (Status s = queue::JobQueue::enqueue(c, it.value(), it.key(), maxAttempts, now, now); !s)
            return s.error();
    }
    if (Status s = TransitionWriter::write(c, ts, actor, now); !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return plan;
}

} // namespace salesflow::store
