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
    /// The sum of the score changes of the contact's earlier events (their latest answers), when
    /// it was asked for (loadContexts).
    std::optional<qint64> earlierScoreChange;

    /// What completeContext() still has to read (set by loadContexts).
    struct Pending
    {
        qint64 contactId = 0; ///< 0: no contact, nothing more to read
        bool earlierDeal = false; ///< the contact's earlier events named a deal
        bool earlierEvents = false; ///< the contact has earlier events
    } pending;
};

class EnrichmentRepository
{
public:
    /// The event's context with up to `recentEvents` earlier events of the same contact.
    static Result<EnrichContext> loadContext(Connection &c, const QString &eventId, int recentEvents);
    /// The contexts of several events (one statement on PostgreSQL), without the contact's open
    /// deal and history, which completeContext() adds; `withScore` adds earlierScoreChange. An id
    /// that is not normalised has a permanent error.
    static Result<QHash<QString, Result<EnrichContext>>> loadContexts(Connection &c, const QStringList &eventIds,
                                                                      bool withScore);
    /// The open deal (when the event names none) and up to `recentEvents` earlier events of the
    /// contact, read only when the context says its contact has any.
    static Status completeContext(Connection &c, EnrichContext &ctx, int recentEvents);
    /// EnrichContext::earlierScoreChange of one event.
    static Result<qint64> earlierScoreChange(Connection &c, const QString &eventId);
    /// Inside the caller's transaction.
    static Status insert(Connection &c, const QString &eventId, const EnrichmentInfo &e);
    /// insert() for several events (event id, enrichment), in one statement.
    static Status insertAll(Connection &c, const QList<std::pair<QString, EnrichmentInfo>> &rows);
    static Result<QList<EnrichmentInfo>> forEvent(Connection &c, const QString &eventId);
    /// forEvent() for several events (one statement on PostgreSQL); every id has an entry.
    static Result<QHash<QString, QList<EnrichmentInfo>>> forEvents(Connection &c, const QStringList &ids);
    /// Inside the caller's transaction: pending → approved | rejected.
    static Status setReviewState(Connection &c, qint64 enrichmentId, const QString &state);
    /// The id of the newest row of the event (inside the caller's transaction).
    static Result<qint64> newestId(Connection &c, const QString &eventId);
};

} // namespace salesflow::store
