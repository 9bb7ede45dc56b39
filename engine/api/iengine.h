#pragma once

#include "result.h"
#include "types.h"

#include <QFuture>
#include <QList>

namespace salesflow {

/// The one interface the UI and the HTTP controllers see (STYLE, dependency rules 2 and 4).
/// Implemented in-process by LocalEngine and over HTTP by RemoteEngine (a later issue).
///
/// Every call returns at once with a future; nothing blocks the caller's thread. Failures come
/// back as an Error inside the Result (store unavailable, not found, forbidden, ...), never as
/// an exception.
class IEngine
{
public:
    virtual ~IEngine() = default;

    /// Stores the items raw, each with its first job, in one durable transaction, and only then
    /// resolves. Items are answered in order: a new id, the first id of a duplicate, or the
    /// item's own error (bad content type, malformed payload). A failed commit fails the whole
    /// call (the outer Result); nothing is half-written. A HubSpot delivery answers one receipt
    /// per subscription event.
    virtual QFuture<Result<QList<Result<IngestReceipt>>>> ingest(QList<IngestItem> items) = 0;

    /// Resolves an API token to its principal; Error 401 when unknown.
    virtual QFuture<Result<Principal>> authenticate(QByteArray token) = 0;

    virtual QFuture<Result<EventPage>> listEvents(EventQuery query) = 0;
    virtual QFuture<Result<EventDetail>> event(QString id) = 0;
    virtual QFuture<Result<Stats>> stats() = 0;
    virtual QFuture<Result<QList<AuditEntry>>> audit(int limit, qint64 afterId) = 0;

    /// True when the store is reachable and its schema is the one this binary expects.
    virtual QFuture<Status> ready() = 0;
};

} // namespace salesflow
