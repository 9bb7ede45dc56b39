#pragma once

#include "../api/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QUrl>

#include <optional>
#include <utility>

namespace salesflow::llm {

/// The retry rules of the official OpenAI and Anthropic SDKs (reference/llm/NOTES.md §5).
struct RetryPolicy
{
    enum class Flavour { OpenAi, Anthropic };
    Flavour flavour = Flavour::OpenAi;
    int maxRetries = 2;
    int timeoutMs = 60000;
};

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< names lower-cased
    int retries = 0;
    qint64 latencyMs = 0;
};

/// The delay before retry number `retriesTaken + 1`, or nothing when the SDKs would not retry:
/// `x-should-retry` first, then 408/409/429/5xx; `retry-after-ms`, `retry-after` (seconds or an
/// HTTP-date) honoured up to 120 s (OpenAI: longer means no retry) / 60 s (Anthropic: longer
/// falls back to backoff); else min(0.5·2^n, 8) s times a jitter in [0.75, 1]. `status` 0 is a
/// connection error or timeout. `random01` is injectable for tests.
std::optional<qint64> retryDelayMs(const RetryPolicy &policy, int status, const QHash<QByteArray, QByteArray> &headers,
                                   const QByteArray &body, int retriesTaken, double random01);

/// POSTs JSON and waits (the calling worker thread blocks; each thread keeps its own connection
/// pool). Retries as retryDelayMs() says, sending `x-stainless-retry-count`. Returns the last HTTP
/// answer, whatever its status; an Error ("llm.connection"/"llm.timeout") only when no answer
/// came after the last retry.
Result<HttpAnswer> postJson(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
                            const QByteArray &body, const RetryPolicy &policy);

/// postJson() for several bodies to one endpoint: the first attempts go out at once (one
/// connection each, net::sendAll); a call the rules retry then goes on by itself, one after the
/// other. The results in body order.
QList<Result<HttpAnswer>> postJsonAll(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
                                      const QList<QByteArray> &bodies, const RetryPolicy &policy);

} // namespace salesflow::llm
