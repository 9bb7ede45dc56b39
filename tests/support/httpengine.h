#pragma once

#include "engine/api/iengine.h"

#include <QHash>
#include <QMutex>

namespace salesflow::test {

/// IEngine over the HTTP API, for the contract suite: each operation is the HTTP request a
/// remote client would make, answered through the one JSON codec. The caller is mapped to the
/// bearer token registered for its name (a caller with no token is sent without one). Runs each
/// request on a worker thread with a blocking client; the future resolves there.
class HttpEngine final : public IEngine
{
public:
    HttpEngine(QByteArray host, quint16 port) : m_host(std::move(host)), m_port(port) { }

    void setToken(const QString &callerName, const QByteArray &token);

    QFuture<Result<QList<Result<IngestReceipt>>>> ingest(const Caller &caller, QList<IngestItem> items) override;
    QFuture<Result<EventPage>> listEvents(const Caller &caller, EventQuery query) override;
    QFuture<Result<EventDetail>> event(const Caller &caller, QString id) override;
    QFuture<Result<Stats>> stats(const Caller &caller) override;
    QFuture<Result<AuditPage>> audit(const Caller &caller, AuditQuery query) override;
    QFuture<Result<ChangeSet>> changes(const Caller &caller, QString cursor, int waitMs) override;
    QFuture<Result<QByteArray>> createToken(const Caller &caller, QString name, Role role) override;
    QFuture<Result<int>> revokeToken(const Caller &caller, QString name) override;
    QFuture<Result<ReviewPage>> reviewQueue(const Caller &caller, int limit, QString after) override;
    QFuture<Result<ReviewClaim>> claimReview(const Caller &caller, QString eventId) override;
    QFuture<Result<DecisionResult>> decideReview(const Caller &caller, QString eventId,
                                                 ReviewDecision decision) override;
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

    /// POST /v1/session as a client would; on success the caller named `user` uses the session.
    QFuture<Result<Session>> login(const QString &user, const QByteArray &password);
    QFuture<Status> ready() override;

private:
    /// The request with the caller's token; resolves to the JSON body of a 2xx, else the
    /// problem+json turned back into an Error.
    QFuture<Result<QJsonObject>> call(const Caller &caller, const QByteArray &method, const QByteArray &path,
                                      const QByteArray &body = {}, const QByteArray &contentType = {});

    QByteArray m_host;
    quint16 m_port;
    QMutex m_mutex;
    QHash<QString, QByteArray> m_tokens;
};

} // namespace salesflow::test
