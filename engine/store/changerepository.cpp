#include "changerepository.h"

namespace salesflow::store {

namespace {
QList<ChangeRow> toRows(const Rows &r)
{
    QList<ChangeRow> rows;
    rows.reserve(r.size());
    for (int i = 0; i < r.size(); ++i)
        rows.append(ChangeRow{r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.int64(i, 5)});
    return rows;
}
} // namespace

Result<FeedPosition> ChangeRepository::head(Connection &c)
{
    auto audit = c.exec("SELECT COALESCE(MAX(id), 0) FROM audit_logs");
    if (!audit)
        return audit.error();
    auto event = c.exec("SELECT id FROM raw_events ORDER BY id DESC LIMIT 1");
    if (!event)
        return event.error();
    return FeedPosition{audit->int64(0, 0), event->isEmpty() ? QString() : event->text(0, 0)};
}

Result<QList<ChangeRow>> ChangeRepository::auditAfter(Connection &c, qint64 afterId, int limit)
{
    auto r = c.exec("SELECT a.id, a.event_id, r.status, a.action, a.actor, a.at FROM audit_logs a"
                    " LEFT JOIN raw_events r ON r.id = a.event_id WHERE a.id > $1 ORDER BY a.id LIMIT $2",
                    {afterId, limit});
    if (!r)
        return r.error();
    return toRows(r.value());
}

Result<QList<ChangeRow>> ChangeRepository::arrivalsAfter(Connection &c, const QString &afterEventId, int limit)
{
    auto r = c.exec("SELECT 0, id, status, 'received', received_by, received_at FROM raw_events"
                    " WHERE id > $1 ORDER BY id LIMIT $2",
                    {afterEventId, limit});
    if (!r)
        return r.error();
    return toRows(r.value());
}

} // namespace salesflow::store
