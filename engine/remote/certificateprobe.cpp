#include "certificateprobe.h"

#include <QPromise>
#include <QSslSocket>
#include <QTimer>

#include <memory>

namespace salesflow::remote {

namespace {

using Chain = Result<QList<QSslCertificate>>;

void settle(const std::shared_ptr<QPromise<Chain>> &promise, QSslSocket *socket, Chain result)
{
    if (promise->future().isFinished())
        return;
    promise->addResult(std::move(result));
    promise->finish();
    socket->abort();
    socket->deleteLater();
}

} // namespace

QFuture<Result<QList<QSslCertificate>>> serverCertificates(const QUrl &url, int timeoutMs)
{
    auto promise = std::make_shared<QPromise<Chain>>();
    promise->start();
    QFuture<Chain> future = promise->future();
    const QString host = url.host();
    auto *socket = new QSslSocket;
    // The chain is only read here, to be shown; whether to trust it is the person's decision, and
    // the connection that logs in verifies it again against what they chose.
    QObject::connect(socket, &QSslSocket::sslErrors, socket, [socket] { socket->ignoreSslErrors(); });
    QObject::connect(socket, &QSslSocket::encrypted, socket,
                     [promise, socket] { settle(promise, socket, socket->peerCertificateChain()); });
    QObject::connect(socket, &QSslSocket::errorOccurred, socket, [promise, socket, host] {
        if (!socket->peerCertificateChain().isEmpty())
            return settle(promise, socket, socket->peerCertificateChain());
        settle(promise, socket,
               makeError("remote.unreachable",
                         QStringLiteral("no TLS answer from %1: %2").arg(host, socket->errorString()), 503));
    });
    QTimer::singleShot(timeoutMs, socket, [promise, socket, host] {
        settle(promise, socket,
               makeError("remote.timeout", QStringLiteral("the server %1 did not answer in time").arg(host), 503));
    });
    socket->connectToHostEncrypted(host, quint16(url.port(443)));
    return future;
}

} // namespace salesflow::remote
