#pragma once

#include "../api/iauthenticator.h"
#include "../api/iengine.h"
#include "../core/config.h"

#include <QHash>
#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>

#include <atomic>
#include <memory>
#include <vector>

namespace salesflow::local {
class AuthCache;
class FeedHead;
} // namespace salesflow::local
namespace salesflow::store {
class Database;
class Connection;
struct FeedPosition;
} // namespace salesflow::store
namespace salesflow::pipeline {
class GroupCommitter;
class Runner;
class IStage;
class Preview;
class ReplayWorker;
} // namespace salesflow::pipeline

namespace salesflow {

/// IEngine in-process: owns the store, the ingest group committer and the workers. Used by the
/// desktop app (embedded SQLite), by salesflowd behind the HTTP API (which also uses it as the
/// IAuthenticator) and by the salesflowd commands.
class LocalEngine final : public IEngine, public IAuthenticator
{
public:
    struct Options
    {
        Config config;
        bool runWorkers = true; ///< false for `--role api`
        bool runReplays = true; ///< work replays in the background (false: `--role api`, one-shot commands)
        bool acceptIngest = true; ///< false for `--role worker`
        std::vector<std::shared_ptr<pipeline::IStage>> stages; ///< the stages this process runs
        QString workerId; ///< lease owner prefix; default host:pid
    };

    /// Opens the database named by the config, applies migrations, starts committers and workers.
    /// Fails with a clear Error when the store is unreachable or newer than this binary.
    static Result<std::unique_ptr<LocalEngine>> open(Options options);
    ~LocalEngine() override;

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
    QFuture<Status> ready() override;

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

    QFuture<Result<Caller>> authenticate(QByteArray token) override;
    QFuture<Result<Session>> login(QString user, QByteArray password, QString address) override;

    // Operations of the salesflowd commands that are not (yet) part of IEngine; each checks the
    // caller's role like the IEngine ones.

    /// Brings the store's schema up to date without starting anything; answers how many
    /// migrations were applied. Fails with a clear Error when the store is unreachable or newer.
    static Result<int> migrate(const QString &dbUrl);
    /// The schema version this binary brings its stores to.
    static int schemaVersion();
    /// The store's URL without credentials, for titles and status lines.
    QString storeDisplayUrl() const;

    /// Graceful stop: ingest drains, workers finish their current batch, long polls answer.
    void stop();
    /// The first step of a graceful stop: every waiting long poll (GET /v1/changes) answers now
    /// with what changed so far, and later ones at once — so an HTTP server waiting for its
    /// requests to finish does not wait out 30-second polls (clients poll again elsewhere).
    void endLongPolls();

    std::shared_ptr<store::Database> database() const { return m_db; }
    pipeline::Runner *runner() const { return m_runner.get(); }
    pipeline::GroupCommitter *committer() const { return m_committer.get(); }

private:
    explicit LocalEngine(Options options);
    template<typename T, typename F>
    QFuture<Result<T>> onStore(F &&f);
    template<typename T, typename F>
    QFuture<Result<T>> onStoreAs(const Caller &caller, Permission needed, F &&f);
    /// As onStore, without the retry on a broken connection (for writes).
    template<typename T, typename F>
    QFuture<Result<T>> onStoreOnce(F &&f);
    Result<ChangeSet> waitForChanges(store::FeedPosition from, qint64 deadlineMs);
    Result<Session> doLogin(const QString &user, QByteArray password, const QString &address);
    /// Hashes the password on the login pool (slow on purpose), then runs `store` with the hash.
    template<typename F>
    QFuture<Status> withPasswordHash(QByteArray password, F &&store);
    void announceChange();
    /// Finds the enrich stage among the options' stages (or builds one from the config) for
    /// prompt tests and dry runs; without one those answer 503 with the reason.
    void setUpPreview();
    void startReplayWorker();
    Result<ReplayInfo> doStartReplay(store::Connection &c, const ReplayRequest &request, const QString &actor);

    Options m_options;
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<pipeline::GroupCommitter> m_committer;
    std::unique_ptr<pipeline::Runner> m_runner;
    QThreadPool m_readers;
    QThreadPool m_logins; // password hashing and checking (argon2id): slow on purpose, kept apart
    QThreadPool m_waiters; // long polls of the change feed, so they never hold up the readers
    QMutex m_changeMutex;
    QWaitCondition m_changed;
    std::atomic<bool> m_stopping{false};
    std::shared_ptr<local::AuthCache> m_authCache;
    std::unique_ptr<local::FeedHead> m_feedHead;
    std::shared_ptr<pipeline::Preview> m_preview;
    Error m_previewError;
    std::unique_ptr<pipeline::ReplayWorker> m_replayWorker;
    QThreadPool m_previews; // prompt tests: model calls, kept off the readers
};

} // namespace salesflow
