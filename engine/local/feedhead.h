#pragma once

#include "../store/changerepository.h"

#include <QMutex>

#include <memory>

namespace salesflow::store {
class Database;
}

namespace salesflow::local {

/// The store's newest change-feed position, read for all of a process's waiting long polls at
/// once: whoever asks first in a period reads it (two index lookups), the others reuse it, so
/// fifty idle desktop clients cost the database what one does. A waiter queries the feed itself
/// only when the head has moved past its cursor. Store errors are answered as they are.
class FeedHead
{
public:
    explicit FeedHead(std::shared_ptr<store::Database> db) : m_db(std::move(db)) { }

    /// The head as read at most `maxAgeMs` ago.
    Result<store::FeedPosition> get(qint64 maxAgeMs);
    /// The events per status, counted at most `maxAgeMs` ago: every answer of a long poll carries
    /// them, and the waiters woken by one commit share one count.
    Result<QMap<QString, qint64>> counts(qint64 maxAgeMs);
    /// Something changed in this process: the next get() and counts() read again.
    void invalidate();
    /// True when `head` is past `from` (something may have changed after it).
    static bool movedPast(const store::FeedPosition &head, const store::FeedPosition &from);

private:
    std::shared_ptr<store::Database> m_db;
    QMutex m_mutex;
    store::FeedPosition m_head;
    qint64 m_readAtMs = -1;
    QMutex m_countsMutex;
    QMap<QString, qint64> m_counts;
    qint64 m_countedAtMs = -1;
};

} // namespace salesflow::local
