#include "localengine.h"

#include "../core/clock.h"
#include "../core/ids.h"
#include "../core/logging.h"
#include "../pipeline/ingest/groupcommitter.h"
#include "../pipeline/preview.h"
#include "../pipeline/replayworker.h"
#include "../pipeline/runner.h"
#include "../sources/intake.h"
#include "../store/dashboardrepository.h"
#include "../store/database.h"
#include "../store/eventrepository.h"
#include "../store/migrator.h"
#include "../store/promptrepository.h"
#include "../store/tokenrepository.h"
#include "../store/userrepository.h"
#include "authcache.h"
#include "changefeed.h"
#include "feedhead.h"
#include "storecall.h"

#include <QHostInfo>
#include <QPromise>
#include <QtConcurrent>

namespace salesflow {

namespace {
const QString kFirstStage = QStringLiteral("normalise");
constexpr int kMaxWaitMs = 30000;
constexpr int kPollMs = 250; // other processes' changes are seen by polling this often

} // namespace

LocalEngine::LocalEngine(Options options)
    : m_options(std::move(options)), m_authCache(std::make_shared<local::AuthCache>())
{
    m_readers.setMaxThreadCount(4);
    m_waiters.setMaxThreadCount(256); // one per waiting long poll (desktop clients), mostly asleep
    m_logins.setMaxThreadCount(2);
    m_previews.setMaxThreadCount(2);
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
        options.workerId
            = QHostInfo::localHostName() + QLatin1Char(':') + QString::number(QCoreApplication::applicationPid());
    std::unique_ptr<LocalEngine> e(new LocalEngine(std::move(options)));
    auto db = store::Database::open(e->m_options.config.dbUrl);
    if (!db)
        return db.error();
    e->m_db = db.value();
    e->m_feedHead = std::make_unique<local::FeedHead>(e->m_db);
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
            e->m_db, kFirstStage, e->m_options.config.maxAttempts,
            pg ? qMax(1,
                      qEnvironmentVariableIntValue("SALESFLOW_INGEST_COMMITTERS")
                          ? qEnvironmentVariableIntValue("SALESFLOW_INGEST_COMMITTERS")
                          : 2)
               : 1,
            [runnerPtr, engine = e.get()] {
                engine->announceChange();
                if (runnerPtr)
                    runnerPtr->waker().notify(); // SQLite has no NOTIFY; PostgreSQL's also arrives
            });
    }
    if (e->m_runner)
        e->m_runner->start();
    e->setUpPreview();
    if (e->m_options.runReplays)
        e->startReplayWorker();
    qCInfo(lcEngine) << "engine open on" << e->m_db->displayUrl()
                     << "workers:" << (e->m_runner ? e->m_options.config.workers : 0);
    return e;
}

void LocalEngine::endLongPolls()
{
    QMutexLocker lock(&m_changeMutex);
    m_stopping = true;
    m_changed.wakeAll();
}

void LocalEngine::stop()
{
    endLongPolls();
    if (m_committer)
        m_committer->stop();
    if (m_runner)
        m_runner->stop();
    if (m_replayWorker)
        m_replayWorker->stop();
    m_readers.waitForDone();
    m_previews.waitForDone();
    m_waiters.waitForDone();
    m_logins.waitForDone();
}

void LocalEngine::announceChange()
{
    m_feedHead->invalidate();
    QMutexLocker lock(&m_changeMutex);
    m_changed.wakeAll();
}

namespace {

Status validate(const EventQuery &q)
{
    if (!q.status.isEmpty() && !EventStatus::all().contains(q.status))
        return makeError("query.status", QStringLiteral("unknown status '%1'").arg(q.status), 400);
    if (!q.source.isEmpty() && !sources::isKnownSource(q.source))
        return makeError("query.source", QStringLiteral("unknown source '%1'").arg(q.source), 400);
    if (q.limit < 1 || q.limit > 1000)
        return makeError("query.limit", QStringLiteral("limit is 1 to 1000"), 400);
    if (q.sinceMs < 0 || q.untilMs < 0)
        return makeError("query.time", QStringLiteral("since/until are times after 1970"), 400);
    if (q.ids.size() > 1000)
        return makeError("query.ids", QStringLiteral("at most 1000 ids at a time"), 400);
    if (!q.after.isEmpty() && !ids::isEventId(q.after))
        return makeError("query.cursor", QStringLiteral("'after' is not a cursor this server gave out"), 400);
    return Done{};
}

Status validate(const AuditQuery &q)
{
    if (q.limit < 1 || q.limit > 1000)
        return makeError("query.limit", QStringLiteral("limit is 1 to 1000"), 400);
    if (q.sinceMs < 0 || q.untilMs < 0)
        return makeError("query.time", QStringLiteral("since/until are times after 1970"), 400);
    return Done{};
}

} // namespace

