#pragma once

#include <QHash>
#include <QString>

#include <condition_variable>
#include <mutex>

namespace salesflow::queue {

/// Wakes idle workers when jobs arrive: in-process for SQLite (and for jobs this process
/// enqueued), fed by LISTEN/NOTIFY for jobs other PostgreSQL processes enqueued.
///
/// A wake-up may name the stage whose jobs arrived, so a worker can tell which of its stages
/// may have work without asking the database (stageGeneration()); one without a stage counts
/// for every stage.
class Waker
{
public:
    void notify(const QString &stage = {});
    /// The current generation: take it before looking for work, then wait() with it, so a
    /// notification that arrives in between is not missed.
    quint64 generation() const;
    /// Moves whenever a wake-up names `stage` or no stage: equal values mean no jobs were
    /// announced for it in between.
    quint64 stageGeneration(const QString &stage) const;
    /// Sleeps until notified after `seen` or `timeoutMs` passed; returns true when notified.
    bool wait(quint64 seen, int timeoutMs);
    void stop();
    bool stopped() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    quint64 m_generation = 0;
    quint64 m_allStages = 0; ///< wake-ups that named no stage
    QHash<QString, quint64> m_stages;
    bool m_stopped = false;
};

} // namespace salesflow::queue
