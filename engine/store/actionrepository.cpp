#include "actionrepository.h"

#include "../core/ids.h"

#include <QJsonArray>

#include <QJsonDocument>
#include <algorithm>

namespace salesflow::store {

namespace {

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

const QByteArray kColumns
    = "SELECT id, event_id, kind, object_type, target, idempotency_key, payload, payload_hash, status,"
      " hubspot_id, last_error, attempts FROM crm_actions ";

QList<Action> fromRows(const Rows &r)
{
    QList<Action> out;
    for (int i = 0; i < r.size(); ++i) {
        Action a;
        a.id = r.int64(i, 0);
        a.eventId = r.text(i, 1);
        a.kind = r.text(i, 2);
        a.objectType = r.text(i, 3);
        a.target = r.text(i, 4);
        a.key = r.text(i, 5);
        a.payload = QJsonDocument::fromJson(r.bytes(i, 6)).object();
        a.payloadHash = r.text(i, 7);
        a.status = r.text(i, 8);
        a.hubspotId = r.text(i, 9);
        a.lastError = r.text(i, 10);
        a.attempts = int(r.int64(i, 11));
        out.append(a);
    }
    return out;
}

} // namespace

Status ActionRepository::plan(Connection &c, const QString &eventId, const QList<PlannedAction> &actions, qint64 now)
{
    for (const PlannedAction &p : actions) {
        const QString payload = compact(p.payload);
        const QString hash = QString::fromLatin1(ids::sha256Hex((p.kind + QLatin1Char('\n') + payload).toUtf8()));
        // Insert first: two workers planning the same shared key (a company) at once must not
        // collide; the loser finds the row and compares.
        auto ins
            = c.exec("INSERT INTO crm_actions (event_id, kind, target, idempotency_key, payload, status, created_at,"
                     " updated_at, object_type, payload_hash) VALUES ($1, $2, $3, $4, $5, 'planned', $6, $6, $7, $8)"
                     " ON CONFLICT (idempotency_key) DO NOTHING",
                     {eventId, p.kind, p.target, p.key, payload, now, p.objectType, hash});
        if (!ins)
            return ins.error();
        if (ins->affected == 1)
            continue;
        auto row = c.exec("SELECT id, payload_hash, status FROM crm_actions WHERE idempotency_key = $1", {p.key});
        if (!row)
            return row.error();
        if (row->isEmpty())
            return makeError("store.conflict", QStringLiteral("action %1 vanished while planning").arg(p.key));
        const qint64 id = row->int64(0, 0);
        const QString status = row->text(0, 2);
        if (row->text(0, 1) == hash) {
            if (status == ActionStatus::Failed || status == ActionStatus::DryRun) {
                if (auto u = c.exec(
                        "UPDATE crm_actions SET status = 'planned', last_error = NULL, updated_at = $1 WHERE id = $2",
                        {now, id});
                    !u)
                    return u.error();
            }
            continue; // unchanged: nothing to send again
        }
        // Changed: the next write updates the object this key made before (upsert by its key).
        auto u = c.exec("UPDATE crm_actions SET payload = $1, payload_hash = $2, status = 'planned', last_error = NULL,"
                        " verified = NULL, updated_at = $3 WHERE id = $4",
                        {payload, hash, now, id});
        if (!u)
            return u.error();
    }
    return Done{};
}

Result<QList<Action>> ActionRepository::unfinished(Connection &c, const QStringList &eventIds)
{
    QList<Action> out;
    QStringList deps;
    for (const QString &id : eventIds) {
        auto r = c.exec(kColumns + "WHERE event_id = $1 AND status IN ('planned', 'written', 'dry_run') ORDER BY id",
                        {id});
        if (!r)
            return r.error();
        for (const Action &a : fromRows(r.value())) {
            out.append(a);
            for (const QJsonValue &as : a.payload.value(QLatin1String("associations")).toArray()) {
                const QJsonObject o = as.toObject();
                const QString entity = o.value(QLatin1String("entity")).toString();
                deps << entity + QLatin1Char(':') + o.value(QLatin1String("key")).toString();
            }
            if (a.kind == QLatin1String("update_contact"))
                deps << QStringLiteral("contact:") + a.payload.value(QLatin1String("entity_key")).toString();
        }
    }
    deps.removeDuplicates();
    for (const QString &key : deps) {
        auto r = c.exec(kColumns + "WHERE idempotency_key = $1 AND status = 'planned'", {key});
        if (!r)
            return r.error();
        for (const Action &a : fromRows(r.value())) {
            bool have = false;
            for (const Action &o : out)
                have = have || o.id == a.id;
            if (!have)
                out.append(a);
        }
    }
    return out;
}

Result<QList<Action>> ActionRepository::forEvents(Connection &c, const QStringList &eventIds)
{
    QList<Action> out;
    for (const QString &id : eventIds) {
        auto r = c.exec(kColumns + "WHERE event_id = $1 ORDER BY id", {id});
        if (!r)
            return r.error();
        out += fromRows(r.value());
    }
    return out;
}

Result<std::optional<Action>> ActionRepository::byKey(Connection &c, const QString &key)
{
    auto r = c.exec(kColumns + "WHERE idempotency_key = $1 AND status <> 'superseded' ORDER BY id DESC LIMIT 1", {key});
    if (!r)
        return r.error();
    const QList<Action> found = fromRows(r.value());
    return found.isEmpty() ? std::optional<Action>() : std::optional<Action>(found.first());
}

Status ActionRepository::record(Connection &c, const QList<Outcome> &unsorted, qint64 now)
{
    if (unsorted.isEmpty())
        return Done{};
    // One lock order for every writer: two batches may share a contact's or company's upsert.
    QList<Outcome> outcomes = unsorted;
    std::stable_sort(outcomes.begin(), outcomes.end(),
                     [](const Outcome &a, const Outcome &b) { return a.actionId < b.actionId; });
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s;
    for (const Outcome &o : outcomes) {
        // A finished action stays finished: a writer that lost its job's lease to another (and
        // finishes late, or is stopped half-way) must not move it back.
        auto u
            = c.exec("UPDATE crm_actions SET"
                     " status = CASE WHEN status IN ('done', 'superseded') THEN status ELSE COALESCE($1, status) END,"
                     " hubspot_id = COALESCE($2, hubspot_id),"
                     " last_error = CASE WHEN status IN ('done', 'superseded') THEN last_error ELSE $3 END,"
                     " attempts = attempts + $4, updated_at = $5,"
                     " sent_hash = CASE WHEN status NOT IN ('done', 'superseded') AND $1 IN ('done', 'written')"
                     " THEN payload_hash ELSE sent_hash END"
                     " WHERE id = $6 RETURNING attempts",
                     {o.status.isEmpty() ? QVariant() : QVariant(o.status),
                      o.hubspotId.isEmpty() ? QVariant() : QVariant(o.hubspotId),
                      o.error.isEmpty() ? QVariant() : QVariant(o.error), o.sent ? 1 : 0, now, o.actionId});
        if (!u)
            return u.error();
        if (!o.sent && o.error.isEmpty())
            continue;
        auto r = c.exec("INSERT INTO crm_action_results (action_id, attempt, request, response_code, response_body, "
                        "hubspot_id, error, at)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        {o.actionId, u->isEmpty() ? 0 : u->int64(0, 0), QString::fromUtf8(o.request.left(8000)),
                         o.responseCode ? QVariant(o.responseCode) : QVariant(),
                         QString::fromUtf8(o.responseBody.left(8000)),
                         o.hubspotId.isEmpty() ? QVariant() : QVariant(o.hubspotId),
                         o.error.isEmpty() ? QVariant() : QVariant(o.error), now});
        if (!r)
            return r.error();
    }
    return tx.commit();
}

Status ActionRepository::linkEntity(Connection &c, const QString &kind, const QString &localKey,
                                    const QString &hubspotId)
{
    auto r = c.exec("UPDATE crm_entities SET hubspot_id = $1 WHERE kind = $2 AND local_key = $3 AND hubspot_id IS NULL",
                    {hubspotId, kind, localKey});
    if (!r)
        return r.error();
    return Done{};
}

Result<QString> ActionRepository::hubspotIdOf(Connection &c, const QString &kind, const QString &localKey)
{
    if (localKey.startsWith(QLatin1String("hubspot:")))
        return localKey.mid(8);
    auto r = c.exec("SELECT hubspot_id FROM crm_entities WHERE kind = $1 AND local_key = $2", {kind, localKey});
    if (!r)
        return r.error();
    return r->isEmpty() ? QString() : r->text(0, 0);
}

Status ActionRepository::setVerified(Connection &c, qint64 actionId, const QString &verdict)
{
    auto r = c.exec("UPDATE crm_actions SET verified = $1 WHERE id = $2", {verdict, actionId});
    if (!r)
        return r.error();
    return Done{};
}

} // namespace salesflow::store
