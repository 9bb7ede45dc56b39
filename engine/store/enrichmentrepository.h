#pragma once

#include "../api/types.h"
#include "sql.h"

#include <QJsonObject>

namespace salesflow::store {

/// What the enrich stage knows about an event: its normalised form and its CRM context.
struct EnrichContext
{
    struct Entity
    {
        QString key; ///< email, domain, deal id or hubspot:ID
        QString hubspotId;
        QJsonObject properties; ///< name -> value (the latest known)
    };
    struct Earlier
    {
        QString eventId;
        QString kind;
        qint64 occurredAtMs = 0;
        QString subject;
        QString text;
        QString summary; ///< its latest enrichment's summary, if any
    };

    QString eventId;
    QString source;
    QString kind;
    qint64 occurredAtMs = 0;
    QString actor;
    QString company;
    QString subject;
    QString text;
    QJsonObject attributes;
    bool linked = false;
    std::optional<Entity> contact;
    std::optional<Entity> company_;
    std::optional<Entity> deal; ///< the event's deal, else the contact's latest open one
    QList<Earlier> recent; ///< newest first
};

class EnrichmentRepository
{
public:
    /// The event's context with up to `recentEvents` earlier events of the same contact.
    static Result<EnrichContext> loadContext(Connection &c, const QString &eventId, int recentEvents);
    /// Inside the caller's transaction.
    static Status insert(Connection &c, const QString &eventId, const EnrichmentInfo &e);
    static Result<QList<EnrichmentInfo>> forEvent(Connection &c, const QString &eventId);
    /// forEvent() for several events (one statement on PostgreSQL); every id has an entry.
    static Result<QHash<QString, QList<EnrichmentInfo>>> forEvents(Connection &c, const QStringList &ids);
    /// Inside the caller's transaction: pending → approved | rejected.
    static Status setReviewState(Connection &c, qint64 enrichmentId, const QString &state);
    /// The id of the newest row of the event (inside the caller's transaction).
    static Result<qint64> newestId(Connection &c, const QString &eventId);
};

} // namespace salesflow::store
