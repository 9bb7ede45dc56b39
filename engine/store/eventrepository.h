#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// A raw event ready to be stored: the door has validated it and computed its dedup key.
struct NewRawEvent
{
    QString id;
    QString source;
    QByteArray contentType;
    QByteArray payload;
    QString dedupKey;
    QString actor; ///< token or user name, for the audit entry
};

/// raw_events, their first job and their audit entries; event queries for the API and the app.
class EventRepository
{
public:
    /// Inside the caller's write transaction: inserts every new event with its first job
    /// (`firstStage`) and a `received` audit entry; a duplicate (unique dedup key) gets the id
    /// of the stored event instead. Receipts come back in input order.
    static Result<QList<IngestReceipt>> insertBatch(Connection &c, const QList<NewRawEvent> &events,
                                                    const QString &firstStage, int maxAttempts, qint64 nowMs);
    /// insertBatch in a transaction of its own, committed when this returns receipts. On
    /// PostgreSQL that is one statement in autocommit — one round trip, no BEGIN and COMMIT.
    /// On failure `*maybeCommitted` says whether the batch may have been stored anyway (the
    /// connection broke with the statement sent: its outcome is unknown, it must not be
    /// answered as refused nor sent again blindly); when false nothing of it was stored.
    static Result<QList<IngestReceipt>> storeBatch(Connection &c, const QList<NewRawEvent> &events,
                                                   const QString &firstStage, int maxAttempts, qint64 nowMs,
                                                   bool *maybeCommitted);

    static Result<EventPage> list(Connection &c, const EventQuery &q);
    static Result<EventDetail> detail(Connection &c, const QString &id);
    static Result<Stats> stats(Connection &c, qint64 nowMs);
    /// Events per status now.
    static Result<QMap<QString, qint64>> countByStatus(Connection &c);
    /// The audit trail of one event, oldest first (at most 1000 entries).
    static Result<QList<AuditEntry>> auditOf(Connection &c, const QString &eventId);
    /// Newest first, filtered; Error 400 `query.cursor` for an `after` that is no audit id.
    static Result<AuditPage> audit(Connection &c, const AuditQuery &q);
};

} // namespace salesflow::store

namespace salesflow::store {

/// One lifecycle step of an event, written with its audit entry (before/after status).
struct Transition
{
    QString eventId;
    QString toStatus;
    QString failedStage; ///< set with toStatus == failed
    QString error; ///< set with toStatus == failed
    QString detail;
};

class TransitionWriter
{
public:
    /// Inside the caller's transaction: moves each event to its new status and writes one
    /// audit entry per event with the status it had before.
    static Status write(Connection &c, const QList<Transition> &transitions, const QString &actor, qint64 nowMs);
};

} // namespace salesflow::store
