#include "localengine.h"

#include "../core/clock.h"
#include "../core/ids.h"
#include "../core/logging.h"
#include "../pipeline/ingest/groupcommitter.h"
#include "../pipeline/runner.h"
#include "../sources/intake.h"
#include "../store/database.h"
#include "../store/eventrepository.h"
#include "../store/migrator.h"
#include "../store/promptrepository.h"
#include "../store/tokenrepository.h"

#include <QHostInfo>
#include <QtConcurrent>

namespace salesflow {

namespace {
constexpr qint64 kAuthCacheMs = 10000;
const QString kFirstStage = QStringLiteral("normalise");
} // namespace

LocalEngine::LocalEngine(Options options) : m_options(std::move(options))
{
    m_readers.setMaxThreadCount(4);
}

LocalEngine::~LocalEngine()
{
    stop();
}

Result<std::unique_ptr<LocalEngine>> LocalEngine::open(Options options)
{
    if (options.config.dbUrl.isEmpty())
        options.config.dbUrl = Config::defaultDbUrl();
    if (options.workerId.isEmpty())
        options.workerId = QHostInfo::localHostName() + QLatin1Char(':') + QString::number(QCoreApplication::applicationPid());
    std::unique_ptr<LocalEngine> e(new LocalEngine(std::move(options)));
    auto db = store::Database::open(e->m_options.config.dbUrl);
    if (!db)
        return db.error();
    e->m_db = db.value();
    {
        auto c = e->m_db->acquire();
        if (!c)
            return c.error();
        auto applied = store::Migrator::migrate(*c.value());
        if (!applied)
            return applied.error();
        if (Status seeded = store::PromptRepository::seedDefaults(*c.value(), nowMs()); !seeded)
            return seeded.error();
    }
    const bool pg = e->m_db->dialect() == store::Dialect::Postgres;
    pipeline::Runner *runnerPtr = nullptr;
    if (e->m_options.runWorkers && !e->m_options.stages.empty()) {
        pipeline::Runner::Options ro;
        ro.workers = e->m_options.config.workers;
        ro.owner = e->m_options.workerId;
        ro.leaseMs = e->m_options.config.leaseMs;
        e->m_runner = std::make_unique<pipeline::Runner>(e->m_db, e->m_options.stages, ro);
        runnerPtr = e->m_runner.get();
    }
    if (e->m_options.acceptIngest) {
        e->m_committer = std::make_unique<pipeline::GroupCommitter>(
            e->m_db, kFirstStage, e->m_options.config.maxAttempts, pg ? qMax(1, qEnvironmentVariableIntValue("SALESFLOW_INGEST_COMMITTERS") ? qEnvironmentVariableIntValue("SALESFLOW_INGEST_COMMITTERS") : 2) : 1,
            [runnerPtr] {
                if (runnerPtr)
                    runnerPtr->waker().notify(); // SQLite has no NOTIFY; PostgreSQL's also arrives
            });
    }
    if (e->m_runner)
        e->m_runner->start();
    qCInfo(lcEngine) << "engine open on" << e->m_db->displayUrl() << "workers:"
                     << (e->m_runner ? e->m_options.config.workers : 0);
    return e;
}

void LocalEngine::stop()
{
    if (m_committer)
        m_committer->stop();
    if (m_runner)
        m_runner->stop();
    m_readers.waitForDone();
}

template <typename T, typename F>
QFuture<Result<T>> LocalEngine::onStore(F &&f)
{
    std::shared_ptr<store::Database> db = m_db;
    return QtConcurrent::run(&m_readers, [db, f = std::forward<F>(f)]() -> Result<T> {
        auto c = db->acquire();
        if (!c)
            return c.error();
        Result<T> r = f(*c.value());
        // A pooled connection may have died with a database restart; reads are safe to retry
        // once on a fresh one.
        if (!r.ok() && c.value()->broken()) {
            c = db->acquire();
            if (!c)
                return c.error();
            r = f(*c.value());
        }
        return r;
    });
}

QFuture<Result<QList<Result<IngestReceipt>>>> LocalEngine::ingest(QList<IngestItem> items)
{
    return ingestAs(QString(), std::move(items));
}

QFuture<Result<QList<Result<IngestReceipt>>>> LocalEngine::ingestAs(const QString &actor, QList<IngestItem> items)
{
    using Out = Result<QList<Result<IngestReceipt>>>;
    if (!m_committer)
        return QtFuture::makeReadyFuture(Out(makeError("ingest.disabled", QStringLiteral("this process does not accept events (--role worker)"), 503)));
    // Validate and key every item first; only admitted ones go to the committer.
    QList<Result<IngestReceipt>> answers;
    QList<store::NewRawEvent> accepted;
    QList<int> slots; // answers index per accepted event
    for (const IngestItem &item : items) {
        auto parts = sources::explode(item);
        if (!parts) {
            answers.append(parts.error());
            continue;
        }
        for (const IngestItem &part : parts.value()) {
            auto key = sources::admit(part);
            if (!key) {
                answers.append(key.error());
                continue;
            }
            slots.append(int(answers.size()));
            answers.append(Result<IngestReceipt>());
            accepted.append(store::NewRawEvent{ids::newEventId(), part.source, part.contentType, part.payload,
                                               key.value(), !actor.isEmpty() ? actor : !part.receivedBy.isEmpty() ? part.receivedBy : QStringLiteral("api")});
        }
    }
    if (accepted.isEmpty())
        return QtFuture::makeReadyFuture(Out(answers));
    return m_committer->submit(accepted).then([answers, slots](const pipeline::GroupCommitter::Receipts &r) mutable -> Out {
        if (!r)
            return r.error();
        for (qsizetype i = 0; i < slots.size(); ++i)
            answers[slots[i]] = r->at(i);
        return answers;
    });
}

QFuture<Result<Principal>> LocalEngine::authenticate(QByteArray token)
{
    const QByteArray key = ids::sha256Hex(token);
    {
        QMutexLocker lock(&m_authMutex);
        auto it = m_authCache.constFind(key);
        if (it != m_authCache.cend() && it->expiresMs > nowMs())
            return QtFuture::makeReadyFuture(Result<Principal>(it->principal));
    }
    return onStore<Principal>([this, token, key](store::Connection &c) -> Result<Principal> {
        auto p = store::TokenRepository::lookup(c, token);
        if (p) {
            QMutexLocker lock(&m_authMutex);
            if (m_authCache.size() > 10000)
                m_authCache.clear();
            m_authCache.insert(key, {p.value(), nowMs() + kAuthCacheMs});
        }
        return p;
    });
}

QFuture<Result<EventPage>> LocalEngine::listEvents(EventQuery query)
{
    return onStore<EventPage>([query](store::Connection &c) { return store::EventRepository::list(c, query); });
}

QFuture<Result<EventDetail>> LocalEngine::event(QString id)
{
    return onStore<EventDetail>([id](store::Connection &c) { return store::EventRepository::detail(c, id); });
}

QFuture<Result<Stats>> LocalEngine::stats()
{
    return onStore<Stats>([](store::Connection &c) { return store::EventRepository::stats(c, nowMs()); });
}

QFuture<Result<QList<AuditEntry>>> LocalEngine::audit(int limit, qint64 afterId)
{
    return onStore<QList<AuditEntry>>(
        [limit, afterId](store::Connection &c) { return store::EventRepository::audit(c, QString(), limit, afterId); });
}

QFuture<Status> LocalEngine::ready()
{
    return onStore<Done>([](store::Connection &c) { return store::Migrator::check(c); });
}

} // namespace salesflow
