#pragma once

#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace salesflow {

/// A request to stop, seen by everything a worker thread may block in: the sleeps between
/// retries wake at once and a blocking HTTP call (LLM, HubSpot) is aborted, so a graceful stop
/// takes a moment rather than minutes. The pipeline's Runner owns one and makes it current on
/// each of its worker threads; code that blocks asks StopToken::current(), so no signature
/// between the runner and the HTTP call has to carry it. Threads with no current token never
/// stop early.
class StopToken
{
public:
    void request();
    void reset();
    bool requested() const { return m_requested.load(); }
    /// Sleeps up to `ms`; false when a stop was requested (before or meanwhile).
    bool sleepFor(qint64 ms) const;

    /// The token of the calling thread, or null.
    static const StopToken *current();
    /// True when the calling thread's token asks to stop.
    static bool stopping();
    /// Sleeps up to `ms` on the calling thread's token (plainly when it has none); false when
    /// a stop was requested.
    static bool sleep(qint64 ms);

    /// Makes `token` current on this thread for the scope's lifetime.
    class Scope
    {
    public:
        explicit Scope(const StopToken *token);
        ~Scope();
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        const StopToken *m_previous;
    };

private:
    std::atomic<bool> m_requested{false};
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_wake;
};

} // namespace salesflow
