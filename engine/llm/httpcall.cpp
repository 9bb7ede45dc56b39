#include "httpcall.h"

#include "../core/blockinghttp.h"
#include "../core/logging.h"
#include "../core/stoptoken.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <chrono>
#include <cmath>
#include <thread>

namespace salesflow::llm {

namespace {

bool retryableStatus(int status)
{
    return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
}

/// retry-after-ms, then retry-after as seconds, then as an HTTP-date; -1 when none parses.
qint64 serverDelayMs(const QHash<QByteArray, QByteArray> &headers)
{
    bool ok = false;
    const double ms = headers.value("retry-after-ms").trimmed().toDouble(&ok);
    if (ok)
        return qint64(ms);
    const QByteArray ra = headers.value("retry-after").trimmed();
    if (ra.isEmpty())
        return -1;
    const double s = ra.toDouble(&ok);
    if (ok)
        return qint64(s * 1000);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(ra), Qt::RFC2822Date);
    if (when.isValid())
        return QDateTime::currentDateTimeUtc().msecsTo(when);
    return -1;
}

} // namespace

std::optional<qint64> retryDelayMs(const RetryPolicy &policy, int status, const QHash<QByteArray, QByteArray> &headers,
                                   const QByteArray &body, int retriesTaken, double random01)
{
    if (retriesTaken >= policy.maxRetries)
        return std::nullopt;
    const QByteArray should = headers.value("x-should-retry").trimmed().toLower();
    if (should == "false")
        return std::nullopt;
    if (should != "true") {
        if (!retryableStatus(status))
            return std::nullopt;
        // A 429 about billing never clears by waiting (NOTES §5).
        if (status == 429 && (body.contains("insufficient_quota") || body.contains("credit_balance_exhausted")))
            return std::nullopt;
    }
    const qint64 server = serverDelayMs(headers);
    const bool openai = policy.flavour == RetryPolicy::Flavour::OpenAi;
    const qint64 cap = openai ? 120000 : 60000;
    if (server > 0 && server <= cap)
        return server;
    if (server > cap && openai)
        return std::nullopt;
    const double base = std::min(0.5 * std::pow(2.0, retriesTaken), 8.0);
    return qint64(base * (1.0 - 0.25 * random01) * 1000.0);
}

namespace {
/// The process is stopping: the job goes back to the queue at once, no attempt used.
Error stoppingError(const QUrl &url)
{
    return holdError("hold.stopping", QStringLiteral("%1: call abandoned, the process is stopping").arg(url.host()), 0);
}
} // namespace

namespace {

QList<std::pair<QByteArray, QByteArray>> attemptHeaders(QList<std::pair<QByteArray, QByteArray>> headers,
                                                        const RetryPolicy &policy, int attempt)
{
    headers.append({QByteArrayLiteral("x-stainless-retry-count"), QByteArray::number(attempt)});
    headers.append({QByteArrayLiteral("x-stainless-read-timeout"), QByteArray::number(policy.timeoutMs / 1000)});
    return headers;
}

/// What one attempt's answer comes to: the call's result, or the delay before the next attempt.
struct Verdict
{
    std::optional<Result<HttpAnswer>> result;
    qint64 delayMs = 0;
};

Verdict judge(const QUrl &url, const net::Answer &answer, const RetryPolicy &policy, int attempt, qint64 elapsedMs)
{
    if (answer.stopped)
        return {Result<HttpAnswer>(stoppingError(url))};
    HttpAnswer a;
    a.status = answer.status;
    a.body = answer.body;
    a.headers = answer.headers;
    const auto delay
        = retryDelayMs(policy, a.status, a.headers, a.body, attempt, QRandomGenerator::global()->generateDouble());
    if (delay) {
        qCInfo(lcLlm) << "LLM call to" << url.host() << "answered"
                      << (a.status ? QString::number(a.status) : answer.failure) << "- retry" << attempt + 1 << "in"
                      << *delay << "ms";
        return {std::nullopt, *delay};
    }
    a.retries = attempt;
    a.latencyMs = elapsedMs;
    if (a.status == 0)
        return {Result<HttpAnswer>(
            Error{answer.timedOut ? QStringLiteral("llm.timeout") : QStringLiteral("llm.connection"),
                  QStringLiteral("%1: %2 (after %3 retries)").arg(url.host(), answer.failure).arg(attempt), 502})};
    return {Result<HttpAnswer>(std::move(a))};
}

/// Attempts from `attempt` on, one at a time, after waiting `delayMs`.
Result<HttpAnswer> retryFrom(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
                             const QByteArray &body, const RetryPolicy &policy, int attempt, qint64 delayMs,
                             const QElapsedTimer &clock)
{
    for (;; ++attempt) {
        if (delayMs > 0 && !StopToken::sleep(delayMs))
            return stoppingError(url);
        const net::Answer answer
            = net::send("POST", url, attemptHeaders(headers, policy, attempt), body, policy.timeoutMs);
        Verdict v = judge(url, answer, policy, attempt, clock.elapsed());
        if (v.result)
            return std::move(*v.result);
        delayMs = v.delayMs;
    }
}

} // namespace

Result<HttpAnswer> postJson(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
                            const QByteArray &body, const RetryPolicy &policy)
{
    QElapsedTimer clock;
    clock.start();
    return retryFrom(url, headers, body, policy, 0, 0, clock);
}

QList<Result<HttpAnswer>> postJsonAll(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
                                      const QList<QByteArray> &bodies, const RetryPolicy &policy)
{
    QElapsedTimer clock;
    clock.start();
    QList<net::Request> first;
    for (const QByteArray &body : bodies)
        first.append(net::Request{"POST", url, attemptHeaders(headers, policy, 0), body, policy.timeoutMs});
    const QList<net::Answer> answers = net::sendAll(first);
    QList<Result<HttpAnswer>> out;
    for (qsizetype i = 0; i < answers.size(); ++i) {
        Verdict v = judge(url, answers[i], policy, 0, clock.elapsed());
        // The rare call the SDKs would retry goes on alone; the others keep their answers.
        out.append(v.result ? std::move(*v.result) : retryFrom(url, headers, bodies[i], policy, 1, v.delayMs, clock));
    }
    return out;
}

} // namespace salesflow::llm
