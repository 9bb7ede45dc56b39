#pragma once

#include "../sources/normalised.h"
#include "sql.h"

namespace salesflow::store {

/// normalised_events and crm_entities.
class EntityRepository
{
public:
    /// Inside the caller's transaction: links the identities (creating entities on first
    /// sight) and writes the normalised row (replacing an earlier one on replay).
    static Status storeNormalised(Connection &c, const QString &eventId, const sources::Normalised &n);

    /// Creates the event's contact and company entities ahead of the stage's transaction (in
    /// autocommit), so the batch transaction only reads them.
    static Status precreate(Connection &c, const sources::Normalised &n);

    /// The id of the entity (kind, key), created when missing.
    static Result<qint64> upsert(Connection &c, const QString &kind, const QString &localKey, const QString &hubspotId);

    /// Applies HubSpot property changes to an entity's snapshot, each only if newer than the
    /// stored one for that property.
    static Status applyPropertyChanges(Connection &c, qint64 entityId, const QList<sources::PropertyChange> &changes);
};

} // namespace salesflow::store
