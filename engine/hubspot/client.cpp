#include "client.h"

#include "../core/blockinghttp.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/logging.h"
#include "../store/sql.h"

#include <QDateTime>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimeZone>

#include <chrono>
#include <thread>

namespace salesflow::hubspot {

namespace {

QString dayOf(qint64 ms)
{
    // HubSpot resets the daily count at midnight in the account's time zone, which the API
    // does not tell us; UTC it is (the reserve absorbs the difference).
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

qint64 nextUtcMidnight(qint64 ms)
{
    const QDate d = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().addDays(1);
    return QDateTime(d, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

Status lockBudget(store::Connection &c)
{
    if (c.dialect() == store::Dialect::Postgres) {
        auto r = c.exec("SELECT pg_advisory_xact_lock(72010042)");
        if (!r)
            return r.error();
    }
    return Done{};
}

void sleepMs(qint64 ms)
{
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
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

int RateBudget::effectiveLimit() const
{
    const int learnt = m_learntMax.load();
    const int limit = learnt > 0 ? qMin(learnt, m_config.burstLimit) : m_config.burstLimit;
    return qMax(1, limit - 1); // one call of headroom for clock skew between us and HubSpot
}

Status RateBudget::pauseUntil(store::Connection &c, qint64 untilMs)
{
    auto r = c.exec(c.dialect() == store::Dialect::Postgres
                        ? QByteArray("INSERT INTO hubspot_state (name, value, updated_at) VALUES ('paused_until', $1, $2)"
                                     " ON CONFLICT (name) DO UPDATE SET value = GREATEST(hubspot_state.value::bigint, $1::bigint)::text,"
                                     " updated_at = $2")
                        : QByteArray("INSERT INTO hubspot_state (name, value, updated_at) VALUES ('paused_until', $1, $2)"
                                     " ON CONFLICT (name) DO UPDATE SET value = MAX(CAST(hubspot_state.value AS INTEGER), CAST($1 AS INTEGER)),"
                                     " updated_at = $2"),
                    {QString::number(untilMs), nowMs()});
    if (!r)
        return r.error();
    return Done{};
}

Status RateBudget::acquire(store::Connection &c)
{
    for (int round = 0;; ++round) {
        const qint64 now = nowMs();
        qint64 waitMs = 0;
        {
            store::Tx tx(c);
            if (Status s = tx.begin(true); !s)
                return s;
            if (Status s = lockBudget(c); !s)
                return s;
            auto paused = c.exec("SELECT value FROM hubspot_state WHERE name = 'paused_until'");
            if (!paused)
                return paused.error();
            const qint64 pausedUntil = paused->isEmpty() ? 0 : paused->text(0, 0).toLongLong();
            if (pausedUntil > now) {
                waitMs = pausedUntil - now;
            } else {
                const int limit = effectiveLimit();
                // A call is stamped here, before it is sent; HubSpot counts it when it arrives.
                // A slightly longer window keeps the two counts from disagreeing at the edge.
                const qint64 window = m_config.windowMs + qMax<qint64>(50, m_config.windowMs / 40);
                auto count = c.exec("SELECT count(*) FROM hubspot_calls WHERE at > $1", {now - window});
                if (!count)
                    return count.error();
                const qint64 inWindow = count->int64(0, 0);
                if (inWindow >= limit) {
                    // Wait until the call that makes room falls out of the rolling window.
                    auto oldest = c.exec("SELECT at FROM hubspot_calls WHERE at > $1 ORDER BY at LIMIT 1 OFFSET $2",
                                         {now - window, inWindow - limit});
                    if (!oldest)
                        return oldest.error();
                    waitMs = (oldest->isEmpty() ? 50 : oldest->int64(0, 0) + window - now) + 5;
                } else {
                    const QString day = dayOf(now);
                    const QString key = QStringLiteral("daily:") + day;
                    auto used = c.exec("SELECT value FROM hubspot_state WHERE name = $1", {key});
                    if (!used)
                        return used.error();
                    const qint64 usedToday = used->isEmpty() ? 0 : used->text(0, 0).toLongLong();
                    const qint64 allowed = qint64(double(m_config.dailyLimit) * (1.0 - m_config.dailyReserve));
                    if (usedToday >= allowed) {
                        Error e = makeError("hold.daily", QStringLiteral("HubSpot daily budget used: %1 of %2 calls today (UTC), "
                                                                         "%3% kept for other apps; writing resumes after midnight UTC")
                                                              .arg(usedToday).arg(m_config.dailyLimit).arg(m_config.dailyReserve * 100, 0, 'f', 0));
                        e.retryAfterMs = nextUtcMidnight(now) - now;
                        return e;
                    }
                    if (auto r = c.exec("INSERT INTO hubspot_state (name, value, updated_at) VALUES ($1, '1', $2)"
                                        " ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(hubspot_state.value AS BIGINT) + 1 AS TEXT), updated_at = $2",
                                        {key, now});
                        !r)
                        return r.error();
                    if (auto r = c.exec("INSERT INTO hubspot_calls (at, day) VALUES ($1, $2)", {now, day}); !r)
                        return r.error();
                    if (++m_calls % 200 == 0) {
                        if (auto r = c.exec("DELETE FROM hubspot_calls WHERE at < $1", {now - 2 * m_config.windowMs}); !r)
                            return r.error();
                    }
                    return tx.commit();
                }
            }
            if (Status s = tx.commit(); !s)
                return s;
        }
        sleepMs(qMin<qint64>(waitMs, 2000));
    }
}

void RateBudget::observe(store::Connection &c, const Response &r)
{
    bool ok = false;
    const int max = r.headers.value("x-hubspot-ratelimit-max").toInt(&ok);
    if (ok && max > 0)
        m_learntMax = max;
    const int remaining = r.headers.value("x-hubspot-ratelimit-remaining").toInt(&ok);
    if (ok && remaining <= 0) {
        // HubSpot counts this window as full (other traffic of this app?): wait before it says 429.
        const qint64 interval = qMax<qint64>(1000, r.headers.value("x-hubspot-ratelimit-interval-milliseconds").toLongLong());
        if (Status s = pauseUntil(c, nowMs() + qMin<qint64>(interval, 1000)); !s)
            qCWarning(lcPipeline) << "could not share a HubSpot pause with the other writers:" << s.error().message;
    }
}

Client::Client(ClientConfig config) : m_config(std::move(config)), m_budget(m_config)
{
    while (m_config.baseUrl.endsWith(QLatin1Char('/')))
        m_config.baseUrl.chop(1);
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

Result<Response> Client::call(store::Connection &c, const QByteArray &method, const QString &path, const QJsonDocument &body)
{
    if (dryRun())
        return makeError("hubspot.dry_run", QStringLiteral("dry run: HUBSPOT_ACCESS_TOKEN is not set, nothing is sent"));
    const QUrl url(m_config.baseUrl + path);
    const QByteArray payload = body.isNull() ? QByteArray() : body.toJson(QJsonDocument::Compact);
    for (int attempt = 0;; ++attempt) {
        if (Status s = m_budget.acquire(c); !s)
            return s.error();
        const net::Answer a = net::send(method, url, {{QByteArrayLiteral("Authorization"), QByteArray("Bearer " + m_config.token)}},
                                        payload, m_config.timeoutMs);
        Response r;
        r.status = a.status;
        r.body = a.body;
        r.headers = a.headers;
        r.retries = attempt;
        r.json = QJsonDocument::fromJson(a.body);
        const QJsonObject o = r.json.object();
        r.message = o.value(QLatin1String("message")).toString();
        r.category = o.value(QLatin1String("category")).toString();
        r.correlationId = o.value(QLatin1String("correlationId")).toString();
        m_budget.observe(c, r);
        qint64 waitMs = -1;
        const qint64 retryAfter = qint64(r.headers.value("retry-after").toDouble() * 1000);
        if (a.status == 0 || a.status == 500 || a.status == 502 || a.status == 503 || a.status == 504 || a.status == 521
            || a.status == 523 || a.status == 524) {
            // A timeout may hide a write HubSpot made: every write we send is an upsert or an
            // absolute update by key, so sending it again cannot make a second object.
            waitMs = qint64(200 * (1 << qMin(attempt, 6)) * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
        } else if (a.status == 429) {
            const QString policy = o.value(QLatin1String("policyName")).toString();
            if (policy == QLatin1String("DAILY")) {
                Error e = makeError("hold.daily", describe(r) + QStringLiteral("; writing resumes after midnight UTC"));
                e.retryAfterMs = nextUtcMidnight(nowMs()) - nowMs();
                return e;
            }
            if (retryAfter > 0)
                waitMs = retryAfter;
            else if (r.message.contains(QLatin1String("secondly limit")))
                waitMs = 1000 * (attempt + 1);
            else
                waitMs = qMax<qint64>(1000, r.headers.value("x-hubspot-ratelimit-interval-milliseconds").toLongLong());
            // Every writer waits, not only this one (this one sleeps below in any case).
            if (Status s = RateBudget::pauseUntil(c, nowMs() + waitMs); !s)
                qCWarning(lcPipeline) << "could not share a HubSpot pause with the other writers:" << s.error().message;
            qCWarning(lcPipeline) << "HubSpot said 429 (" << policy << ") - all writers pause" << waitMs << "ms";
        } else if (a.status == 423) {
            waitMs = 2000;
        } else if (a.status == 477) {
            waitMs = qMax<qint64>(retryAfter, 1000);
        } else if (a.status == 401 || a.status == 403) {
            Error e = makeError("hold.auth", describe(r) + QStringLiteral(" - the writer is stopped until HUBSPOT_ACCESS_TOKEN is fixed "
                                                                           "(it tries again once a minute)"));
            e.retryAfterMs = 60000;
            return e;
        } else {
            return r; // 2xx, 207 and the 4xx the caller decides about
        }
        if (attempt >= m_config.maxRetries || waitMs > 5 * 60 * 1000) {
            return Error{QStringLiteral("hubspot.unavailable"),
                         (a.status ? describe(r) : QStringLiteral("HubSpot did not answer: %1").arg(a.failure))
                             + QStringLiteral(" (after %1 retries)").arg(attempt),
                         502};
        }
        sleepMs(waitMs);
    }
}

} // namespace salesflow::hubspot