QFuture<Result<QList<Result<IngestReceipt>>>> LocalEngine::ingest(const Caller &caller, QList<IngestItem> items)
{
    using Out = Result<QList<Result<IngestReceipt>>>;
    if (Status allowed = allow(caller, Permission::Ingest); !allowed)
        return QtFuture::makeReadyFuture(Out(allowed.error()));
    const QString actor = caller.actor();
    if (!m_committer)
        return QtFuture::makeReadyFuture(Out(
            makeError("ingest.disabled", QStringLiteral("this process does not accept events (--role worker)"), 503)));
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
            accepted.append(
                store::NewRawEvent{ids::newEventId(), part.source, part.contentType, part.payload, key.value(), actor});
        }
    }
    if (accepted.isEmpty())
        return QtFuture::makeReadyFuture(Out(answers));
    auto promise = std::make_shared<QPromise<Out>>();
    QFuture<Out> answered = promise->future();
    promise->start();
    m_committer->submit(accepted, [promise, answers, slots](const pipeline::GroupCommitter::Receipts &r) mutable {
        if (r) {
            for (qsizetype i = 0; i < slots.size(); ++i)
                answers[slots[i]] = r->at(i);
        }
        promise->addResult(r ? Out(answers) : Out(r.error()));
        promise->finish();
    });
    return answered;
}

QFuture<Result<Caller>> LocalEngine::authenticate(QByteArray token)
{
    const QByteArray key = ids::sha256Hex(token);
    if (token.startsWith("sfs_")) {
        // A person's session: not cached, so an expiry, a disable or a new password ends it at once.
        return onStore<Caller>([key](store::Connection &c) { return store::UserRepository::session(c, key, nowMs()); });
    }
    if (auto cached = m_authCache->find(key, nowMs()))
        return QtFuture::makeReadyFuture(Result<Caller>(*cached));
    std::shared_ptr<local::AuthCache> cache = m_authCache;
    return onStore<Caller>([cache, token, key](store::Connection &c) -> Result<Caller> {
               auto marker = store::TokenRepository::revocationMarker(c);
               if (!marker)
                   return marker.error();
               cache->revocationsRead(marker.value(), nowMs());
               auto caller = store::TokenRepository::lookup(c, token);
               if (caller)
                   cache->insert(key, caller.value(), nowMs());
               return caller;
           })
        .then([cache, key](const Result<Caller> &r) -> Result<Caller> {
            if (r || !store::isUnavailable(r.error()))
                return r;
            if (auto known = cache->findWhileStoreDown(key, nowMs()))
                return *known; // the store is down: monitoring still learns that from /metrics
            return r;
        });
}

QFuture<Result<EventPage>> LocalEngine::listEvents(const Caller &caller, EventQuery query)
{
    if (Status allowed = allow(caller, Permission::Read); !allowed)
        return refused<EventPage>(allowed.error());
    if (Status valid = validate(query); !valid)
        return refused<EventPage>(valid.error());
    return onStoreAs<EventPage>(caller, Permission::Read,
                                [query](store::Connection &c) { return store::EventRepository::list(c, query); });
}

QFuture<Result<EventDetail>> LocalEngine::event(const Caller &caller, QString id)
{
    return onStoreAs<EventDetail>(caller, Permission::Read,
                                  [id](store::Connection &c) { return store::EventRepository::detail(c, id); });
}

QFuture<Result<Stats>> LocalEngine::stats(const Caller &caller)
{
    // The day's HubSpot budget is this deployment's setting (SALESFLOW_HUBSPOT_DAILY less the reserve).
    const qint64 budget = qint64(double(m_options.config.hubspotDaily) * (1.0 - m_options.config.hubspotDailyReserve));
    return onStoreAs<Stats>(caller, Permission::Read, [budget](store::Connection &c) -> Result<Stats> {
        auto s = store::EventRepository::stats(c, nowMs());
        if (s)
            s->hubspotDailyBudget = budget;
        return s;
    });
}

