#pragma once

#include "../api/types.h"
#include "../store/changerepository.h"

namespace salesflow::store {
class Database;
}

namespace salesflow::local {

/// The change feed over the store, shared by every process on it (LocalEngine::changes).
///
/// A cursor is "AUDIT.EVENT": the last audit id and the last event id passed on. Audit ids are
/// handed out before commit, so on PostgreSQL a later id can become visible before an earlier
/// one: the audit part moves only over ids without a gap, or past a gap older than two seconds
/// (a rolled-back transaction, not a slow one). Arrivals are read by time-ordered event id; an
/// arrival committed after a newer one is passed over by the feed, and shows up with the
/// event's next transition (normalise, milliseconds later when workers run).
class ChangeFeed
{
public:
    /// Error 400 `changes.cursor` for text that is no cursor.
    static Result<store::FeedPosition> parseCursor(const QString &cursor);
    static QString cursorOf(const store::FeedPosition &p);

    /// The counts now and the cursor of "now" (nothing before it will be announced).
    static Result<ChangeSet> now(store::Database &db);
    /// What changed after `from` (each event once, with its status now), and the cursor after
    /// it (no counts: LocalEngine adds them, one count shared by the waiters, local/FeedHead). Error 400
    /// `changes.cursor` for a position past the store's newest (a cursor this store never gave out).
    static Result<ChangeSet> after(store::Database &db, const store::FeedPosition &from);
};

} // namespace salesflow::local
