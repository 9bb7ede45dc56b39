#include "changefeed.h"

#include "../core/clock.h"
#include "../store/database.h"
#include "../store/eventrepository.h"

#include <QHash>

namespace salesflow::local {

namespace {

constexpr qint64 kGapSettleMs = 2000;
constexpr int kPage = 1000;

Error badCursor()
{
    return makeError("changes.cursor", QStringLiteral("'after' is not a cursor this server gave out"), 400);
}

/// The audit rows that are safe to pass on: see the class comment.
QList<store::ChangeRow> settled(const QList<store::ChangeRow> &rows, qint64 after, qint64 now, qint64 *last)
{
    QList<store::ChangeRow> out;
    *last = after;
    for (const store::ChangeRow &r : rows) {
        if (r.id != *last + 1 && now - r.atMs < kGapSettleMs)
            break;
        *last = r.id;
        if (!r.eventId.isEmpty())
            out.append(r);
    }
    return out;
}

/// Each event once, with its latest row.
QList<Change> merge(const QList<store::ChangeRow> &rows)
{
    QList<Change> items;
    QHash<QString, qsizetype> seen;
    for (const store::ChangeRow &r : rows) {
        const Change change{r.eventId, r.status, r.action, r.actor, r.atMs};
        auto it = seen.constFind(r.eventId);
        if (it != seen.cend()) {
            items[*it] = change;
        } else {
            seen.insert(r.eventId, items.size());
            items.append(change);
        }
    }
    return items;
}

} // namespace

Result<store::FeedPosition> ChangeFeed::parseCursor(const QString &cursor)
{
    const qsizetype dot = cursor.indexOf(QLatin1Char('.'));
    bool ok = false;
    const qint64 audit = cursor.left(dot).toLongLong(&ok);
    if (dot < 0 || !ok || audit < 0)
        return badCursor();
    return store::FeedPosition{audit, cursor.mid(dot + 1)};
}

QString ChangeFeed::cursorOf(const store::FeedPosition &p)
{
    return QString::number(p.auditId) + QLatin1Char('.') + p.eventId;
}

Result<ChangeSet> ChangeFeed::now(store::Database &db)
{
    auto conn = db.acquire();
    if (!conn)
        return conn.error();
    auto head = store::ChangeRepository::head(*conn.value());
    if (!head)
        return head.error();
    auto counts = store::EventRepository::countByStatus(*conn.value());
    if (!counts)
        return counts.error();
    return ChangeSet{{}, counts.value(), cursorOf(head.value())};
}

Result<ChangeSet> ChangeFeed::after(store::Database &db, const store::FeedPosition &from)
{
    auto conn = db.acquire();
    if (!conn)
        return conn.error();
    store::Connection &c = *conn.value();
    auto head = store::ChangeRepository::head(c);
    if (!head)
        return head.error();
    if (from.auditId > head->auditId || from.eventId > head->eventId)
        return badCursor();
    auto arrivals = store::ChangeRepository::arrivalsAfter(c, from.eventId, kPage);
    auto audit = arrivals ? store::ChangeRepository::auditAfter(c, from.auditId, kPage) : arrivals;
    if (!audit)
        return audit.error();
    store::FeedPosition next{0, arrivals->isEmpty() ? from.eventId : arrivals->last().eventId};
    QList<store::ChangeRow> rows = arrivals.value() + settled(audit.value(), from.auditId, nowMs(), &next.auditId);
    ChangeSet set{merge(rows), {}, cursorOf(next)};
    return set;
}

} // namespace salesflow::local
