#include "config.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace salesflow {

namespace {

const char *const kSecrets[]
    = {"SALESFLOW_DB", "HUBSPOT_ACCESS_TOKEN", "HUBSPOT_CLIENT_SECRET", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"};

/// The secret `name` from NAME_FILE when that is set, else from NAME.
QByteArray secret(const char *name)
{
    const QByteArray fileVar = QByteArray(name) + "_FILE";
    if (!qEnvironmentVariableIsSet(fileVar.constData()))
        return qgetenv(name);
    QFile f(qEnvironmentVariable(fileVar.constData()));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QByteArray value = f.read(64 * 1024);
    while (value.endsWith('\n') || value.endsWith('\r'))
        value.chop(1);
    return value;
}

} // namespace

QString Config::environmentProblem()
{
    for (const char *name : kSecrets) {
        const QByteArray fileVar = QByteArray(name) + "_FILE";
        if (!qEnvironmentVariableIsSet(fileVar.constData()))
            continue;
        if (qEnvironmentVariableIsSet(name))
            return QStringLiteral("%1 and %2 are both set; keep one").arg(QLatin1String(name), QLatin1String(fileVar));
        QFile f(qEnvironmentVariable(fileVar.constData()));
        if (!f.open(QIODevice::ReadOnly))
            return QStringLiteral("%1: cannot read %2 (%3)").arg(QLatin1String(fileVar), f.fileName(), f.errorString());
        if (f.read(64 * 1024).trimmed().isEmpty()) // a half-written secret must not mean "unset"
            return QStringLiteral("%1: %2 is empty").arg(QLatin1String(fileVar), f.fileName());
    }
    return QString();
}

Config Config::fromEnvironment()
{
    Config c;
    c.dbUrl = QString::fromUtf8(secret("SALESFLOW_DB"));
    if (qEnvironmentVariableIsSet("SALESFLOW_LISTEN"))
        c.listen = qEnvironmentVariable("SALESFLOW_LISTEN");
    bool ok = false;
    const qint64 maxBody = qEnvironmentVariable("SALESFLOW_MAX_BODY").toLongLong(&ok);
    if (ok && maxBody > 0)
        c.maxBodyBytes = maxBody;
    for (auto it = c.maxBodyBySource.begin(); it != c.maxBodyBySource.end(); ++it)
        it.value() = qMax(it.value(), c.maxBodyBytes); // a default never undercuts SALESFLOW_MAX_BODY
    for (const char *source : {"form", "email", "transcript", "chat", "product", "hubspot"}) {
        const QByteArray var = "SALESFLOW_MAX_BODY_" + QByteArray(source).toUpper();
        const qint64 limit = qEnvironmentVariable(var.constData()).toLongLong(&ok);
        if (ok && limit > 0)
            c.maxBodyBySource.insert(QLatin1String(source), limit);
    }
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
    c.hubspotClientSecret = secret("HUBSPOT_CLIENT_SECRET");
    if (qEnvironmentVariableIsSet("SALESFLOW_LLM"))
        c.llm = qEnvironmentVariable("SALESFLOW_LLM").trimmed().toLower();
    c.llmModel = qEnvironmentVariable("SALESFLOW_LLM_MODEL");
    c.openaiApiKey = secret("OPENAI_API_KEY");
    c.openaiBaseUrl = qEnvironmentVariable("OPENAI_BASE_URL");
    c.anthropicApiKey = secret("ANTHROPIC_API_KEY");
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
    c.hubspotAccessToken = secret("HUBSPOT_ACCESS_TOKEN").trimmed();
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
