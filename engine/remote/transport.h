#pragma once

#include "../api/result.h"

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPromise>
#include <QSslCertificate>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QThread;

namespace salesflow::remote {

/// One HTTP exchange with salesflowd: what RemoteEngine asks.
struct Call
{
    QByteArray method; ///< GET | POST
    QByteArray path; ///< with its query, e.g. /v1/events?limit=100
    QByteArray body; ///< JSON, sent with Content-Type: application/json when not empty
    QByteArray token; ///< bearer token; empty: none
    int timeoutMs = 15000; ///< no answer (or no progress) for this long fails the call
    int retries = 0; ///< sent again this often when no answer came (idempotent calls only)
    QByteArray contentType; ///< of the body; empty: application/json
};

/// The network side of RemoteEngine: a QNetworkAccessManager on a thread of its own, so any
/// thread may call and nothing waits on the caller's event loop. Every answer resolves the
/// future: a 2xx with its JSON object; a problem+json as the server's Error (code, detail,
/// status, Retry-After); no answer as Error 503 `remote.unreachable` (or `remote.timeout`,
/// `remote.tls` when the certificate is not trusted) in words a user understands. Never throws;
/// the token is never logged.
class Transport final : public QObject
{
    Q_OBJECT

public:
    /// `base`: http(s)://host:port. `trusted`: certificates accepted beside the system's (a
    /// self-signed server the user chose to trust).
    Transport(QUrl base, QList<QSslCertificate> trusted);
    ~Transport() override;

    QFuture<Result<QJsonObject>> send(const Call &call);
    QUrl base() const { return m_base; }

Q_SIGNALS:
    /// An answer came (true) or the server could not be reached (false); emitted on changes only.
    void reachable(bool yes);

private:
    void start(const Call &call, std::shared_ptr<QPromise<Result<QJsonObject>>> promise);
    void finish(QNetworkReply *reply, const Call &call, const std::shared_ptr<QPromise<Result<QJsonObject>>> &promise);
    void setReachable(bool yes);

    QUrl m_base;
    QList<QSslCertificate> m_trusted;
    QThread *m_home = nullptr; // where the Transport was made, and goes back to when it ends
    QThread *m_thread = nullptr;
    QNetworkAccessManager *m_nam = nullptr; // lives in m_thread
    int m_reachable = -1; // unknown
};

/// The Error of a non-2xx answer: the problem+json's code and detail, or words for the status.
Error problemError(int status, const QByteArray &body, const QByteArray &retryAfter);

} // namespace salesflow::remote
