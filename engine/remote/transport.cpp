#include "transport.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

namespace salesflow::remote {

namespace {

using PromisePtr = std::shared_ptr<QPromise<Result<QJsonObject>>>;

void resolve(const PromisePtr &p, Result<QJsonObject> r)
{
    p->addResult(std::move(r));
    p->finish();
}

/// What a user reads when no answer came.
Error networkError(QNetworkReply::NetworkError code, const QString &host, const QString &detail)
{
    switch (code) {
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return makeError("remote.timeout", QStringLiteral("the server %1 did not answer in time").arg(host), 503);
    case QNetworkReply::SslHandshakeFailedError:
        return makeError("remote.tls", QStringLiteral("the certificate of %1 is not trusted (%2)").arg(host, detail),
                         503);
    case QNetworkReply::HostNotFoundError:
        return makeError("remote.unreachable", QStringLiteral("no server named %1 was found").arg(host), 503);
    default:
        return makeError("remote.unreachable", QStringLiteral("the server %1 cannot be reached (%2)").arg(host, detail),
                         503);
    }
}

} // namespace

Error problemError(int status, const QByteArray &body, const QByteArray &retryAfter)
{
    const QJsonObject p = QJsonDocument::fromJson(body).object();
    QString code = p.value(QLatin1String("code")).toString();
    QString detail = p.value(QLatin1String("detail")).toString();
    if (code.isEmpty())
        code = QStringLiteral("http.%1").arg(status);
    if (detail.isEmpty())
        detail = QStringLiteral("the server answered HTTP %1").arg(status);
    Error e{code, detail, status};
    e.retryAfterMs = retryAfter.toLongLong() * 1000;
    return e;
}

Transport::Transport(QUrl base, QList<QSslCertificate> trusted)
    : m_base(std::move(base)), m_trusted(std::move(trusted)), m_home(QThread::currentThread()), m_thread(new QThread)
{
    m_thread->setObjectName(QStringLiteral("salesflow-remote"));
    m_thread->start();
    moveToThread(m_thread);
    QMetaObject::invokeMethod(
        this, [this] { m_nam = new QNetworkAccessManager(this); }, Qt::BlockingQueuedConnection);
}

Transport::~Transport()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            delete m_nam; // aborts what is in flight: each reply's promise is resolved as cancelled
            m_nam = nullptr;
            moveToThread(m_home);
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

QFuture<Result<QJsonObject>> Transport::send(const Call &call)
{
    auto promise = std::make_shared<QPromise<Result<QJsonObject>>>();
    promise->start();
    QFuture<Result<QJsonObject>> f = promise->future();
    QMetaObject::invokeMethod(this, [this, call, promise] { start(call, promise); });
    return f;
}

void Transport::start(const Call &call, std::shared_ptr<QPromise<Result<QJsonObject>>> promise)
{
    if (!m_nam)
        return resolve(promise, makeError("remote.closed", QStringLiteral("the connection is closed"), 503));
    QUrl url = m_base;
    const qsizetype q = call.path.indexOf('?');
    // The path's segments are percent-encoded already (names with '@', '/', ...): keep them so.
    url.setPath(QString::fromUtf8(q < 0 ? call.path : call.path.left(q)), QUrl::TolerantMode);
    if (q >= 0)
        url.setQuery(QString::fromUtf8(call.path.mid(q + 1)), QUrl::StrictMode);
    QNetworkRequest rq(url);
    rq.setTransferTimeout(call.timeoutMs);
    rq.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!call.token.isEmpty())
        rq.setRawHeader("Authorization", "Bearer " + call.token);
    if (!call.body.isEmpty())
        rq.setHeader(QNetworkRequest::ContentTypeHeader,
                     call.contentType.isEmpty() ? QByteArrayLiteral("application/json") : call.contentType);
    if (url.scheme() == QLatin1String("https") && !m_trusted.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_trusted);
        rq.setSslConfiguration(tls);
    }
    QNetworkReply *reply = m_nam->sendCustomRequest(rq, call.method, call.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, call, promise] { finish(reply, call, promise); });
}

void Transport::finish(QNetworkReply *reply, const Call &call,
                       const std::shared_ptr<QPromise<Result<QJsonObject>>> &promise)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        setReachable(false);
        if (call.retries > 0) { // again after a moment: the server may be restarting
            Call again = call;
            --again.retries;
            QTimer::singleShot(again.retries > 0 ? 500 : 1500, this, [this, again, promise] { start(again, promise); });
            return;
        }
        return resolve(promise, networkError(reply->error(), m_base.host(), reply->errorString()));
    }
    setReachable(true);
    const QByteArray body = reply->readAll();
    if (status < 200 || status > 299)
        return resolve(promise, problemError(status, body, reply->rawHeader("Retry-After")));
    if (body.isEmpty())
        return resolve(promise, QJsonObject());
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        return resolve(promise,
                       makeError("remote.protocol",
                                 QStringLiteral("the server's answer is not SalesFlow's JSON (%1 at %2)")
                                     .arg(err.errorString())
                                     .arg(err.offset),
                                 502));
    }
    resolve(promise, doc.object());
}

void Transport::setReachable(bool yes)
{
    if (m_reachable == int(yes))
        return;
    m_reachable = int(yes);
    Q_EMIT reachable(yes);
}

} // namespace salesflow::remote