QFuture<Result<Dashboard>> LocalEngine::dashboard(const Caller &caller, qint64 sinceMs)
{
    const qint64 now = nowMs();
    if (sinceMs > now)
        return refused<Dashboard>(makeError("query.time", QStringLiteral("since is in the future"), 400));
    constexpr qint64 kDay = 24 * 3600 * 1000;
    const qint64 since = sinceMs <= 0 ? now - 7 * kDay : qMax(sinceMs, now - 31 * kDay);
    const qint64 budget = qint64(double(m_options.config.hubspotDaily) * (1.0 - m_options.config.hubspotDailyReserve));
    return onStoreAs<Dashboard>(caller, Permission::Read, [since, now, budget](store::Connection &c) {
        auto d = store::DashboardRepository::read(c, since, now);
        if (d)
            d->hubspotDailyBudget = budget;
        return d;
    });
}

QFuture<Result<AuditPage>> LocalEngine::audit(const Caller &caller, AuditQuery query)
{
    if (Status allowed = allow(caller, Permission::Read); !allowed)
        return refused<AuditPage>(allowed.error());
    if (Status valid = validate(query); !valid)
        return refused<AuditPage>(valid.error());
    return onStoreAs<AuditPage>(caller, Permission::Read,
                                [query](store::Connection &c) { return store::EventRepository::audit(c, query); });
}

QFuture<Result<QByteArray>> LocalEngine::createToken(const Caller &caller, QString name, Role role)
{
    const QString actor = caller.actor();
    return onStoreAs<QByteArray>(caller, Permission::Admin, [name, role, actor](store::Connection &c) {
        return store::TokenRepository::create(c, name, role, actor, nowMs());
    });
}

Result<int> LocalEngine::migrate(const QString &dbUrl)
{
    auto db = store::Database::open(dbUrl);
    if (!db)
        return db.error();
    auto c = db.value()->acquire();
    if (!c)
        return c.error();
    return store::Migrator::migrate(*c.value());
}

int LocalEngine::schemaVersion()
{
    return store::Migrator::latestVersion();
}

QString LocalEngine::storeDisplayUrl() const
{
    return m_db->displayUrl();
}

QFuture<Result<int>> LocalEngine::revokeToken(const Caller &caller, QString name)
{
    const QString actor = caller.actor();
    std::shared_ptr<local::AuthCache> cache = m_authCache;
    return onStoreAs<int>(caller, Permission::Admin, [name, actor, cache](store::Connection &c) {
        auto revoked = store::TokenRepository::revoke(c, name, actor, nowMs());
        cache->clear(); // this process stops honouring it now; the others within AuthCache::kCheckMs
        return revoked;
    });
}

QFuture<Status> LocalEngine::ready()
{
    return onStore<Done>([](store::Connection &c) { return store::Migrator::check(c); });
}

QFuture<Result<ChangeSet>> LocalEngine::changes(const Caller &caller, QString cursor, int waitMs)
{
    if (Status allowed = allow(caller, Permission::Read); !allowed)
        return QtFuture::makeReadyFuture(Result<ChangeSet>(allowed.error()));
    if (cursor.isEmpty())
        return onStore<ChangeSet>([db = m_db](store::Connection &) { return local::ChangeFeed::now(*db); });
    auto from = local::ChangeFeed::parseCursor(cursor);
    if (!from)
        return QtFuture::makeReadyFuture(Result<ChangeSet>(from.error()));
    const qint64 deadline = nowMs() + qBound(0, waitMs, kMaxWaitMs);
    return QtConcurrent::run(&m_waiters, [this, f = from.value(), deadline] { return waitForChanges(f, deadline); });
}

Result<ChangeSet> LocalEngine::waitForChanges(store::FeedPosition from, qint64 deadlineMs)
{
    for (;;) {
        const bool last = nowMs() >= deadlineMs || m_stopping;
        // One read of the head serves every waiting client; the feed itself only when it moved.
        auto head = m_feedHead->get(kPollMs);
        if (last || !head || local::FeedHead::movedPast(head.value(), from)) {
            auto set = local::ChangeFeed::after(*m_db, from);
            if (!set)
                return set;
            if (last || !set->items.isEmpty()) {
                auto counts = m_feedHead->counts(kPollMs); // one count for the waiters one commit woke
                if (!counts)
                    return counts.error();
                set->counts = counts.value();
                return set;
            }
            from = local::ChangeFeed::parseCursor(set->cursor).value(); // entries about no event move it on
        }
        QMutexLocker lock(&m_changeMutex);
        if (!m_stopping)
            m_changed.wait(&m_changeMutex, QDeadlineTimer(qMin<qint64>(deadlineMs - nowMs(), kPollMs)));
    }
}

} // namespace salesflow
