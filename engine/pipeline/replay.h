#pragma once

#include "../api/types.h"
#include "../store/sql.h"

namespace salesflow::pipeline {

using store::Connection;

/// What a replay should take: events by id, or by time range and status.
struct ReplaySelection
{
    QStringList eventIds;
    qint64 sinceMs = 0;
    qint64 untilMs = 0;
    QString status;
    QString source;
};

struct ReplayPlan
{
    QStringList queued; ///< events given a new job at the stage
    QStringList alreadyQueued; ///< events that still have a job waiting: left alone
    QStringList missing; ///< ids that name no event
};

/// Puts events back into the pipeline at a stage: one new job each, the event moved to the
/// status that stage starts from, and a `replay` audit entry — all in one transaction. An event
/// that still has a job waiting at that stage or an earlier one (or one a worker holds) is left
/// alone, so replaying twice never runs a stage twice; a waiting job of a later stage is replaced.
class Replay
{
public:
    /// The stages a replay may start from, in pipeline order.
    static QStringList stages();
    /// The status an event has when `stage` is about to run.
    static QString statusBefore(const QString &stage);

    /// `stage` empty: each event starts again at the stage it failed in, else at normalise.
    /// `promptVersion` > 0 re-enriches with that version of the enrich prompt (the stage must be
    /// enrich or empty; the active version stays as it is).
    static Result<ReplayPlan> replay(Connection &c, const ReplaySelection &selection, const QString &stage,
                                     const QString &actor, int maxAttempts, bool dryRun, qint64 nowMs,
                                     int promptVersion = 0);

    /// The stage an event starts again at: `asked`, else the stage it failed in, else normalise.
    static Result<QString> startingStage(Connection &c, const QString &eventId, const QString &asked);
    /// Checks a stage and prompt version; answers the stage to use (`enrich` for a version) or
    /// Error 400 `replay.stage` / `replay.prompt` that says what to change.
    static Result<QString> checkStage(Connection &c, const QString &stage, int promptVersion);
    /// Inside the caller's transaction: requeues these events (see replay()). `detail` is added
    /// to each event's `replay` audit entry (e.g. which replay did it).
    static Result<ReplayPlan> requeueIn(Connection &c, const QStringList &eventIds, const QString &stage,
                                        const QString &actor, int maxAttempts, qint64 nowMs, int promptVersion,
                                        const QString &detail = {});
};

} // namespace salesflow::pipeline
