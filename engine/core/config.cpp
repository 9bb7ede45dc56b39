#include "config.h"

#include <QDir>
#include <QStandardPaths>

namespace salesflow {

Config Config::fromEnvironment()
{
    Config c;
    c.dbUrl = qEnvironmentVariable("SALESFLOW_DB");
    if (qEnvironmentVariableIsSet("SALESFLOW_LISTEN"))
        c.listen = qEnvironmentVariable("SALESFLOW_LISTEN");
    bool ok = false;
    const qint64 maxBody = qEnvironmentVariable("SALESFLOW_MAX_BODY").toLongLong(&ok);
    if (ok && maxBody > 0)
        c.maxBodyBytes = maxBody;
    const int attempts = qEnvironmentVariable("SALESFLOW_MAX_ATTEMPTS").toInt(&ok);
    if (ok && attempts > 0)
        c.maxAttempts = attempts;
    const int lease = qEnvironmentVariable("SALESFLOW_LEASE_MS").toInt(&ok);
    if (ok && lease > 0) {
        c.leaseMs = lease;
        c.leaseSet = true;
    }
    const int httpThreads = qEnvironmentVariable("SALESFLOW_HTTP_THREADS").toInt(&ok);
    if (ok && httpThreads > 0)
        c.httpThreads = qMin(httpThreads, 64);
    const auto positive = [](const char *name, int *into) {
        bool given = false;
        const int v = qEnvironmentVariable(name).toInt(&given);
        if (given && v > 0)
            *into = v;
    };
    positive("SALESFLOW_HTTP_HEAD_TIMEOUT_MS", &c.httpHeadTimeoutMs);
    positive("SALESFLOW_HTTP_BODY_TIMEOUT_MS", &c.httpBodyTimeoutMs);
    positive("SALESFLOW_HTTP_MAX_CONNECTIONS", &c.httpMaxConnections);
    c.hubspotClientSecret = qgetenv("HUBSPOT_CLIENT_SECRET");
    if (qEnvironmentVariableIsSet("SALESFLOW_LLM"))
        c.llm = qEnvironmentVariable("SALESFLOW_LLM").trimmed().toLower();
    c.llmModel = qEnvironmentVariable("SALESFLOW_LLM_MODEL");
    c.openaiApiKey = qgetenv("OPENAI_API_KEY");
    c.openaiBaseUrl = qEnvironmentVariable("OPENAI_BASE_URL");
    c.anthropicApiKey = qgetenv("ANTHROPIC_API_KEY");
    c.anthropicBaseUrl = qEnvironmentVariable("ANTHROPIC_BASE_URL");
    const double threshold = qEnvironmentVariable("SALESFLOW_REVIEW_THRESHOLD").toDouble(&ok);
    if (ok && threshold >= 0 && threshold <= 1)
        c.reviewThreshold = threshold;
    const int concurrency = qEnvironmentVariable("SALESFLOW_LLM_CONCURRENCY").toInt(&ok);
    if (ok && concurrency > 0)
        c.llmConcurrency = qMin(concurrency, 256);
    const int timeout = qEnvironmentVariable("SALESFLOW_LLM_TIMEOUT_MS").toInt(&ok);
    if (ok && timeout > 0)
        c.llmTimeoutMs = timeout;
    const int retries = qEnvironmentVariable("SALESFLOW_LLM_MAX_RETRIES").toInt(&ok);
    if (ok && retries >= 0)
        c.llmMaxRetries = qMin(retries, 10);
    c.llmPricesFile = qEnvironmentVariable("SALESFLOW_LLM_PRICES");
    c.hubspotAccessToken = qgetenv("HUBSPOT_ACCESS_TOKEN").trimmed();
    if (qEnvironmentVariableIsSet("HUBSPOT_BASE_URL"))
        c.hubspotBaseUrl = qEnvironmentVariable("HUBSPOT_BASE_URL");
    const int burst = qEnvironmentVariable("SALESFLOW_HUBSPOT_BURST").toInt(&ok);
    if (ok && burst > 1)
        c.hubspotBurst = burst;
    const qint64 daily = qEnvironmentVariable("SALESFLOW_HUBSPOT_DAILY").toLongLong(&ok);
    if (ok && daily > 0)
        c.hubspotDaily = daily;
    const double reserve = qEnvironmentVariable("SALESFLOW_HUBSPOT_DAILY_RESERVE").toDouble(&ok);
    if (ok && reserve >= 0 && reserve < 1)
        c.hubspotDailyReserve = reserve;
    const int hsWorkers = qEnvironmentVariable("SALESFLOW_HUBSPOT_WORKERS").toInt(&ok);
    if (ok && hsWorkers > 0)
        c.hubspotWorkers = qMin(hsWorkers, 32);
    const double verify = qEnvironmentVariable("SALESFLOW_HUBSPOT_VERIFY").toDouble(&ok);
    if (ok && verify >= 0 && verify <= 1)
        c.hubspotVerify = verify;
    const int hsTimeout = qEnvironmentVariable("SALESFLOW_HUBSPOT_TIMEOUT_MS").toInt(&ok);
    if (ok && hsTimeout > 0)
        c.hubspotTimeoutMs = hsTimeout;
    return c;
}

QString Config::defaultDbUrl()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QStringLiteral("sqlite://") + QDir(dir).absoluteFilePath(QStringLiteral("salesflow.db"));
}

} // namespace salesflow
