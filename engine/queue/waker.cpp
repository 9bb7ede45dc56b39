#include "waker.h"

#include <chrono>

namespace salesflow::queue {

void Waker::notify(const QString &stage)
{
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
        if (stage.isEmpty())
            ++m_allStages;
        else
            ++m_stages[stage];
    }
    m_cv.notify_all();
}

quint64 Waker::generation() const
{
    std::lock_guard lock(m_mutex);
    return m_generation;
}

quint64 Waker::stageGeneration(const QString &stage) const
{
    std::lock_guard lock(m_mutex);
    return m_allStages + m_stages.value(stage);
}

bool Waker::wait(quint64 seen, int timeoutMs)
{
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return m_stopped || m_generation != seen; });
}

void Waker::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
    }
    m_cv.notify_all();
}

bool Waker::stopped() const
{
    std::lock_guard lock(m_mutex);
    return m_stopped;
}

} // namespace salesflow::queue
