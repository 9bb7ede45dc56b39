#include "runner.h"

#include "../core/printable.h"

#include "../core/metrics.h"

#include <QElapsedTimer>

#include "../core/clock.h"
#include "../core/logging.h"
#include "../store/database.h"
#include "../store/eventrepository.h"
#include "../store/pgarray.h"
#include "../store/pgconnection.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace salesflow::pipeline {

using queue::Job;
using queue::JobQueue;

Runner::Runner(std::shared_ptr<store::Database> db, std::vector<std::shared_ptr<IStage>> stages, Options options)
    : m_db(std::move(db)), m_stages(std::move(stages)), m_options(std::move(options)), m_keeper(m_db, m_options.leaseMs)
{ }

Runner::~Runner()
{
    stop();
}

void Runner::start()
{
    if (!m_threads.empty() || m_stages.empty())
        return;
    m_stopping = false;
    m_stop.reset();
    m_keeper.start();
    std::vector<IStage *> shared;
    for (const auto &stage : m_stages) {
        if (stage->dedicatedWorkers() <= 0) {
            shared.push_back(stage.get());
            continue;
        }
        for (int i = 0; i < stage->dedicatedWorkers(); ++i) {
            const QString owner = m_options.owner + QLatin1Char('/') + stage->name() + QString::number(i);
            m_threads.emplace_back([this, owner, s = stage.get()] { workerLoop(owner, {s}); });
        }
    }
    if (!shared.empty()) {
        for (int i = 0; i < m_options.workers; ++i) {
            const QString owner = m_options.owner + QLatin1Char('/') + QString::number(i);
            m_threads.emplace_back([this, owner, shared] { workerLoop(owner, shared); });
        }
    }
    if (m_db->dialect() == store::Dialect::Postgres)
        m_threads.emplace_back([this] { listenLoop(); });
}

void Runner::stop()
{
    m_stopping = true;
    m_stop.request();
    m_waker.stop();
    for (std::thread &t : m_threads)
        t.join();
    m_threads.clear();
    m_keeper.stop();
}

void Runner::listenLoop()
{
    int backoff = 100;
    while (!m_stopping) {
        auto conn = store::PgConnection::open(m_db->url());
        if (!conn) {
            qCWarning(lcQueue) << "listener cannot connect:" << conn.error().message;
            m_waker.wait(m_waker.generation(), backoff);
            backoff = qMin(backoff * 2, 5000);
            continue;
        }
        backoff = 100;
        if (auto r = conn.value()->exec(QByteArray("LISTEN " + JobQueue::channel()), {}); !r)
            continue;
        while (!m_stopping) {
            auto fired = conn.value()->waitForNotifications(200);
            if (!fired) {
                qCWarning(lcQueue) << "listener lost its connection:" << fired.error().message;
                break;
            }
            for (const store::PgConnection::Notification &n : fired.value())
                m_waker.notify(n.payload); // the stage whose jobs arrived (empty: any)
        }
    }
}

void Runner::workerLoop(const QString &owner, std::vector<IStage *> stages)
{
    const StopToken::Scope stopScope(&m_stop);
    std::unique_ptr<store::Connection> conn;
    int backoff = 100;
    size_t next = 0;
    QList<Job> stranded; // leased, run, not committed: the store was down
    std::vector<Drained> drained(stages.size());
    while (!m_stopping) {
        if (!conn || conn->broken()) {
            auto c = m_db->connect();
            if (!c) {
                qCWarning(lcQueue) << owner << "cannot connect:" << c.error().message;
                m_waker.wait(m_waker.generation(), backoff);
                backoff = qMin(backoff * 2, 5000);
                continue;
            }
            conn = std::move(c).value();
            backoff = 100;
        }
        if (!stranded.isEmpty()) {
            if (Status given = JobQueue::release(*conn, stranded, nowMs()); given) {
                qCInfo(lcQueue) << owner << "gave back" << stranded.size() << "jobs whose commit the store missed";
                stranded.clear();
            } else { // tried again on the next round; their leases run out meanwhile at worst
                qCWarning(lcQueue) << owner << "could not give back" << stranded.size()
                                   << "jobs yet:" << given.error().message;
            }
        }
        const quint64 gen = m_waker.generation();
        bool worked = false;
        for (size_t k = 0; k < stages.size() && !m_stopping; ++k) {
            const size_t i = (next + k) % stages.size();
            IStage &stage = *stages[i];
            const quint64 announced = m_waker.stageGeneration(stage.name());
            if (drained[i].seen(announced, nowMs(), m_options.pollMs))
                continue; // nothing announced since it ran dry: no statement to learn that again
            auto jobs = JobQueue::lease(*conn, stage.name(), stage.batchSize(), owner, m_options.leaseMs, nowMs());
            if (!jobs) {
                qCWarning(lcQueue) << owner << "lease failed:" << jobs.error().message;
                break;
            }
            drained[i] = jobs->size() < stage.batchSize() ? Drained{announced, nowMs()} : Drained{};
            if (jobs->isEmpty())
                continue;
            worked = true;
            QList<Result<StageOutput>> outputs;
            // Renewed while they run, up to the stage's longest run time.
            m_keeper.hold(jobs.value(), stage.leaseMs() > 0 ? stage.leaseMs() : m_options.leaseMs);
            processBatch(*conn, stage, jobs.value(), outputs, &stranded);
            m_keeper.release(jobs.value());
        }
        ++next;
        if (!worked && !m_stopping)
            m_waker.wait(gen, m_options.pollMs);
    }
}

