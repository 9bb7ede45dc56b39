#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrl>

#include <utility>

namespace salesflow::net {

/// One HTTP exchange, as the blocking clients (LLM providers, HubSpot) see it.
struct Answer
{
    int status = 0; ///< 0: no answer (connection refused/reset, timeout)
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< names lower-cased
    QString failure; ///< why there was no answer
    bool timedOut = false;
    bool stopped = false; ///< aborted: the calling thread's StopToken asked to stop
};

/// Sends one request and waits for the answer on the calling (worker) thread, with libcurl: no
/// other thread and no event loop is involved, and each thread keeps its own connections, so they
/// are reused. `timeoutMs` bounds the whole exchange; the thread's StopToken (core/stoptoken.h)
/// aborts it within 100 ms. No redirect is followed (a 3xx is the answer) and no proxy is taken
/// from the environment. Failures never throw: `status` 0 and `failure` say what happened.
Answer send(const QByteArray &method, const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
            const QByteArray &body, int timeoutMs);

} // namespace salesflow::net
