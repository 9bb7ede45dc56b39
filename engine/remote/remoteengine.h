#pragma once

#include "../api/iengine.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <memory>

namespace salesflow::remote {

class Transport;

/// IEngine over salesflowd's HTTP API (PRODUCT.md), with the one JSON codec, so the desktop app
/// cannot tell it from LocalEngine: the same operations, the same Error codes and messages (the
/// server's problem+json comes back as its Error; no answer is Error 503 `remote.*` in words).
///
/// Who acts is the session (login) or API token it holds, whatever Caller is passed: the server
/// decides what that person may do, and its audit names them. The token lives in memory only
/// and is never logged. Reads and review decisions are sent again when no answer came (a
/// decision is idempotent on the server: the same decision answers `repeated`); nothing else is
/// resent. Every call times out (15 s; a long poll its wait plus 10 s). Thread-safe; answers
/// resolve on the engine's own network thread.
class RemoteEngine final : public QObject, public IEngine
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl url; ///< http(s)://host:port of salesflowd
        QList<QSslCertificate> trusted; ///< accepted beside the system's CAs (a self-signed server)
        int timeoutMs = 15000;
    };

    explicit RemoteEngine(Options options);
    ~RemoteEngine() override;

    /// POST /v1/session; on success later calls act as that user. A wrong password is 401
    /// `auth.login` ("wrong user name or password"); repeated failures 429.
    QFuture<Result<Session>> login(QString user, QByteArray password);
    /// Acts with this token (an API token or a session's).
    void setToken(QByteArray token);
    /// Acts with `token` for callers named `callerName` (several people on one connection, as
    /// the contract suite does); others use the default token.
    void setTokenFor(const QString &callerName, QByteArray token);
    QUrl url() const { return m_options.url; }
    /// Who the session is (empty before login).
    QString user() const;

    QFuture<Result<QList<Result<IngestReceipt>>>> ingest(const Caller &caller, QList<IngestItem> items) override;
    QFuture<Result<EventPage>> listEvents(const Caller &caller, EventQuery query) override;
    QFuture<Result<EventDetail>> event(const Caller &caller, QString id) override;
    QFuture<Result<Stats>> stats(const Caller &caller) override;
    QFuture<Result<Dashboard>> dashboard(const Caller &caller, qint64 sinceMs) override;
    QFuture<Result<AuditPage>> audit(const Caller &caller, AuditQuery query) override;
    QFuture<Result<ChangeSet>> changes(const Caller &caller, QString cursor, int waitMs) override;
    QFuture<Result<QByteArray>> createToken(const Caller &caller, QString name, Role role) override;
    QFuture<Result<int>> revokeToken(const Caller &caller, QString name) override;
    QFuture<Result<ReviewPage>> reviewQueue(const Caller &caller, int limit, QString after) override;
    QFuture<Result<ReviewClaim>> claimReview(const Caller &caller, QString eventId) override;
    QFuture<Result<DecisionResult>> decideReview(const Caller &caller, QString eventId,
                                                 ReviewDecision decision) override;
    QFuture<Result<QList<ActionInfo>>> previewReview(const Caller &caller, QString eventId, QJsonObject edits) override;
    QFuture<Result<QList<UserInfo>>> users(const Caller &caller) override;
    QFuture<Status> addUser(const Caller &caller, QString name, Role role, QByteArray password) override;
    QFuture<Status> disableUser(const Caller &caller, QString name) override;
    QFuture<Status> setPassword(const Caller &caller, QString name, QByteArray password) override;
    QFuture<Result<QList<TokenInfo>>> tokens(const Caller &caller) override;
    QFuture<Result<QList<PromptSummary>>> prompts(const Caller &caller) override;
    QFuture<Result<PromptInfo>> prompt(const Caller &caller, QString name) override;
    QFuture<Result<QList<PromptProblem>>> checkPrompt(const Caller &caller, QString name,
                                                      NewPromptVersion version) override;
    QFuture<Result<PromptVersionInfo>> createPromptVersion(const Caller &caller, QString name,
                                                           NewPromptVersion version) override;
    QFuture<Result<PromptVersionInfo>> activatePrompt(const Caller &caller, QString name, int version) override;
    QFuture<Result<PromptTestResult>> testPrompt(const Caller &caller, QString name, int version,
                                                 QStringList eventIds) override;
    QFuture<Result<ReplayInfo>> startReplay(const Caller &caller, ReplayRequest request) override;
    QFuture<Result<QList<ReplayInfo>>> replays(const Caller &caller, int limit, QString after) override;
    QFuture<Result<ReplayPage>> replay(const Caller &caller, QString id, ReplayItemQuery query) override;
    QFuture<Result<ReplayInfo>> cancelReplay(const Caller &caller, QString id) override;
    QFuture<Status> ready() override;

Q_SIGNALS:
    /// The server answered (true) or could not be reached (false); on changes only.
    void connectionChanged(bool online);
    /// The session in use ended (expired, password changed, user disabled): log in again.
    /// Once per session: answers to calls sent with an older session do not repeat it.
    void sessionExpired();

private:
    QFuture<Result<QJsonObject>> get(const Caller &caller, const QByteArray &path, int timeoutMs = 0);
    QFuture<Result<QJsonObject>> post(const Caller &caller, const QByteArray &path, const QByteArray &body = {},
                                      int retries = 0);
    QFuture<Result<QJsonObject>> send(const Caller &caller, const QByteArray &method, const QByteArray &path,
                                      const QByteArray &body, int retries, int timeoutMs);
    QByteArray tokenFor(const Caller &caller) const;
    bool inUse(const QByteArray &token) const;

    Options m_options;
    std::unique_ptr<Transport> m_transport;
    mutable QMutex m_mutex;
    QByteArray m_token;
    QString m_user;
    QHash<QString, QByteArray> m_tokens;
};

} // namespace salesflow::remote
