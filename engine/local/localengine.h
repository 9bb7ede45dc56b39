#pragma once

#include "../api/iengine.h"
#include "../core/config.h"

#include <QHash>
#include <QMutex>
#include <QThreadPool>

#include <memory>
#include <vector>

namespace salesflow::store {
class Database;
}
namespace salesflow::pipeline {
class GroupCommitter;
class Runner;
class IStage;
} // namespace salesflow::pipeline

namespace salesflow {

/// IEngine in-process: owns the store, the ingest group committer and the workers. Used by the
/// desktop app (embedded SQLite) and by salesflowd behind the HTTP API.
class LocalEngine final : public IEngine
{
public:
    struct Options
    {
        Config config;
        bool runWorkers = true;   ///< false for `--role api`
        bool acceptIngest = true; ///< false for `--role worker`
        std::vector<std::shared_ptr<pipeline::IStage>> stages; ///< the stages this process runs
        QString workerId;         ///< lease owner prefix; default host:pid
    };

    /// Opens the database named by the config, applies migrations, starts committers and workers.
    /// Fails with a clear Error when the store is unreachable or newer than this binary.
    static Result<std::unique_ptr<LocalEngine>> open(Options options);
    ~LocalEngine() override;

    QFuture<Result<QList<Result<IngestReceipt>>>> ingest(QList<IngestItem> items) override;
    QFuture<Result<Principal>> authenticate(QByteArray token) override;
    QFuture<Result<EventPage>> listEvents(EventQuery query) override;
    QFuture<Result<EventDetail>> event(QString id) override;
    QFuture<Result<Stats>> stats() override;
    QFuture<Result<QList<AuditEntry>>> audit(int limit, qint64 afterId) override;
    QFuture<Status> ready() override;

    /// Ingest on behalf of `actor` (overrides each item's receivedBy): `salesflowd import`.
    QFuture<Result<QList<Result<IngestReceipt>>>> ingestAs(const QString &actor, QList<IngestItem> items);

    /// Graceful stop: ingest drains, workers finish their current batch.
    void stop();

    std::shared_ptr<store::Database> database() const { return m_db; }
    pipeline::Runner *runner() const { return m_runner.get(); }
    pipeline::GroupCommitter *committer() const { return m_committer.get(); }

private:
    explicit LocalEngine(Options options);
    template <typename T, typename F>
    QFuture<Result<T>> onStore(F &&f);

    Options m_options;
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<pipeline::GroupCommitter> m_committer;
    std::unique_ptr<pipeline::Runner> m_runner;
    QThreadPool m_readers;
    QMutex m_authMutex;
    struct CachedPrincipal
    {
        Principal principal;
        qint64 expiresMs;
    };
    QHash<QByteArray, CachedPrincipal> m_authCache; // sha256(token) -> principal, short-lived
};

} // namespace salesflow