bool Runner::processBatch(store::Connection &c, IStage &stage, const QList<Job> &jobs,
                          QList<Result<StageOutput>> &outputs, QList<Job> *stranded)
{
    LogScope scope({{}, {}, {}, stage.name()});
    outputs.clear();
    QList<Job> runnable;
    for (const Job &job : jobs) {
        if (job.attempts <= job.maxAttempts)
            runnable.append(job);
    }
    QElapsedTimer took;
    took.start();
    QList<Result<StageOutput>> ran = runnable.isEmpty() ? QList<Result<StageOutput>>() : stage.runBatch(runnable, c);
    if (!runnable.isEmpty()) {
        Metrics::instance().observe("salesflow_stage_run_seconds", Metrics::label("stage", stage.name()),
                                    double(took.nsecsElapsed()) / 1e9);
        for (const auto &r : ran)
            Metrics::instance().add("salesflow_stage_jobs_total",
                                    Metrics::label("stage", stage.name())
                                        + (r ? ",outcome=\"ok\"" : ",outcome=\"error\""));
    }
    qsizetype next = 0;
    for (const Job &job : jobs) {
        if (job.attempts > job.maxAttempts) {
            // Its last attempt never finished (the worker died or its lease ran out).
            outputs.append(
                permanentError("permanent.attempts",
                               QStringLiteral("gave up after %1 attempts whose leases expired").arg(job.maxAttempts)));
            continue;
        }
        outputs.append(next < ran.size() ? ran[next]
                                         : Result<StageOutput>(makeError(
                                             "stage.batch", QStringLiteral("the stage returned too few results"))));
        ++next;
    }
    Error err;
    if (commitBatch(c, stage, jobs, outputs, &err))
        return true;
    if (store::isUnavailable(err) || c.broken()) {
        // Nothing committed: the jobs are given back as soon as the store answers again, instead
        // of waiting out their leases (15 minutes for enrich).
        qCWarning(lcQueue) << "batch commit failed, store unavailable:" << err.message;
        *stranded += jobs;
        return false;
    }
    // One job's writes broke the batch: commit them one by one, so only that job retries.
    qCWarning(lcQueue) << "batch commit failed, committing jobs one by one:" << err.message;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        Error one;
        if (commitBatch(c, stage, {jobs[i]}, {outputs[i]}, &one))
            continue;
        Result<StageOutput> failure = Error{QStringLiteral("stage.commit"), one.message, 500};
        if (!commitBatch(c, stage, {jobs[i]}, {failure}, &one))
            qCWarning(lcQueue) << "job" << jobs[i].id << "could not record its failure:" << one.message;
    }
    return false;
}

namespace {

/// What one batch's commit writes besides the jobs themselves.
struct Outcomes
{
    QList<store::Transition> transitions;
    QHash<QString, QList<QString>> nextJobs; ///< stage -> event ids
    int retried = 0;
    int failed = 0;
};

Status recordSuccess(store::Connection &c, const Job &job, const StageOutput &out, Outcomes &o)
{
    if (out.apply) {
        if (Status s = out.apply(c); !s)
            return s;
    }
    if (!out.newStatus.isEmpty())
        o.transitions.append({job.eventId, out.newStatus, {}, {}, out.detail});
    if (!out.nextStage.isEmpty())
        o.nextJobs[out.nextStage].append(job.eventId);
    return Done{};
}

/// Hold: back to the queue without using an attempt; Backoff: retried while attempts last;
/// otherwise the event fails with the stage and the error.
Status recordFailure(store::Connection &c, const QString &stage, const Job &job, const Error &e, qint64 now,
                     Outcomes &o)
{
    if (e.retry == Retry::Hold) {
        // Not the job's fault: put it back for later without using an attempt.
        if (Status s = JobQueue::release(c, {job}, now + qMax<qint64>(1000, e.retryAfterMs)); !s)
            return s;
        return JobQueue::noteError(c, job, printable(e.message));
    }
    if (e.retry != Retry::Permanent && job.attempts < job.maxAttempts) {
        auto r = JobQueue::retry(c, job, printable(e.message), now + JobQueue::backoffMs(job.attempts));
        if (!r)
            return r.error();
        o.retried += r.value() ? 1 : 0;
        return Done{};
    }
    auto r = JobQueue::complete(c, {job});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return Done{}; // lease lost: another worker owns this job now
    o.transitions.append({job.eventId, EventStatus::Failed, stage, printable(e.message),
                          QStringLiteral("attempt %1 of %2").arg(job.attempts).arg(job.maxAttempts)});
    LogScope scope({{}, {}, job.eventId, {}});
    qCWarning(lcPipeline).noquote() << "event failed at" << stage << "after attempt" << job.attempts << "of"
                                    << job.maxAttempts << QStringLiteral("(%1):").arg(e.code) << e.message;
    ++o.failed;
    return Done{};
}

/// The jobs whose stage succeeded, completed; answers the ids this worker still held.
Result<QSet<qint64>> completeSucceeded(store::Connection &c, const QList<Job> &jobs,
                                       const QList<Result<StageOutput>> &outputs)
{
    QList<Job> succeeded;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        if (outputs[i].ok())
            succeeded.append(jobs[i]);
    }
    auto doneIds = JobQueue::complete(c, succeeded);
    if (!doneIds)
        return doneIds.error();
    return QSet<qint64>(doneIds->begin(), doneIds->end());
}

