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
    return c;
}

QString Config::defaultDbUrl()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QStringLiteral("sqlite://") + QDir(dir).absoluteFilePath(QStringLiteral("salesflow.db"));
}

} // namespace salesflow
