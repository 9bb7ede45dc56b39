#include "feedhead.h"

#include "../store/database.h"
#include "../store/eventrepository.h"

#include <chrono>

namespace salesflow::local {

namespace {
/// Real elapsed time (not the injectable clock: a test's frozen clock must not freeze the feed).
qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
} // namespace

Result<store::FeedPosition> FeedHead::get(qint64 maxAgeMs)
{
    QMutexLocker lock(&m_mutex); // one reader at a time; the others then find it fresh
    const qint64 now = steadyMs();
    if (m_readAtMs >= 0 && now - m_readAtMs < maxAgeMs)
        return m_head;
    auto c = m_db->acquire();
    if (!c)
        return c.error();
    auto head = store::ChangeRepository::head(*c.value());
    if (!head)
        return head.error();
    m_head = head.value();
    m_readAtMs = now;
    return m_head;
}

Result<QMap<QString, qint64>> FeedHead::counts(qint64 maxAgeMs)
{
    QMutexLocker lock(&m_countsMutex);
    const qint64 now = steadyMs();
    if (m_countedAtMs >= 0 && now - m_countedAtMs < maxAgeMs)
        return m_counts;
    auto c = m_db->acquire();
    if (!c)
        return c.error();
    auto counts = store::EventRepository::countByStatus(*c.value());
    if (!counts)
        return counts.error();
    m_counts = counts.value();
    m_countedAtMs = now;
    return m_counts;
}

void FeedHead::invalidate()
{
    {
        QMutexLocker lock(&m_mutex);
        m_readAtMs = -1;
    }
    QMutexLocker lock(&m_countsMutex);
    m_countedAtMs = -1;
}

bool FeedHead::movedPast(const store::FeedPosition &head, const store::FeedPosition &from)
{
    return head.auditId > from.auditId || head.eventId > from.eventId;
}

} // namespace salesflow::local
