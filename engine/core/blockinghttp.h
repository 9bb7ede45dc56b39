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

/// One request for sendAll().
struct Request
{
    QByteArray method;
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int timeoutMs = 60000;
};

/// Sends one request and waits for the answer on the calling (worker) thread, with libcurl: no
/// other thread and no event loop is involved, and each thread keeps its own connections, so they
/// are reused. `timeoutMs` bounds the whole exchange; the thread's StopToken (core/stoptoken.h)
/// aborts it within 100 ms. No redirect is followed (a 3xx is the answer) and no proxy is taken
/// from the environment. Failures never throw: `status` 0 and `failure` say what happened.
Answer send(const QByteArray &method, const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
            const QByteArray &body, int timeoutMs);

/// Sends the requests at once, on as many connections, and waits on the calling thread until
/// every one has its answer or failed, as send() does for one; the answers in request order.
/// Connections are kept for the thread's next calls. A stop request ends all of them.
QList<Answer> sendAll(const QList<Request> &requests);

} // namespace salesflow::net
