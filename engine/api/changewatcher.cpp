#include "changewatcher.h"

#include <QTimer>

namespace salesflow {

namespace {
constexpr int kWaitMs = 25000; // below common proxy idle timeouts
constexpr int kFirstRetryMs = 1000; // then doubled per failure, up to kMaxRetryMs
constexpr int kMaxRetryMs = 10000;
} // namespace

ChangeWatcher::ChangeWatcher(IEngine *engine, Caller caller, QObject *parent)
    : QObject(parent), m_engine(engine), m_caller(std::move(caller))
{ }

ChangeWatcher::~ChangeWatcher() = default;

void ChangeWatcher::start()
{
    if (m_running)
        return;
    m_running = true;
    ++m_generation;
    m_cursor.clear();
    poll(0);
}

void ChangeWatcher::stop()
{
    m_running = false;
    ++m_generation;
}

void ChangeWatcher::poll(int waitMs)
{
    const quint64 generation = m_generation;
    m_engine->changes(m_caller, m_cursor, waitMs).then(this, [this, generation](const Result<ChangeSet> &r) {
        if (!m_running || generation != m_generation)
            return;
        if (!r) {
            if (r.error().code == QLatin1String("changes.cursor"))
                m_cursor.clear(); // the engine does not know it (another store): start from now
            Q_EMIT failed(r.error().message);
            const int delay = qMin(kMaxRetryMs, kFirstRetryMs << qMin(m_failures++, 4));
            QTimer::singleShot(delay, this, [this, generation] {
                if (m_running && generation == m_generation)
                    poll(0); // answers at once: back online shows without waiting out a long poll
            });
            return;
        }
        const bool first = m_cursor.isEmpty();
        if (m_failures > 0) {
            m_failures = 0;
            Q_EMIT reconnected();
        }
        m_cursor = r->cursor;
        if (first || !r->items.isEmpty())
            Q_EMIT changed(r.value());
        poll(kWaitMs);
    });
}

} // namespace salesflow
