#include "config.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <optional>

namespace salesflow {

namespace {

const char *const kSecrets[]
    = {"SALESFLOW_DB",      "HUBSPOT_ACCESS_TOKEN",   "HUBSPOT_CLIENT_SECRET", "OPENAI_API_KEY",
       "ANTHROPIC_API_KEY", "INTERCOM_CLIENT_SECRET", "FRONT_APP_SECRET",      "ZENDESK_WEBHOOK_SECRET"};

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

namespace {

std::optional<int> intVar(const char *name)
{
    bool ok = false;
    const int v = qEnvironmentVariable(name).toInt(&ok);
    return ok ? std::optional<int>(v) : std::nullopt;
}

std::optional<qint64> longVar(const char *name)
{
    bool ok = false;
    const qint64 v = qEnvironmentVariable(name).toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

std::optional<double> realVar(const char *name)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

/// SALESFLOW_MAX_BODY and the per-source SALESFLOW_MAX_BODY_<SOURCE>.
void readBodyLimits(Config &c)
{
    if (auto v = longVar("SALESFLOW_MAX_BODY"); v && *v > 0)
        c.maxBodyBytes = *v;
    for (auto it = c.maxBodyBySource.begin(); it != c.maxBodyBySource.end(); ++it)
        it.value() = qMax(it.value(), c.maxBodyBytes); // a default never undercuts SALESFLOW_MAX_BODY
    for (const char *source : {"form", "email", "transcript", "chat", "product", "hubspot"}) {
        const QByteArray var = "SALESFLOW_MAX_BODY_" + QByteArray(source).toUpper();
        if (auto v = longVar(var.constData()); v && *v > 0)
            c.maxBodyBySource.insert(QLatin1String(source), *v);
    }
}

/// The queue and the HTTP server.
void readEngine(Config &c)
{
    if (qEnvironmentVariableIsSet("SALESFLOW_LISTEN"))
        c.listen = qEnvironmentVariable("SALESFLOW_LISTEN");
    if (auto v = intVar("SALESFLOW_MAX_ATTEMPTS"); v && *v > 0)
        c.maxAttempts = *v;
    if (auto v = intVar("SALESFLOW_LEASE_MS"); v && *v > 0) {
        c.leaseMs = *v;
        c.leaseSet = true;
    }
    if (auto v = intVar("SALESFLOW_HTTP_THREADS"); v && *v > 0)
        c.httpThreads = qMin(*v, 64);
    const std::pair<const char *, int *> positive[] = {{"SALESFLOW_HTTP_HEAD_TIMEOUT_MS", &c.httpHeadTimeoutMs},
                                                       {"SALESFLOW_HTTP_BODY_TIMEOUT_MS", &c.httpBodyTimeoutMs},
                                                       {"SALESFLOW_HTTP_MAX_CONNECTIONS", &c.httpMaxConnections}};
    for (const auto &[name, into] : positive) {
        if (auto v = intVar(name); v && *v > 0)
            *into = *v;
    }
}

void readLlm(Config &c)
{
    if (qEnvironmentVariableIsSet("SALESFLOW_LLM"))
        c.llm = qEnvironmentVariable("SALESFLOW_LLM").trimmed().toLower();
    c.llmModel = qEnvironmentVariable("SALESFLOW_LLM_MODEL");
    c.openaiApiKey = secret("OPENAI_API_KEY");
    c.openaiBaseUrl = qEnvironmentVariable("OPENAI_BASE_URL");
    c.anthropicApiKey = secret("ANTHROPIC_API_KEY");
    c.anthropicBaseUrl = qEnvironmentVariable("ANTHROPIC_BASE_URL");
    if (auto v = realVar("SALESFLOW_REVIEW_THRESHOLD"); v && *v >= 0 && *v <= 1)
        c.reviewThreshold = *v;
    if (auto v = intVar("SALESFLOW_LLM_CONCURRENCY"); v && *v > 0)
        c.llmConcurrency = qMin(*v, 256);
    if (auto v = intVar("SALESFLOW_LLM_TIMEOUT_MS"); v && *v > 0)
        c.llmTimeoutMs = *v;
    if (auto v = intVar("SALESFLOW_LLM_MAX_RETRIES"); v && *v >= 0)
        c.llmMaxRetries = qMin(*v, 10);
    c.llmPricesFile = qEnvironmentVariable("SALESFLOW_LLM_PRICES");
}

void readHubspot(Config &c)
{
    c.hubspotClientSecret = secret("HUBSPOT_CLIENT_SECRET");
    c.chatSecrets = {secret("INTERCOM_CLIENT_SECRET"), secret("FRONT_APP_SECRET"), secret("ZENDESK_WEBHOOK_SECRET")};
    c.hubspotAccessToken = secret("HUBSPOT_ACCESS_TOKEN").trimmed();
    if (qEnvironmentVariableIsSet("HUBSPOT_BASE_URL"))
        c.hubspotBaseUrl = qEnvironmentVariable("HUBSPOT_BASE_URL");
    if (auto v = intVar("SALESFLOW_HUBSPOT_BURST"); v && *v > 1)
        c.hubspotBurst = *v;
    if (auto v = longVar("SALESFLOW_HUBSPOT_DAILY"); v && *v > 0)
        c.hubspotDaily = *v;
    if (auto v = realVar("SALESFLOW_HUBSPOT_DAILY_RESERVE"); v && *v >= 0 && *v < 1)
        c.hubspotDailyReserve = *v;
    if (auto v = intVar("SALESFLOW_HUBSPOT_WORKERS"); v && *v > 0)
        c.hubspotWorkers = qMin(*v, 32);
    if (auto v = realVar("SALESFLOW_HUBSPOT_VERIFY"); v && *v >= 0 && *v <= 1)
        c.hubspotVerify = *v;
    if (auto v = intVar("SALESFLOW_HUBSPOT_TIMEOUT_MS"); v && *v > 0)
        c.hubspotTimeoutMs = *v;
}

} // namespace

Config Config::fromEnvironment()
{
    Config c;
    c.dbUrl = QString::fromUtf8(secret("SALESFLOW_DB"));
    readBodyLimits(c);
    readEngine(c);
    readLlm(c);
    readHubspot(c);
    return c;
}

QString Config::defaultDbUrl()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QStringLiteral("sqlite://") + QDir(dir).absoluteFilePath(QStringLiteral("salesflow.db"));
}

} // namespace salesflow
