#pragma once

// The HubSpot emulator's state, private to its files: objects, properties and associations
// (hubspotemulatorobjects.cpp), search, properties and Conversations (hubspotemulatorsearch.cpp),
// routing, limits and faults (hubspotemulator.cpp). Every member runs under `mutex`.

#include "emulatorserver.h"
#include "hubspotemulator.h"
#include "hubspotwire.h"

#include <QJsonArray>
#include <QMap>
#include <QMutex>
#include <QSet>

#include <deque>
#include <optional>
#include <random>

namespace salesflow::test {

struct HubSpotEmulator::State
{
    HubSpotEmulator *owner;
    mutable QMutex mutex;
    QHash<QString, QMap<qint64, Object>> objects;
    qint64 nextId = 1001;
    QHash<QString, QHash<QString, QJsonObject>> props;
    QHash<QString, QSet<QString>> groups;
    QList<Association> assocs;
    QSet<QString> assocKeys;
    std::deque<qint64> window;
    std::deque<qint64> searchWindow;
    QString day;
    qint64 dayCount = 0;
    QList<Fault::Kind> scripted;
    double faultRate = 0;
    std::mt19937 rng{1};
    QList<Exchange> log;
    int calls = 0;
    int tooMany = 0;
    QList<qint64> tooManyAt;
    int faults = 0;
    QHash<QString, QJsonObject> threadMessages; ///< "thread/message" -> the Conversations message
    QHash<QString, QJsonObject> actors; ///< "V-123" -> the Conversations actor

    explicit State(HubSpotEmulator *o);

    bool isUnique(const QString &type, const QString &prop) const;

    QJsonObject objectJson(const QString &type, const Object &o, const QStringList &only = {}) const;

    /// Property names and values a write may set; errors say which are wrong, as HubSpot does.
    QString checkProperties(const QString &type, const QJsonObject &properties) const;

    qint64 findByUnique(const QString &type, const QString &prop, const QString &value) const;

    /// A unique value taken by another object, or empty.
    QString uniqueClash(const QString &type, const QJsonObject &properties, qint64 self) const;

    Object &create(const QString &type, const QJsonObject &properties, qint64 now);

    void update(Object &o, const QJsonObject &properties, qint64 now);

    hubspotwire::Answer batchResponse(int okStatus, const QJsonArray &results, const QJsonArray &errors,
                                      qint64 started);

    hubspotwire::Answer batch(const QString &type, const QString &op, const QJsonObject &body, qint64 now);
    struct BatchOut
    {
        QJsonArray results, errors;
    };
    std::optional<hubspotwire::Answer> refuseBatch(const QString &type, const QString &op,
                                                   const QJsonArray &inputs) const;
    void batchUpsert(const QString &type, const QJsonObject &in, qint64 now, BatchOut &out);
    void batchCreate(const QString &type, const QJsonObject &in, qint64 now, BatchOut &out);
    void batchById(const QString &type, const QString &op, const QJsonObject &in, const QJsonObject &body, qint64 now,
                   BatchOut &out);

    hubspotwire::Answer search(const QString &type, const QJsonObject &body, const QByteArray &raw, qint64 now);

    hubspotwire::Answer associationsBatch(const QString &from, const QString &to, const QString &op,
                                          const QJsonObject &body, qint64 now);

    hubspotwire::Answer properties(const QByteArray &method, const QString &type, const QStringList &rest,
                                   const QJsonObject &body);

    /// GET /conversations/v3/conversations/threads/{thread}/messages/{message} and
    /// /conversations/v3/conversations/actors/{actor}; 404 as HubSpot words it.
    hubspotwire::Answer conversations(const QStringList &p);

    hubspotwire::Answer route(const EmulatorServer::Request &r, const QJsonObject &body, qint64 now);

    QList<QPair<QByteArray, QByteArray>> rateHeaders(qint64 now);

    /// What GET /__emulator/state answers: every object, association and call count.
    QJsonObject stateJson() const;
    /// The 429 a request over its limit gets (search: per second; else the rolling window and the
    /// day), or nothing, counting the request against its limit.
    std::optional<hubspotwire::Answer> rateLimit(bool isSearch, qint64 now);
    /// The fault this request meets: the next scripted one, else one of the writes at random.
    Fault::Kind nextFault(bool write);

    void handle(const EmulatorServer::Request &r, const EmulatorServer::Reply &reply);
};

} // namespace salesflow::test
