#pragma once

#include "../api/types.h"
#include "sql.h"

#include <QJsonObject>

namespace salesflow::store {

/// A HubSpot change the plan stage wants, before it is in the ledger.
struct PlannedAction
{
    QString kind; ///< upsert_contact | upsert_company | note | task | update_contact
    QString objectType; ///< contacts | companies | notes | tasks
    QString target; ///< what it is about: contact:EMAIL, company:DOMAIN, event:ID
    QString key; ///< idempotency key: one action per key, ever
    QJsonObject payload;
};

/// A ledger row (crm_actions).
struct Action
{
    qint64 id = 0;
    QString eventId;
    QString kind;
    QString objectType;
    QString target;
    QString key;
    QJsonObject payload;
    QString payloadHash;
    QString status; ///< planned | written | done | failed | dry_run | superseded
    QString hubspotId;
    QString lastError;
    int attempts = 0;
};

namespace ActionStatus {
inline const QString Planned = QStringLiteral("planned");
inline const QString Written = QStringLiteral("written"); ///< the object exists; associations pending
inline const QString Done = QStringLiteral("done");
inline const QString Failed = QStringLiteral("failed");
inline const QString DryRun = QStringLiteral("dry_run");
inline const QString Superseded = QStringLiteral("superseded");
} // namespace ActionStatus

/// crm_actions and crm_action_results: the ledger that makes writeback exactly-once.
class ActionRepository
{
public:
    /// Inside the caller's transaction. Per key: new → planned; same payload as before → left
    /// as it is (a done action sends nothing again; a failed or dry-run one is planned again);
    /// changed payload → planned again, keeping the HubSpot id it produced.
    static Status plan(Connection &c, const QString &eventId, const QList<PlannedAction> &actions, qint64 nowMs);
    struct EventPlan
    {
        QString eventId;
        QList<PlannedAction> actions;
    };
    /// plan() for several events, as if planned one after the other in this order (a key two of
    /// them share belongs to the first). On PostgreSQL three statements for them all: the new
    /// rows, a read of the keys that had one, and the rows planned again.
    static Status planAll(Connection &c, const QList<EventPlan> &plans, qint64 nowMs);

    /// Unfinished actions of these events, plus the unfinished contact/company upserts they
    /// depend on (planned by an earlier event).
    static Result<QList<Action>> unfinished(Connection &c, const QStringList &eventIds);
    static Result<QList<Action>> forEvents(Connection &c, const QStringList &eventIds);
    /// The live (not superseded) action with this idempotency key, whichever event planned it.
    static Result<std::optional<Action>> byKey(Connection &c, const QString &key);

    /// Records one attempt and moves the action on; its own short transaction.
    struct Outcome
    {
        qint64 actionId = 0;
        QString status; ///< new status; empty keeps it
        QString hubspotId; ///< empty keeps it
        QByteArray request;
        int responseCode = 0;
        QByteArray responseBody;
        QString error;
        bool sent = false; ///< false: nothing went to HubSpot (dry run, waiting for a dependency)
    };
    static Status record(Connection &c, const QList<Outcome> &outcomes, qint64 nowMs);

    /// Sets crm_entities.hubspot_id for a contact (email) or company (domain).
    static Status linkEntity(Connection &c, const QString &kind, const QString &localKey, const QString &hubspotId);
    struct EntityLink
    {
        QString kind; ///< contact | company
        QString localKey;
        QString hubspotId;
    };
    /// linkEntity for many, one statement on PostgreSQL; all or none.
    static Status linkEntities(Connection &c, const QList<EntityLink> &links);
    /// The HubSpot id of an entity key (email, domain, deal id, or hubspot:ID); empty if unknown.
    static Result<QString> hubspotIdOf(Connection &c, const QString &kind, const QString &localKey);
    static Status setVerified(Connection &c, qint64 actionId, const QString &verdict);
};

} // namespace salesflow::store
