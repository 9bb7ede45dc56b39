#pragma once

#include "deferred.h"

#include "engine/api/result.h"

#include <QString>

#include <functional>

namespace salesflow::ui {

/// The paging state of a list the engine fills page by page (keyset cursors, newest first): the
/// cursor to ask after, whether the end was reached, a request in flight, and a generation that
/// drops answers to a request made before the last reset (an older filter). Shared by the lazily
/// paged models.
class KeysetPager
{
public:
    /// Forgets the cursor; answers to earlier requests will be ignored.
    void reset()
    {
        ++m_generation;
        m_next.clear();
        m_atEnd = false;
        m_loading = false;
    }
    bool loading() const { return m_loading; }
    bool canFetch() const { return !m_atEnd && !m_loading; }

    /// Asks for the next page with `request(after)` unless one is running or the end was reached
    /// (answers whether it asked). An answer of this generation goes to `arrived` while still
    /// "loading" — a view asking for more from inside rowsInserted must not start a nested insert —
    /// and `settled` runs once loading is over.
    template<typename Page>
    bool next(QObject *context, const std::function<QFuture<Result<Page>>(const QString &after)> &request,
              std::function<void(const Result<Page> &)> arrived, std::function<void()> settled = {})
    {
        if (!canFetch())
            return false;
        m_loading = true;
        const quint64 generation = m_generation;
        whenDone(request(m_next), context, [this, generation, arrived, settled](const Result<Page> &page) {
            if (generation != m_generation)
                return; // reset meanwhile
            if (page) {
                m_next = page->next;
                m_atEnd = m_next.isEmpty();
            }
            arrived(page);
            m_loading = false;
            if (settled)
                settled();
        });
        return true;
    }

private:
    QString m_next;
    bool m_atEnd = false;
    bool m_loading = false;
    quint64 m_generation = 0;
};

} // namespace salesflow::ui
