#pragma once

#include "../api/replaytypes.h"
#include "sql.h"

#include <optional>

namespace salesflow::store {

/// A replay a worker holds the lease of.
struct ReplayLease
{
    qint64 id = 0;
    ReplayRequest request;
    QString requestedBy;
    QString owner;
    int promptVersion = 0; ///< the enrich prompt version fixed at the start (a dry run uses it)
};

/// The result of one item, written with the batch it was in.
struct ReplayOutcome
{
    int seq = 0;
    QString state; ///< done | failed | skipped
    bool changed = false;
    QString diffJson; ///< the ReplayItem's fields/actions/note (JSON), may be empty
    QString error;
};

/// replays and replay_items: what was asked, the events it takes (fixed at the start), and how
/// far it is. Every write is one short transaction, or inside the caller's where said; none is
/// proportional to the number of events.
class ReplayRepository
{
public:
    /// Records the request (status `selecting`) with its `replay.start` audit entry; answers its id.
    static Result<qint64> create(Connection &c, const ReplayRequest &request, const QString &actor, qint64 nowMs);
    /// Fixes the selection in batches of 1,000 (each its own transaction), then marks it
    /// `running` with its total. Ids that name no event become `skipped` items.
    static Result<qint64> select(Connection &c, qint64 id, const ReplayRequest &request, qint64 nowMs);
    /// Fixes the prompt version a dry run uses (the active one when it starts).
    static Status pinPrompt(Connection &c, qint64 id, int version);

    /// Takes the lease of the oldest running replay that nobody holds (or whose holder stopped
    /// renewing); `resumed` counts take-overs. Empty when there is none.
    /// `dryRuns` false: only real replays (a process with no LLM to compute a dry run).
    static Result<std::optional<ReplayLease>> claim(Connection &c, const QString &owner, qint64 nowMs, qint64 leaseMs,
                                                    bool dryRuns);
    /// Replays whose selection has not moved for a minute (the starter died): `interrupted`.
    static Status interruptStale(Connection &c, qint64 nowMs);
    /// The next pending items, in order.
    static Result<QList<QPair<int, QString>>> pending(Connection &c, qint64 id, int limit);
    /// Inside the caller's transaction: renews the lease and fails with 409 `replay.lease` when
    /// it is no longer ours or the replay is no longer running (cancelled, taken over).
    static Status renew(Connection &c, const ReplayLease &lease, qint64 leaseUntilMs);
    /// Inside the caller's transaction: the batch's outcomes and the replay's counters.
    static Status record(Connection &c, qint64 id, const QList<ReplayOutcome> &outcomes, qint64 inputTokens,
                         qint64 outputTokens, double costUsd);
    /// Marks it done (or failed with `error`), releases the lease, audits `replay.finish`.
    static Status finish(Connection &c, const ReplayLease &lease, const QString &error, qint64 nowMs);

    static Result<ReplayInfo> get(Connection &c, qint64 id);
    static Result<ReplayPage> page(Connection &c, qint64 id, const ReplayItemQuery &query);
    static Result<QList<ReplayInfo>> list(Connection &c, int limit, qint64 beforeId);
    /// Stops a selecting or running replay (409 `replay.finished` otherwise); audited.
    static Result<ReplayInfo> cancel(Connection &c, qint64 id, const QString &actor, qint64 nowMs);
    /// How many replays are running (for /metrics).
    static Result<qint64> running(Connection &c);
};

} // namespace salesflow::store
