#pragma once

#include "caller.h"
#include "dashboardtypes.h"
#include "replaytypes.h"
#include "result.h"
#include "types.h"

#include <QFuture>
#include <QList>

namespace salesflow {

/// The one interface the UI and the HTTP controllers see (STYLE, dependency rules 2 and 4).
/// Implemented in-process by LocalEngine and over HTTP by RemoteEngine (a later issue).
///
/// Every operation is performed for a Caller and checks the caller's role itself: a caller who
/// may not do it gets Error 403 `auth.forbidden`, whoever asked (desktop, HTTP, command line).
/// Every call returns at once with a future; nothing blocks the caller's thread. Failures come
/// back as an Error inside the Result (store unavailable 503, not found 404, bad argument 400,
/// forbidden 403, ...), never as an exception.
class IEngine
{
public:
    virtual ~IEngine() = default;

    /// Stores the items raw, each with its first job, in one durable transaction, and only then
    /// resolves. Items are answered in order: a new id, the first id of a duplicate, or the
    /// item's own error (bad content type, malformed payload). A failed commit fails the whole
    /// call (the outer Result); nothing is half-written. A HubSpot delivery answers one receipt
    /// per subscription event. The caller is recorded as the events' `received_by`.
    virtual QFuture<Result<QList<Result<IngestReceipt>>>> ingest(const Caller &caller, QList<IngestItem> items) = 0;

    virtual QFuture<Result<EventPage>> listEvents(const Caller &caller, EventQuery query) = 0;
    /// Error 404 `event.not_found` when no event has that id.
    virtual QFuture<Result<EventDetail>> event(const Caller &caller, QString id) = 0;
    virtual QFuture<Result<Stats>> stats(const Caller &caller) = 0;
    /// Viewer: the dashboard's figures since `sinceMs` (at most 31 days back; 0: the last 7 days).
    /// Error 400 `query.time` for a time in the future.
    virtual QFuture<Result<Dashboard>> dashboard(const Caller &caller, qint64 sinceMs) = 0;
    /// Error 400 `query.cursor` for a cursor this engine never issued.
    virtual QFuture<Result<AuditPage>> audit(const Caller &caller, AuditQuery query) = 0;

    /// The change feed. An empty `cursor` answers at once with the counts and the cursor of
    /// "now"; otherwise answers as soon as something changed after `cursor`, or after `waitMs`
    /// (at most 30 s) with no items. Changes made by any process on the same store appear
    /// within about a second. Error 400 `changes.cursor` for a cursor never issued.
    virtual QFuture<Result<ChangeSet>> changes(const Caller &caller, QString cursor, int waitMs) = 0;

    /// Admin: creates an API token and answers it in clear, the only time it is ever shown (the
    /// store keeps a hash). Error 400 `token.name` for an empty name.
    virtual QFuture<Result<QByteArray>> createToken(const Caller &caller, QString name, Role role) = 0;

    /// Admin: revokes every active token with that name; answers how many. It stops working at
    /// once in this process and within a quarter second in every other process on the store.
    /// Error 404 `token.not_found` when there is none.
    virtual QFuture<Result<int>> revokeToken(const Caller &caller, QString name) = 0;

    // The people side. Every one audited with the caller as actor.

    /// Viewer: the events in review, oldest first, with reasons and who holds each.
    virtual QFuture<Result<ReviewPage>> reviewQueue(const Caller &caller, int limit, QString after) = 0;
    /// Reviewer: holds the item for a few minutes (again by the holder: renews). 409 `review.held`
    /// names the holder and until when; 409 `review.not_in_review` when it is no longer waiting.
    virtual QFuture<Result<ReviewClaim>> claimReview(const Caller &caller, QString eventId) = 0;
    /// Reviewer: approve (with edits, validated like the model's answer: 400 `review.invalid_edit`
    /// says what) or reject (a comment is required). One transaction with its audit entry; the
    /// same decision repeated by the same reviewer answers the first result (`repeated`), any
    /// other on a decided event, or on an item someone else holds, is 409.
    virtual QFuture<Result<DecisionResult>> decideReview(const Caller &caller, QString eventId, ReviewDecision decision)
        = 0;

