#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <memory>
#include <random>

namespace salesflow::test {

class EmulatorServer;

/// HubSpot's CRM API as reference/hubspot/NOTES.md and the OpenAPI files describe it: the v3
/// object routes for contacts, companies, deals, notes and tasks (single and batch create,
/// read, update, upsert, archive; search with its limits and an indexing delay; the
/// date-versioned /crm/objects/2026-03/ paths too), associations v4 (batch create and read,
/// default PUT, list), the properties API with unique-value properties and groups, bearer
/// auth, HubSpot's error bodies, the TEN_SECONDLY_ROLLING and DAILY limits with their 429
/// bodies and X-HubSpot-RateLimit-* headers, and injected faults. GET /__emulator/state is
/// the inspection route (no auth).
class HubSpotEmulator
{
public:
    struct Fault
    {
        enum Kind {
            None,
            Status500,
            Status502,
            Status503,
            TenSecondly429,
            Timeout,
            DropAfterCommit,
            TimeoutAfterCommit
        };
        Kind kind = None;
    };
    struct Exchange
    {
        QByteArray method;
        QByteArray path;
        QByteArray body;
        int status = 0;
        QByteArray response;
        qint64 atMs = 0;
    };
    struct Object
    {
        qint64 id = 0;
        QHash<QString, QString> properties;
        qint64 createdAtMs = 0;
        qint64 updatedAtMs = 0;
        bool archived = false;
    };
    struct Association
    {
        QString fromType;
        qint64 fromId;
        QString toType;
        qint64 toId;
        int typeId;
    };

    HubSpotEmulator();
    ~HubSpotEmulator();
    quint16 start(quint16 port = 0);
    QString baseUrl() const;

    QByteArray token = "pat-na1-test-token";
    int burstLimit = 100; ///< per 10 s, rolling
    qint64 windowMs = 10000;
    qint64 dailyLimit = 250000;
    int searchPerSecond = 5;
    int indexDelayMs = 0; ///< how long a write takes to reach search
    int answerDelayMs = 0; ///< every answer waits this long (a slow HubSpot)

    /// Faults: the next scripted ones first, then `faultRate` of the writes at random (seeded).
    void script(Fault::Kind kind);
    void setFaultRate(double rate, unsigned seed);

    /// Conversations API content: a thread's message (its "id" names it) and an actor.
    void addThreadMessage(const QString &thread, const QJsonObject &message);
    void addActor(const QJsonObject &actor);

    // Inspection (thread-safe).
    QList<Object> objects(const QString &type) const;
    QList<Association> associations() const;
    QList<Exchange> exchanges() const;
    int calls() const;
    int tooManyRequests() const;
    QList<qint64> tooManyRequestsAt() const; ///< when each 429 (ten-secondly) was answered
    int faultsInjected() const;
    QHash<QString, QJsonObject> propertyDefinitions(const QString &type) const;

    struct State;

private:
    std::unique_ptr<State> m_state;
    std::unique_ptr<EmulatorServer> m_http;
};

} // namespace salesflow::test
