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
    if (ok && lease > 0)
        c.leaseMs = lease;
    const int httpThreads = qEnvironmentVariable("SALESFLOW_HTTP_THREADS").toInt(&ok);
    if (ok && httpThreads > 0)
        c.httpThreads = qMin(httpThreads, 64);
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
    return c;
}

QString Config::defaultDbUrl()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QStringLiteral("sqlite://") + QDir(dir).absoluteFilePath(QStringLiteral("salesflow.db"));
}

} // namespace salesflow
