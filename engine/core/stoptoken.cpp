#include "stoptoken.h"

#include <chrono>
#include <thread>

namespace salesflow {

namespace {
thread_local const StopToken *t_current = nullptr;
}

void StopToken::request()
{
    {
        std::lock_guard lock(m_mutex);
        m_requested = true;
    }
    m_wake.notify_all();
}

void StopToken::reset()
{
    std::lock_guard lock(m_mutex);
    m_requested = false;
}

bool StopToken::sleepFor(qint64 ms) const
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, std::chrono::milliseconds(qMax<qint64>(0, ms)),
                            [this] { return m_requested.load(); });
}

const StopToken *StopToken::current()
{
    return t_current;
}

bool StopToken::stopping()
{
    return t_current && t_current->requested();
}

bool StopToken::sleep(qint64 ms)
{
    if (t_current)
        return t_current->sleepFor(ms);
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return true;
}

StopToken::Scope::Scope(const StopToken *token) : m_previous(t_current)
{
    t_current = token;
}

StopToken::Scope::~Scope()
{
    t_current = m_previous;
}

} // namespace salesflow