    /// Reviewer: the HubSpot actions approving with these edits would plan (status "preview"),
    /// writing nothing: what each edit changes. Invalid edits are decideReview's 400.
    virtual QFuture<Result<QList<ActionInfo>>> previewReview(const Caller &caller, QString eventId, QJsonObject edits)
        = 0;

    /// Admin: users, and their changes. A password is hashed (argon2id) off the caller's thread
    /// and never stored, logged or audited in clear; changing it ends the user's sessions.
    virtual QFuture<Result<QList<UserInfo>>> users(const Caller &caller) = 0;
    virtual QFuture<Status> addUser(const Caller &caller, QString name, Role role, QByteArray password) = 0;
    virtual QFuture<Status> disableUser(const Caller &caller, QString name) = 0;
    /// Admin, or the user themselves.
    virtual QFuture<Status> setPassword(const Caller &caller, QString name, QByteArray password) = 0;
    /// Admin: API tokens by name and role (never the tokens).
    virtual QFuture<Result<QList<TokenInfo>>> tokens(const Caller &caller) = 0;

    // Prompts and replays (admins change; viewers read).

    /// The prompts the engine uses, with their active version.
    virtual QFuture<Result<QList<PromptSummary>>> prompts(const Caller &caller) = 0;
    /// Every version, newest first. Error 404 `prompt.not_found`.
    virtual QFuture<Result<PromptInfo>> prompt(const Caller &caller, QString name) = 0;
    /// The engine's own check of a template and its settings, for an editor: every problem with
    /// where it is; an empty list when the version could be saved.
    virtual QFuture<Result<QList<PromptProblem>>> checkPrompt(const Caller &caller, QString name,
                                                              NewPromptVersion version)
        = 0;
    /// Admin: stores the next version (not active). Error 400 `prompt.invalid` says what is wrong
    /// and where (line and column, or the setting). Audited.
    virtual QFuture<Result<PromptVersionInfo>> createPromptVersion(const Caller &caller, QString name,
                                                                   NewPromptVersion version)
        = 0;
    /// Admin: makes that version the one the pipeline uses; audited with before/after.
    virtual QFuture<Result<PromptVersionInfo>> activatePrompt(const Caller &caller, QString name, int version) = 0;
    /// Admin: runs that version and the active one on the events (at most 20) with no side effect
    /// in the pipeline, the ledger or HubSpot; answers per event both outputs, their review
    /// reasons and the actions each would plan. The calls' tokens and cost are audited.
    virtual QFuture<Result<PromptTestResult>> testPrompt(const Caller &caller, QString name, int version,
                                                         QStringList eventIds)
        = 0;

    /// Admin: fixes the selection and starts the replay in the background (see ReplayRequest);
    /// answers at once with its id and total. A dry run changes nothing but its own record.
    /// Error 400 `replay.*` for a bad request (says which part). Audited.
    virtual QFuture<Result<ReplayInfo>> startReplay(const Caller &caller, ReplayRequest request) = 0;
    /// Viewer: past and running replays, newest first (keyset pages by id).
    virtual QFuture<Result<QList<ReplayInfo>>> replays(const Caller &caller, int limit, QString after) = 0;
    /// Viewer: a replay's progress and a page of its items. Error 404 `replay.not_found`.
    virtual QFuture<Result<ReplayPage>> replay(const Caller &caller, QString id, ReplayItemQuery query) = 0;
    /// Admin: stops it after the batch in hand; what is done stays done. Audited. 409 when it is
    /// already finished.
    virtual QFuture<Result<ReplayInfo>> cancelReplay(const Caller &caller, QString id) = 0;

    /// True when the store is reachable and its schema is the one this binary expects. Needs no
    /// caller: health checks are anonymous.
    virtual QFuture<Status> ready() = 0;
};

} // namespace salesflow