/// The contended keys of the jobs about to apply, locked in one order for the transaction
/// (PostgreSQL; SQLite has one writer at a time).
Status lockContended(store::Connection &c, const QList<Job> &jobs, const QList<Result<StageOutput>> &outputs,
                     const QSet<qint64> &done)
{
    if (c.dialect() != store::Dialect::Postgres)
        return Done{};
    QStringList keys;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        if (outputs[i].ok() && done.contains(jobs[i].id))
            keys += outputs[i].value().contended;
    }
    if (keys.isEmpty())
        return Done{};
    // 7243: this lock space's first key, apart from the migrator's and the rate budget's.
    auto r = c.exec("SELECT pg_advisory_xact_lock(7243, h) FROM"
                    " (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h OFFSET 0) AS ordered",
                    {store::pgTextArray(keys)});
    if (!r)
        return r.error();
    return Done{};
}

/// The batch's shared writes (StageOutput::batchWrite), each once, for the jobs about to apply.
Status applyBatchWrites(store::Connection &c, const QList<Job> &jobs, const QList<Result<StageOutput>> &outputs,
                        const QSet<qint64> &done)
{
    QList<std::pair<BatchWrite *, QList<int>>> writes;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        if (!outputs[i].ok() || !done.contains(jobs[i].id) || !outputs[i].value().batchWrite)
            continue;
        BatchWrite *w = outputs[i].value().batchWrite.get();
        auto it = std::find_if(writes.begin(), writes.end(), [w](const auto &e) { return e.first == w; });
        if (it == writes.end())
            it = writes.insert(writes.end(), {w, {}});
        it->second.append(outputs[i].value().batchPart);
    }
    for (const auto &[write, parts] : std::as_const(writes)) {
        if (Status s = write->apply(c, parts); !s)
            return s;
    }
    return Done{};
}

} // namespace

bool Runner::commitBatch(store::Connection &c, IStage &stage, const QList<Job> &jobs,
                         const QList<Result<StageOutput>> &outputs, Error *err)
{
    const qint64 now = nowMs();
    auto fail = [err](const Error &e) {
        *err = e;
        return false;
    };
    store::Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return fail(s.error());
    auto done = completeSucceeded(c, jobs, outputs);
    if (!done)
        return fail(done.error());
    if (Status s = lockContended(c, jobs, outputs, done.value()); !s)
        return fail(s.error());
    if (Status s = applyBatchWrites(c, jobs, outputs, done.value()); !s)
        return fail(s.error());
    Outcomes o;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        if (outputs[i].ok() && !done->contains(jobs[i].id))
            continue; // lease lost: another worker owns this job now; our work is discarded
        const Status s = outputs[i].ok() ? recordSuccess(c, jobs[i], outputs[i].value(), o)
                                         : recordFailure(c, stage.name(), jobs[i], outputs[i].error(), now, o);
        if (!s)
            return fail(s.error());
    }
    if (Status s = store::TransitionWriter::write(c, o.transitions, QStringLiteral("engine:") + stage.name(), now); !s)
        return fail(s.error());
    for (auto it = o.nextJobs.cbegin(); it != o.nextJobs.cend(); ++it) {
        if (Status s = JobQueue::enqueue(c, it.value(), it.key(), jobs.first().maxAttempts, now, now); !s)
            return fail(s.error());
    }
    if (Status s = tx.commit(); !s)
        return fail(s.error());
    completed += done->size();
    retried += o.retried;
    failed += o.failed;
    for (auto it = o.nextJobs.cbegin(); it != o.nextJobs.cend(); ++it)
        m_waker.notify(it.key());
    return true;
}

} // namespace salesflow::pipeline
