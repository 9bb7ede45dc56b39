#include "runner.h"

#include "../core/clock.h"
#include "../core/logging.h"
#include "../store/database.h"
#include "../store/eventrepository.h"
#include "../store/pgconnection.h"

#include <QHash>

namespace salesflow::pipeline {

using queue::Job;
using queue::JobQueue;

Runner::Runner(std::shared_ptr<store::Database> db, std::vector<std::shared_ptr<IStage>> stages,
               Options options)
    : m_db(std::move(db)), m_stages(std::move(stages)), m_options(std::move(options))
{
}

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
            if (!fired->isEmpty())
                m_waker.notify();
        }
    }
}

void Runner::workerLoop(const QString &owner, std::vector<IStage *> stages)
{
    const StopToken::Scope stopScope(&m_stop);
    std::unique_ptr<store::Connection> conn;
    int backoff = 100;
    size_t next = 0;
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
        const quint64 gen = m_waker.generation();
        bool worked = false;
        for (size_t k = 0; k < stages.size() && !m_stopping; ++k) {
            IStage &stage = *stages[(next + k) % stages.size()];
            auto jobs = JobQueue::lease(*conn, stage.name(), stage.batchSize(), owner,
                                        stage.leaseMs() > 0 ? stage.leaseMs() : m_options.leaseMs, nowMs());
            if (!jobs) {
                qCWarning(lcQueue) << owner << "lease failed:" << jobs.error().message;
                break;
            }
            if (jobs->isEmpty())
                continue;
            worked = true;
            QList<Result<StageOutput>> outputs;
            processBatch(*conn, stage, jobs.value(), outputs);
        }
        ++next;
        if (!worked && !m_stopping)
            m_waker.wait(gen, m_options.pollMs);
    }
}

bool Runner::processBatch(store::Connection &c, IStage &stage, const QList<Job> &jobs,
                          QList<Result<StageOutput>> &outputs)
{
    outputs.clear();
    QList<Job> runnable;
    for (const Job &job : jobs) {
        if (job.attempts <= job.maxAttempts)
            runnable.append(job);
    }
    QList<Result<StageOutput>> ran = runnable.isEmpty() ? QList<Result<StageOutput>>() : stage.runBatch(runnable, c);
    qsizetype next = 0;
    for (const Job &job : jobs) {
        if (job.attempts > job.maxAttempts) {
            // Its last attempt never finished (the worker died or its lease ran out).
            outputs.append(permanentError("permanent.attempts",
                                     QStringLiteral("gave up after %1 attempts whose leases expired")
                                         .arg(job.maxAttempts)));
            continue;
        }
        outputs.append(next < ran.size() ? ran[next] : Result<StageOutput>(makeError("stage.batch", QStringLiteral("the stage returned too few results"))));
        ++next;
    }
    Error err;
    if (commitBatch(c, stage, jobs, outputs, &err))
        return true;
    if (store::isUnavailable(err) || c.broken()) {
        // Nothing committed; the leases fall due again and another attempt runs then.
        qCWarning(lcQueue) << "batch commit failed, store unavailable:" << err.message;
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

bool Runner::commitBatch(store::Connection &c, IStage &stage, const QList<Job> &jobs,
                         const QList<Result<StageOutput>> &outputs, Error *err)
{
    const qint64 now = nowMs();
    const QString actor = QStringLiteral("engine:") + stage.name();
    store::Tx tx(c);
    if (Status s = tx.begin(true); !s) {
        *err = s.error();
        return false;
    }
    QList<Job> succeeded;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        if (outputs[i].ok())
            succeeded.append(jobs[i]);
    }
    auto doneIds = JobQueue::complete(c, succeeded);
    if (!doneIds) {
        *err = doneIds.error();
        return false;
    }
    const QSet<qint64> done(doneIds->begin(), doneIds->end());
    QList<store::Transition> transitions;
    QHash<QString, QList<QString>> nextJobs;
    int retriedHere = 0, failedHere = 0;
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        const Job &job = jobs[i];
        const Result<StageOutput> &out = outputs[i];
        if (out.ok()) {
            if (!done.contains(job.id))
                continue; // lease lost: another worker owns this job now; our work is discarded
            if (out->apply) {
                if (Status s = out->apply(c); !s) {
                    *err = s.error();
                    return false;
                }
            }
            if (!out->newStatus.isEmpty())
                transitions.append({job.eventId, out->newStatus, {}, {}, out->detail});
            if (!out->nextStage.isEmpty())
                nextJobs[out->nextStage].append(job.eventId);
            continue;
        }
        const Error &e = out.error();
        if (e.retry == Retry::Hold) {
            // Not the job's fault: put it back for later without using an attempt.
            if (Status s = JobQueue::release(c, {job}, now + qMax<qint64>(1000, e.retryAfterMs)); !s) {
                *err = s.error();
                return false;
            }
            if (Status s = JobQueue::noteError(c, job, e.message); !s) {
                *err = s.error();
                return false;
            }
            continue;
        }
        const bool permanent = e.retry == Retry::Permanent;
        if (!permanent && job.attempts < job.maxAttempts) {
            auto r = JobQueue::retry(c, job, e.message, now + JobQueue::backoffMs(job.attempts));
            if (!r) {
                *err = r.error();
                return false;
            }
            retriedHere += r.value() ? 1 : 0;
            continue;
        }
        auto r = JobQueue::complete(c, {job});
        if (!r) {
            *err = r.error();
            return false;
        }
        if (r->isEmpty())
            continue;
        transitions.append({job.eventId, EventStatus::Failed, stage.name(), e.message,
                            QStringLiteral("attempt %1 of %2").arg(job.attempts).arg(job.maxAttempts)});
        ++failedHere;
    }
    if (Status s = store::TransitionWriter::write(c, transitions, actor, now); !s) {
        *err = s.error();
        return false;
    }
    for (auto it = nextJobs.cbegin(); it != nextJobs.cend(); ++it) {
        if (Status s = JobQueue::enqueue(c, it.value(), it.key(), jobs.first().maxAttempts, now, now); !s) {
            *err = s.error();
            return false;
        }
    }
    if (Status s = tx.commit(); !s) {
        *err = s.error();
        return false;
    }
    completed += done.size();
    retried += retriedHere;
    failed += failedHere;
    if (!nextJobs.isEmpty())
        m_waker.notify();
    return true;
}

} // namespace salesflow::pipeline
