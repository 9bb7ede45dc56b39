#pragma once

#include "../api/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QString>

#include <atomic>

namespace salesflow {
struct Config;
}
namespace salesflow::store {
class Connection;
}

namespace salesflow::hubspot {

struct ClientConfig
{
    QString baseUrl = QStringLiteral("https://api.hubapi.com"); ///< HUBSPOT_BASE_URL
    QByteArray token;           ///< HUBSPOT_ACCESS_TOKEN; empty: dry run, nothing is sent
    int burstLimit = 100;       ///< SALESFLOW_HUBSPOT_BURST: requests per 10 s (100 / 190 / 250 by tier)
    qint64 windowMs = 10000;
    qint64 dailyLimit = 250000; ///< SALESFLOW_HUBSPOT_DAILY
    double dailyReserve = 0.1;  ///< SALESFLOW_HUBSPOT_DAILY_RESERVE: share left for other apps
    int timeoutMs = 30000;
    int maxRetries = 4;         ///< transport / 5xx / 429 retries per call
};

/// The client settings the engine configuration names (HUBSPOT_* and SALESFLOW_HUBSPOT_*).
ClientConfig clientConfigFrom(const Config &config);

/// A HubSpot answer (any status) with what the client parsed from it.
struct Response
{
    int status = 0;
    QJsonDocument json;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;
    int retries = 0;
    QString message;       ///< the error body's message
    QString category;      ///< VALIDATION_ERROR, OBJECT_NOT_FOUND, ...
    QString correlationId;
};

/// The budget every writer process shares, kept in the database (hubspot_calls, hubspot_state):
/// at most `burstLimit − 1` calls in any rolling window (HubSpot counts TEN_SECONDLY_ROLLING),
/// the daily quota minus the reserve, and pauses the rate-limit headers or a 429 asked for.
class RateBudget
{
public:
    explicit RateBudget(const ClientConfig &config) : m_config(config) {}
    /// Waits until one more call fits, then records it. "hold.daily" when the day's share is used.
    Status acquire(store::Connection &c);
    /// Reads X-HubSpot-RateLimit-* and slows down before HubSpot would say 429.
    void observe(store::Connection &c, const Response &r);
    /// Every writer waits until `untilMs` (a 429, or Remaining at 0).
    static Status pauseUntil(store::Connection &c, qint64 untilMs);
    int effectiveLimit() const;

private:
    ClientConfig m_config;
    std::atomic<int> m_learntMax{0};
    std::atomic<int> m_calls{0};
};

/// HubSpot over HTTP for the write stage and `salesflowd hubspot setup`: bearer auth, the
/// shared budget before every call, and HubSpot's retry rules (NOTES §9): 429 by policy
/// (TEN_SECONDLY_ROLLING waits out the window; DAILY holds the writers until the next day),
/// 423 waits 2 s, 477 and Retry-After are honoured, 5xx/timeouts back off; 401/403 stop the
/// writers ("hold.auth") with HubSpot's message instead of retrying. Other 4xx are returned.
class Client
{
public:
    explicit Client(ClientConfig config);
    bool dryRun() const { return m_config.token.isEmpty(); }
    const ClientConfig &config() const { return m_config; }
    RateBudget &budget() { return m_budget; }

    Result<Response> call(store::Connection &c, const QByteArray &method, const QString &path, const QJsonDocument &body = {});

    /// "HubSpot answered 400 (VALIDATION_ERROR): ... [correlationId ...]"
    static QString describe(const Response &r);

private:
    ClientConfig m_config;
    RateBudget m_budget;
};

} // namespace salesflow::hubspot
