#pragma once

#include "../sources/normalised.h"
#include "sql.h"

namespace salesflow::store {

/// normalised_events and crm_entities.
class EntityRepository
{
public:
    /// The ids of an event's contact and company entities (null: it names none).
    struct Linked
    {
        QVariant contactId, companyId;
    };

    /// Inside the caller's transaction: links the identities (creating entities on first
    /// sight; `known` are ids precreate() gave, taken as they are, entities are never deleted)
    /// and writes the normalised row (replacing an earlier one on replay).
    static Status storeNormalised(Connection &c, const QString &eventId, const sources::Normalised &n,
                                  const Linked &known = {});
    struct ToStore
    {
        QString eventId;
        const sources::Normalised *normalised;
        Linked known;
    };
    /// storeNormalised() for several events: the rows in one statement.
    static Status storeNormalisedAll(Connection &c, const QList<ToStore> &events);
    /// The ids an event's normalised row links to.
    struct LinkedIds
    {
        QVariant contact, company, deal;
    };
    /// Links the event's identities (creating entities on first sight, `known` taken as they
    /// are) and applies its HubSpot property changes.
    static Result<LinkedIds> linkAll(Connection &c, const sources::Normalised &n, const Linked &known);

    /// Creates the event's contact and company entities ahead of the stage's transaction (in
    /// autocommit), so the batch transaction only reads them; answers their ids. One statement
    /// when both exist already, plus one insert for each that does not.
    static Result<Linked> precreate(Connection &c, const sources::Normalised &n);
    /// precreate() for a batch of events, in the same order: on PostgreSQL one read for all
    /// their contacts and companies and one insert (in key order) for those missing.
    static Result<QList<Linked>> precreateAll(Connection &c, const QList<const sources::Normalised *> &events);

    /// The id of the entity (kind, key), created when missing.
    static Result<qint64> upsert(Connection &c, const QString &kind, const QString &localKey, const QString &hubspotId);

    /// Applies HubSpot property changes to an entity's snapshot, each only if newer than the
    /// stored one for that property.
    static Status applyPropertyChanges(Connection &c, qint64 entityId, const QList<sources::PropertyChange> &changes);

private:
    /// Inserts the entity, or on a conflict answers the existing one's id (filling in its
    /// HubSpot id when it had none).
    static Result<qint64> insert(Connection &c, const QString &kind, const QString &localKey, const QString &hubspotId);
};

} // namespace salesflow::store
