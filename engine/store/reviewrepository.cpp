#include "reviewrepository.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace salesflow::store {

namespace {

QString oneLine(const QString &text)
{
    QString line = text.section(QLatin1Char('\n'), 0, 0).simplified();
    return line.size() > 160 ? line.left(159) + QChar(0x2026) : line;
}

ReviewItem itemFrom(const Rows &r, int i)
{
    QStringList reasons;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.bytes(i, 3)).array())
        reasons << v.toString();
    return ReviewItem{r.text(i, 0),          r.text(i, 1), r.int64(i, 2), reasons,      r.text(i, 4).toDouble(),
                      oneLine(r.text(i, 5)), r.text(i, 6), r.text(i, 7),  r.text(i, 8), r.text(i, 9),
                      r.int64(i, 10)};
}

} // namespace

Error heldError(const ReviewClaim &claim)
{
    return makeError(
        "review.held",
        QStringLiteral("%1 is working on this item until %2 UTC")
            .arg(claim.holder, QDateTime::fromMSecsSinceEpoch(claim.untilMs, Qt::UTC).toString(Qt::ISODate)),
        409);
}

Result<ReviewPage> ReviewRepository::queue(Connection &c, int limit, const QString &after, qint64 now)
{
    auto r = c.exec("SELECT r.id, r.source, r.received_at, e.review_reasons, e.confidence, e.summary, e.intent,"
                    " ct.local_key, COALESCE(co.local_key, n.company), rc.holder, rc.until FROM raw_events r"
                    " LEFT JOIN enrichment_outputs e ON e.id ="
                    " (SELECT MAX(e2.id) FROM enrichment_outputs e2 WHERE e2.event_id = r.id)"
                    " LEFT JOIN normalised_events n ON n.event_id = r.id"
                    " LEFT JOIN crm_entities ct ON ct.id = n.contact_id"
                    " LEFT JOIN crm_entities co ON co.id = n.company_id"
                    " LEFT JOIN review_claims rc ON rc.event_id = r.id AND rc.until > $1"
                    " WHERE r.status = 'in_review' AND ($2 = '' OR r.id > $2) ORDER BY r.id LIMIT $3",
                    {now, after, limit + 1});
    if (!r)
        return r.error();
    ReviewPage page;
    for (int i = 0; i < r->size() && i < limit; ++i)
        page.items.append(itemFrom(r.value(), i));
    if (r->size() > limit)
        page.next = page.items.last().eventId;
    return page;
}

Result<QString> ReviewRepository::lockStatus(Connection &c, const QString &eventId)
{
    auto r
        = c.exec(c.dialect() == Dialect::Postgres ? QByteArray("SELECT status FROM raw_events WHERE id = $1 FOR UPDATE")
                                                  : QByteArray("SELECT status FROM raw_events WHERE id = $1"),
                 {eventId});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError("event.not_found", QStringLiteral("no event with id %1").arg(eventId), 404);
    return r->text(0, 0);
}

Result<std::optional<ReviewClaim>> ReviewRepository::holder(Connection &c, const QString &eventId, qint64 now)
{
    auto r = c.exec("SELECT holder, until FROM review_claims WHERE event_id = $1 AND until > $2", {eventId, now});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<ReviewClaim>();
    return std::optional<ReviewClaim>(ReviewClaim{eventId, r->text(0, 0), r->int64(0, 1)});
}

Status ReviewRepository::checkNotHeldByOther(Connection &c, const QString &eventId, const QString &actor, qint64 now)
{
    auto held = holder(c, eventId, now);
    if (!held)
        return held.error();
    if (held.value() && held.value()->holder != actor)
        return heldError(*held.value());
    return Done{};
}

Result<ReviewClaim> ReviewRepository::claim(Connection &c, const QString &eventId, const QString &actor, qint64 untilMs,
                                            qint64 now)
{
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto status = lockStatus(c, eventId);
    if (!status)
        return status.error();
    if (status.value() != EventStatus::InReview)
        return makeError("review.not_in_review",
                         QStringLiteral("the event is %1, no longer in review").arg(status.value()), 409);
    if (Status s = checkNotHeldByOther(c, eventId, actor, now); !s)
        return s.error();
    auto u = c.exec("INSERT INTO review_claims (event_id, holder, until) VALUES ($1, $2, $3)"
                    " ON CONFLICT (event_id) DO UPDATE SET holder = $2, until = $3",
                    {eventId, actor, untilMs});
    if (!u)
        return u.error();
    auto a = c.exec(
        "INSERT INTO audit_logs (event_id, actor, action, after_state, at) VALUES ($1, $2, 'review.claim', $3, $4)",
        {eventId, actor, QDateTime::fromMSecsSinceEpoch(untilMs, Qt::UTC).toString(Qt::ISODate), now});
    if (!a)
        return a.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return ReviewClaim{eventId, actor, untilMs};
}

Status ReviewRepository::release(Connection &c, const QString &eventId)
{
    auto r = c.exec("DELETE FROM review_claims WHERE event_id = $1", {eventId});
    if (!r)
        return r.error();
    return Done{};
}

} // namespace salesflow::store
