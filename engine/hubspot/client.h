#pragma once

#include "../api/result.h"
#include "ratebudget.h"

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QString>

#include <atomic>
#include <optional>

namespace salesflow {
struct Config;
}

namespace salesflow::hubspot {

struct ClientConfig
{
    QString baseUrl = QStringLiteral("https://api.hubapi.com"); ///< HUBSPOT_BASE_URL
    QByteArray token; ///< HUBSPOT_ACCESS_TOKEN; empty: dry run, nothing is sent
    int burstLimit = 100; ///< SALESFLOW_HUBSPOT_BURST: requests per 10 s (100 / 190 / 250 by tier)
    qint64 windowMs = 10000;
    qint64 dailyLimit = 250000; ///< SALESFLOW_HUBSPOT_DAILY
    double dailyReserve = 0.1; ///< SALESFLOW_HUBSPOT_DAILY_RESERVE: share left for other apps
    int timeoutMs = 30000;
    int maxRetries = 4; ///< transport / 5xx / 429 retries per call
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
    QString message; ///< the error body's message
    QString category; ///< VALIDATION_ERROR, OBJECT_NOT_FOUND, ...
    QString correlationId;
};

/// HubSpot over HTTP for the write stage and `salesflowd hubspot setup`: bearer auth, one call
/// taken from the budget before every call (the rate-limit headers teach it the tier's limit, and
/// Remaining at 0 pauses every writer sharing the budget), and HubSpot's retry rules (NOTES §9): 429 by policy
/// (TEN_SECONDLY_ROLLING waits out the window; DAILY holds the writers until the next day),
/// 423 waits 2 s, 477 and Retry-After are honoured, 5xx/timeouts back off; 401/403 stop the
/// writers ("hold.auth") with HubSpot's message instead of retrying. Other 4xx are returned.
class Client
{
public:
    explicit Client(ClientConfig config);
    bool dryRun() const { return m_config.token.isEmpty(); }
    const ClientConfig &config() const { return m_config; }
    /// The limits a call must fit in now: the configured tier, or less when HubSpot said so.
    BudgetLimits limits() const;

    Result<Response> call(IRateBudget &budget, const QByteArray &method, const QString &path,
                          const QJsonDocument &body = {});

    /// "HubSpot answered 400 (VALIDATION_ERROR): ... [correlationId ...]"
    static QString describe(const Response &r);

private:
    /// Reads X-HubSpot-RateLimit-* and slows every writer down before HubSpot would say 429.
    void observe(IRateBudget &budget, const Response &r);
    /// How long to wait before trying the answer `r` again; -1: do not retry, `error` says why
    /// (or nothing: hand the answer to the caller).
    qint64 retryDelay(IRateBudget &budget, const Response &r, int attempt, std::optional<Error> *error);
    Response parse(const QByteArray &body, int status, const QHash<QByteArray, QByteArray> &headers, int attempt) const;

    ClientConfig m_config;
    std::atomic<int> m_learntMax{0};
};

} // namespace salesflow::hubspot
