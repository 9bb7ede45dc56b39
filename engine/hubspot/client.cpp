#include "client.h"

#include "../core/metrics.h"

#include "../core/blockinghttp.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/logging.h"

#include <QJsonObject>
#include <QRandomGenerator>

namespace salesflow::hubspot {

namespace {

bool transient(int status)
{
    return status == 0 || status == 500 || status == 502 || status == 503 || status == 504 || status == 521
        || status == 523 || status == 524;
}

qint64 backoffMs(int attempt)
{
    return qint64(200 * (1 << qMin(attempt, 6)) * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
}

} // namespace

ClientConfig clientConfigFrom(const Config &config)
{
    ClientConfig hc;
    hc.baseUrl = config.hubspotBaseUrl;
    hc.token = config.hubspotAccessToken;
    hc.burstLimit = config.hubspotBurst;
    hc.dailyLimit = config.hubspotDaily;
    hc.dailyReserve = config.hubspotDailyReserve;
    hc.timeoutMs = config.hubspotTimeoutMs;
    return hc;
}

Client::Client(ClientConfig config) : m_config(std::move(config))
{
    while (m_config.baseUrl.endsWith(QLatin1Char('/')))
        m_config.baseUrl.chop(1);
}

BudgetLimits Client::limits() const
{
    const int learnt = m_learntMax.load();
    const int limit = learnt > 0 ? qMin(learnt, m_config.burstLimit) : m_config.burstLimit;
    // One call of headroom for clock skew between us and HubSpot.
    return BudgetLimits{qMax(1, limit - 1), m_config.windowMs, m_config.dailyLimit, m_config.dailyReserve};
}

QString Client::describe(const Response &r)
{
    QString s = QStringLiteral("HubSpot answered %1").arg(r.status);
    if (!r.category.isEmpty())
        s += QStringLiteral(" (%1)").arg(r.category);
    if (!r.message.isEmpty())
        s += QStringLiteral(": ") + r.message.left(500);
    if (!r.correlationId.isEmpty())
        s += QStringLiteral(" [correlationId %1]").arg(r.correlationId);
    return s;
}

void Client::observe(IRateBudget &budget, const Response &r)
{
    bool ok = false;
    const int max = r.headers.value("x-hubspot-ratelimit-max").toInt(&ok);
    if (ok && max > 0)
        m_learntMax = max;
    const int remaining = r.headers.value("x-hubspot-ratelimit-remaining").toInt(&ok);
    if (ok && remaining <= 0) {
        // HubSpot counts this window as full (other traffic of this app?): wait before it says 429.
        const qint64 interval
            = qMax<qint64>(1000, r.headers.value("x-hubspot-ratelimit-interval-milliseconds").toLongLong());
        if (Status s = budget.pauseUntil(nowMs() + qMin<qint64>(interval, 1000)); !s)
            qCWarning(lcHubspot) << "could not share a HubSpot pause with the other writers:" << s.error().message;
    }
}

Response Client::parse(const QByteArray &body, int status, const QHash<QByteArray, QByteArray> &headers,
                       int attempt) const
{
    Response r;
    r.status = status;
    r.body = body;
    r.headers = headers;
    r.retries = attempt;
    r.json = QJsonDocument::fromJson(body);
    const QJsonObject o = r.json.object();
    r.message = o.value(QLatin1String("message")).toString();
    r.category = o.value(QLatin1String("category")).toString();
    r.correlationId = o.value(QLatin1String("correlationId")).toString();
    return r;
}

qint64 Client::retryDelay(IRateBudget &budget, const Response &r, int attempt, std::optional<Error> *error)
{
    const qint64 retryAfter = qint64(r.headers.value("retry-after").toDouble() * 1000);
    // A timeout may hide a write HubSpot made: every write we send is an upsert or an absolute
    // update by key, so sending it again cannot make a second object.
    if (transient(r.status))
        return backoffMs(attempt);
    if (r.status == 423)
        return 2000;
    if (r.status == 477)
        return qMax<qint64>(retryAfter, 1000);
    if (r.status == 401 || r.status == 403) {
        *error = holdError("hold.auth",
                           describe(r)
                               + QStringLiteral(" - the writer is stopped until HUBSPOT_ACCESS_TOKEN is fixed "
                                                "(it tries again once a minute)"),
                           60000);
        return -1;
    }
    if (r.status != 429)
        return -1; // 2xx, 207 and the 4xx the caller decides about
    const QString policy = r.json.object().value(QLatin1String("policyName")).toString();
    if (policy == QLatin1String("DAILY")) {
        *error = holdError("hold.daily", describe(r) + QStringLiteral("; writing resumes after midnight UTC"),
                           nextUtcMidnight(nowMs()) - nowMs());
        return -1;
    }
    const qint64 waitMs = retryAfter > 0 ? retryAfter
        : r.message.contains(QLatin1String("secondly limit"))
        ? 1000 * (attempt + 1)
        : qMax<qint64>(1000, r.headers.value("x-hubspot-ratelimit-interval-milliseconds").toLongLong());
    // Every writer waits, not only this one (this one sleeps in any case).
    if (Status s = budget.pauseUntil(nowMs() + waitMs); !s)
        qCWarning(lcHubspot) << "could not share a HubSpot pause with the other writers:" << s.error().message;
    qCWarning(lcHubspot) << "HubSpot said 429 (" << policy << ") - all writers pause" << waitMs << "ms";
    return waitMs;
}

Result<Response> Client::call(IRateBudget &budget, const QByteArray &method, const QString &path,
                              const QJsonDocument &body)
{
    if (dryRun())
        return makeError("hubspot.dry_run",
                         QStringLiteral("dry run: HUBSPOT_ACCESS_TOKEN is not set, nothing is sent"));
    const QUrl url(m_config.baseUrl + path);
    const QByteArray payload = body.isNull() ? QByteArray() : body.toJson(QJsonDocument::Compact);
    for (int attempt = 0;; ++attempt) {
        if (Status s = budget.acquire(limits()); !s)
            return s.error();
        const net::Answer a
            = net::send(method, url, {{"Authorization", "Bearer " + m_config.token}}, payload, m_config.timeoutMs);
        if (a.stopped)
            return stopping(); // a write that may have landed is an upsert: sending it again is safe
        const Response r = parse(a.body, a.status, a.headers, attempt);
        Metrics::instance().add("salesflow_hubspot_requests_total",
                                Metrics::label("status", QString::number(a.status)));
        observe(budget, r);
        std::optional<Error> error;
        const qint64 waitMs = retryDelay(budget, r, attempt, &error);
        if (error)
            return *error;
        if (waitMs < 0)
            return r;
        if (attempt >= m_config.maxRetries || waitMs > 5 * 60 * 1000) {
            return Error{QStringLiteral("hubspot.unavailable"),
                         (a.status ? describe(r) : QStringLiteral("HubSpot did not answer: %1").arg(a.failure))
                             + QStringLiteral(" (after %1 retries)").arg(attempt),
                         502};
        }
        if (!sleepMs(waitMs))
            return stopping();
    }
}

} // namespace salesflow::hubspot
