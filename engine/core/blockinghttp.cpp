#include "blockinghttp.h"

#include "stoptoken.h"

#include <QBuffer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThreadStorage>
#include <QTimer>

namespace salesflow::net {

namespace {
QNetworkAccessManager *threadNam()
{
    static QThreadStorage<QNetworkAccessManager *> storage;
    if (!storage.hasLocalData())
        storage.setLocalData(new QNetworkAccessManager);
    return storage.localData();
}
} // namespace

Answer send(const QByteArray &method, const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
            const QByteArray &body, int timeoutMs)
{
    QNetworkRequest req(url);
    if (!body.isEmpty() || method == "POST" || method == "PATCH" || method == "PUT")
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : headers)
        req.setRawHeader(name, value);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    Answer a;
    QBuffer buffer;
    buffer.setData(body);
    buffer.open(QIODevice::ReadOnly);
    QNetworkReply *reply = threadNam()->sendCustomRequest(req, method, &buffer);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        a.timedOut = true;
        reply->abort();
    });
    // A stop request aborts the call: the caller gets no answer and gives the job back.
    QTimer stopCheck;
    QObject::connect(&stopCheck, &QTimer::timeout, &loop, [&] {
        if (StopToken::stopping()) {
            a.stopped = true;
            reply->abort();
        }
    });
    if (StopToken::current())
        stopCheck.start(100);
    timer.start(timeoutMs);
    if (!reply->isFinished() && !StopToken::stopping())
        loop.exec();
    timer.stop();
    stopCheck.stop();
    if (!reply->isFinished()) { // stopping before the call left
        a.stopped = true;
        reply->abort();
    }

    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!a.timedOut && !a.stopped && status.isValid()) {
        a.status = status.toInt();
        a.body = reply->readAll();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            a.headers.insert(name.toLower(), value);
    } else {
        a.failure = a.stopped ? QStringLiteral("stopped: the process is shutting down")
            : a.timedOut      ? QStringLiteral("no answer within %1 ms").arg(timeoutMs)
                              : reply->errorString();
    }
    reply->deleteLater();
    return a;
}

} // namespace salesflow::net
