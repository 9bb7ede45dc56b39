#include "actionrepository.h"

#include "../core/ids.h"
#include "pgarray.h"

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

namespace {

struct Prepared
{
    const PlannedAction *p;
    QString payload, hash;
};

/// The keys of `actions` that were new (inserted now); the others already have a row. Inserted
/// first: two workers planning the same shared key (a company) at once must not collide; the
/// loser finds the row and compares. (SQLite; PostgreSQL plans a batch at once: planAllPg.)
Result<QSet<QString>> insertNew(Connection &c, const QString &eventId, const QList<Prepared> &actions, qint64 now)
{
    QSet<QString> inserted;
    for (const Prepared &a : actions) {
        auto ins
            = c.exec("INSERT INTO crm_actions (event_id, kind, target, idempotency_key, payload, status, created_at,"
                     " updated_at, object_type, payload_hash) VALUES ($1, $2, $3, $4, $5, 'planned', $6, $6, $7, $8)"
                     " ON CONFLICT (idempotency_key) DO NOTHING",
                     {eventId, a.p->kind, a.p->target, a.p->key, a.payload, now, a.p->objectType, a.hash});
        if (!ins)
            return ins.error();
        if (ins->affected == 1)
            inserted.insert(a.p->key);
    }
    return inserted;
}

/// An action whose key already had a row: unchanged, it is planned again only if it failed or
/// ran dry; changed, the next write updates the object this key made before (upsert by its key).
Status replan(Connection &c, const Prepared &a, qint64 now)
{
    auto row = c.exec("SELECT id, payload_hash, status FROM crm_actions WHERE idempotency_key = $1", {a.p->key});
    if (!row)
        return row.error();
    if (row->isEmpty())
        return makeError("store.conflict", QStringLiteral("action %1 vanished while planning").arg(a.p->key));
    const qint64 id = row->int64(0, 0);
    const QString status = row->text(0, 2);
    if (row->text(0, 1) == a.hash) {
        if (status != ActionStatus::Failed && status != ActionStatus::DryRun)
            return Done{}; // unchanged: nothing to send again
        auto u = c.exec("UPDATE crm_actions SET status = 'planned', last_error = NULL, updated_at = $1 WHERE id = $2",
                        {now, id});
        return u ? Status(Done{}) : Status(u.error());
    }
    auto u = c.exec("UPDATE crm_actions SET payload = $1, payload_hash = $2, status = 'planned', last_error = NULL,"
                    " verified = NULL, updated_at = $3 WHERE id = $4",
                    {a.payload, a.hash, now, id});
    return u ? Status(Done{}) : Status(u.error());
}

} // namespace

Status ActionRepository::plan(Connection &c, const QString &eventId, const QList<PlannedAction> &actions, qint64 now)
{
    if (c.dialect() == Dialect::Postgres)
        return planAll(c, {{eventId, actions}}, now);
    QList<Prepared> prepared;
    for (const PlannedAction &p : actions) {
        const QString payload = compact(p.payload);
        prepared.append(
            {&p, payload, QString::fromLatin1(ids::sha256Hex((p.kind + QLatin1Char('\n') + payload).toUtf8()))});
    }
    auto inserted = insertNew(c, eventId, prepared, now);
    if (!inserted)
        return inserted.error();
    for (const Prepared &a : std::as_const(prepared)) {
        if (inserted->contains(a.p->key))
            continue;
        if (Status s = replan(c, a, now); !s)
            return s;
    }
    return Done{};
}

namespace {

/// One action of a batch plan, ready to write.
struct Row
{
    QString eventId;
    const PlannedAction *p;
    QString payload, hash;
};

/// The batch's new rows, in key order; the keys inserted. A key given twice is inserted once.
Result<QSet<QString>> insertRowsPg(Connection &c, const QList<Row> &rows, qint64 now)
{
    QList<QString> events, kinds, targets, keys, payloads, types, hashes;
    for (const Row &r : rows) {
        events << r.eventId;
        kinds << r.p->kind;
        targets << r.p->target;
        keys << r.p->key;
        payloads << r.payload;
        types << r.p->objectType;
        hashes << r.hash;
    }
    auto ins = c.exec("INSERT INTO crm_actions (event_id, kind, target, idempotency_key, payload, status,"
                      " created_at, updated_at, object_type, payload_hash)"
                      " SELECT t.e, t.kind, t.target, t.k, t.payload, 'planned', $1, $1, t.type, t.hash"
                      " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])"
                      "   AS t(e, kind, target, k, payload, type, hash) ORDER BY t.k"
                      " ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key",
                      {now, pgTextArray(events), pgTextArray(kinds), pgTextArray(targets), pgTextArray(keys),
                       pgTextArray(payloads), pgTextArray(types), pgTextArray(hashes)});
    if (!ins)
        return ins.error();
    QSet<QString> inserted;
    for (int i = 0; i < ins->size(); ++i)
        inserted.insert(ins->text(i, 0));
    return inserted;
}

/// A key's stored row as planning goes, and what planning again changes in it.
struct Stored
{
    qint64 id = 0;
    QString hash, status;
    QString newPayload, newHash; ///< empty: the payload stays
    bool replanned = false;
};

/// The stored rows of the repeats' keys.
Result<QHash<QString, Stored>> storedRows(Connection &c, const QList<const Row *> &repeats)
{
    QList<QString> keys;
    for (const Row *r : repeats)
        keys << r->p->key;
    auto read = c.exec("SELECT idempotency_key, id, payload_hash, status FROM crm_actions"
                       " WHERE idempotency_key = ANY($1::text[])",
                       {pgTextArray(keys)});
    if (!read)
        return read.error();
    QHash<QString, Stored> stored;
    for (int i = 0; i < read->size(); ++i)
        stored.insert(read->text(i, 0), Stored{read->int64(i, 1), read->text(i, 2), read->text(i, 3), {}, {}, false});
    return stored;
}

/// The rows whose keys were not new now, planned again in one statement where they changed or
/// had failed or run dry (replan(), for many).
Status replanPg(Connection &c, const QList<const Row *> &repeats, qint64 now)
{
    auto read = storedRows(c, repeats);
    if (!read)
        return read.error();
    QHash<QString, Stored> &stored = read.value();
    for (const Row *r : repeats) {
        auto it = stored.find(r->p->key);
        if (it == stored.end())
            return makeError("store.conflict", QStringLiteral("action %1 vanished while planning").arg(r->p->key));
        if (it->hash == r->hash && it->status != ActionStatus::Failed && it->status != ActionStatus::DryRun)
            continue; // unchanged: nothing to send again
        if (it->hash != r->hash) {
            it->newPayload = r->payload;
            it->newHash = it->hash = r->hash;
        }
        it->status = ActionStatus::Planned;
        it->replanned = true;
    }
    QList<qint64> ids;
    QList<QString> payloads, hashes;
    for (const Stored &st : std::as_const(stored)) {
        if (!st.replanned)
            continue;
        ids << st.id;
        payloads << st.newPayload;
        hashes << st.newHash;
    }
    if (ids.isEmpty())
        return Done{};
    auto u = c.exec("UPDATE crm_actions a SET payload = COALESCE(NULLIF(t.payload, ''), a.payload),"
                    " payload_hash = COALESCE(NULLIF(t.hash, ''), a.payload_hash), status = 'planned',"
                    " last_error = NULL, verified = CASE WHEN t.hash = '' THEN a.verified END, updated_at = $1"
                    " FROM unnest($2::bigint[], $3::text[], $4::text[]) AS t(id, payload, hash) WHERE a.id = t.id",
                    {now, pgIntArray(ids), pgTextArray(payloads), pgTextArray(hashes)});
    return u ? Status(Done{}) : Status(u.error());
}

} // namespace

Status ActionRepository::planAll(Connection &c, const QList<EventPlan> &plans, qint64 now)
{
    if (c.dialect() != Dialect::Postgres) {
        for (const EventPlan &e : plans) {
            if (Status s = plan(c, e.eventId, e.actions, now); !s)
                return s;
        }
        return Done{};
    }
    QList<Row> rows;
    for (const EventPlan &e : plans) {
        for (const PlannedAction &p : e.actions) {
            const QString payload = compact(p.payload);
            rows.append({e.eventId, &p, payload,
                         QString::fromLatin1(ids::sha256Hex((p.kind + QLatin1Char('\n') + payload).toUtf8()))});
        }
    }
    // Each key's first row is offered for insert; any later row of that key, and a first row
    // whose key had one before, is planned again over it, in order.
    QList<Row> firsts;
    QSet<QString> seen;
    for (const Row &r : std::as_const(rows)) {
        if (!seen.contains(r.p->key))
            firsts.append(r);
        seen.insert(r.p->key);
    }
    if (firsts.isEmpty())
        return Done{};
    auto inserted = insertRowsPg(c, firsts, now);
    if (!inserted)
        return inserted.error();
    QList<const Row *> repeats;
    QSet<QString> owned;
    for (const Row &r : std::as_const(rows)) {
        if (inserted->contains(r.p->key) && !owned.contains(r.p->key))
            owned.insert(r.p->key); // this row is the one inserted
        else
            repeats.append(&r);
    }
    return repeats.isEmpty() ? Status(Done{}) : replanPg(c, repeats, now);
}

namespace {

/// The actions of `eventIds` matching `where` (SQL over crm_actions), event by event in the
/// order given, each event's by id. PostgreSQL: one statement for them all.
Result<QList<Action>> ofEvents(Connection &c, const QStringList &eventIds, const QByteArray &where)
{
    QList<Action> out;
    if (c.dialect() == Dialect::Postgres) {
        auto r
            = c.exec(kColumns + "WHERE event_id = ANY($1::text[])" + where + " ORDER BY id", {pgTextArray(eventIds)});
        if (!r)
            return r.error();
        QHash<QString, qsizetype> order;
        for (qsizetype i = 0; i < eventIds.size(); ++i)
            order.insert(eventIds[i], i);
        out = fromRows(r.value());
        std::stable_sort(out.begin(), out.end(), [&order](const Action &a, const Action &b) {
            return order.value(a.eventId) < order.value(b.eventId);
        });
        return out;
    }
    for (const QString &id : eventIds) {
        auto r = c.exec(kColumns + "WHERE event_id = $1" + where + " ORDER BY id", {id});
        if (!r)
            return r.error();
        out += fromRows(r.value());
    }
    return out;
}

} // namespace

namespace {

/// What the actions depend on: the contact and company upserts they associate with.
QStringList dependencyKeys(const QList<Action> &actions)
{
    QStringList deps;
    for (const Action &a : actions) {
        for (const QJsonValue &as : a.payload.value(QLatin1String("associations")).toArray()) {
            const QJsonObject o = as.toObject();
            deps << o.value(QLatin1String("entity")).toString() + QLatin1Char(':')
                    + o.value(QLatin1String("key")).toString();
        }
        if (a.kind == QLatin1String("update_contact"))
            deps << QStringLiteral("contact:") + a.payload.value(QLatin1String("entity_key")).toString();
    }
    deps.removeDuplicates();
    return deps;
}

} // namespace

Result<QList<Action>> ActionRepository::unfinished(Connection &c, const QStringList &eventIds)
{
    auto own = ofEvents(c, eventIds, " AND status IN ('planned', 'written', 'dry_run')");
    if (!own)
        return own.error();
    QList<Action> out = own.value();
    QSet<qint64> have;
    for (const Action &a : out)
        have.insert(a.id);
    const QStringList deps = dependencyKeys(out);
    QList<Rows> found;
    if (c.dialect() == Dialect::Postgres && !deps.isEmpty()) {
        auto r = c.exec(kColumns + "WHERE idempotency_key = ANY($1::text[]) AND status = 'planned' ORDER BY id",
                        {pgTextArray(deps)});
        if (!r)
            return r.error();
        found.append(r.value());
    } else {
        for (const QString &key : deps) {
            auto r = c.exec(kColumns + "WHERE idempotency_key = $1 AND status = 'planned'", {key});
            if (!r)
                return r.error();
            found.append(r.value());
        }
    }
    for (const Rows &rows : std::as_const(found)) {
        for (const Action &a : fromRows(rows)) {
            if (!have.contains(a.id)) {
                have.insert(a.id);
                out.append(a);
            }
        }
    }
    return out;
}

Result<QList<Action>> ActionRepository::forEvents(Connection &c, const QStringList &eventIds)
{
    return ofEvents(c, eventIds, QByteArray());
}

Result<std::optional<Action>> ActionRepository::byKey(Connection &c, const QString &key)
{
    auto r = c.exec(kColumns + "WHERE idempotency_key = $1 AND status <> 'superseded' ORDER BY id DESC LIMIT 1", {key});
    if (!r)
        return r.error();
    const QList<Action> found = fromRows(r.value());
    return found.isEmpty() ? std::optional<Action>() : std::optional<Action>(found.first());
}

namespace {

/// PostgreSQL: every outcome in one statement (the actions' new state and their attempt rows),
/// atomic on its own. The same rules as recordEach's statements, row for row.
Status recordAllPg(Connection &c, const QList<ActionRepository::Outcome> &outcomes, qint64 now)
{
    QList<qint64> ids, codes, sent;
    QList<QString> statuses, hubspotIds, errors, requests, bodies;
    for (const ActionRepository::Outcome &o : outcomes) {
        ids << o.actionId;
        statuses << o.status;
        hubspotIds << o.hubspotId;
        errors << o.error;
        sent << (o.sent ? 1 : 0);
        requests << QString::fromUtf8(o.request.left(8000));
        codes << o.responseCode;
        bodies << QString::fromUtf8(o.responseBody.left(8000));
    }
    auto r = c.exec(
        "WITH o AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[],"
        "   $7::int[], $8::text[]) AS o(id, status, hubspot_id, error, sent, request, code, body)),"
        " u AS (UPDATE crm_actions a SET"
        "   status = CASE WHEN a.status IN ('done', 'superseded') THEN a.status"
        "            ELSE COALESCE(NULLIF(o.status, ''), a.status) END,"
        "   hubspot_id = COALESCE(NULLIF(o.hubspot_id, ''), a.hubspot_id),"
        "   last_error = CASE WHEN a.status IN ('done', 'superseded') THEN a.last_error ELSE NULLIF(o.error, '') END,"
        "   attempts = a.attempts + o.sent, updated_at = $9,"
        "   sent_hash = CASE WHEN a.status NOT IN ('done', 'superseded') AND o.status IN ('done', 'written')"
        "               THEN a.payload_hash ELSE a.sent_hash END"
        "   FROM o WHERE a.id = o.id RETURNING a.id, a.attempts)"
        " INSERT INTO crm_action_results (action_id, attempt, request, response_code, response_body, hubspot_id,"
        "   error, at)"
        " SELECT o.id, u.attempts, o.request, NULLIF(o.code, 0), o.body, NULLIF(o.hubspot_id, ''),"
        "   NULLIF(o.error, ''), $9 FROM o JOIN u ON u.id = o.id WHERE o.sent = 1 OR o.error <> ''",
        {pgIntArray(ids), pgTextArray(statuses), pgTextArray(hubspotIds), pgTextArray(errors), pgIntArray(sent),
         pgTextArray(requests), pgIntArray(codes), pgTextArray(bodies), now});
    if (!r)
        return r.error();
    return Done{};
}

} // namespace

Status ActionRepository::record(Connection &c, const QList<Outcome> &unsorted, qint64 now)
{
    if (unsorted.isEmpty())
        return Done{};
    // One lock order for every writer: two batches may share a contact's or company's upsert.
    QList<Outcome> outcomes = unsorted;
    std::stable_sort(outcomes.begin(), outcomes.end(),
                     [](const Outcome &a, const Outcome &b) { return a.actionId < b.actionId; });
    const bool distinct
        = std::adjacent_find(outcomes.cbegin(), outcomes.cend(),
                             [](const Outcome &a, const Outcome &b) { return a.actionId == b.actionId; })
        == outcomes.cend();
    if (c.dialect() == Dialect::Postgres && distinct) // one row per action: one statement does them all
        return recordAllPg(c, outcomes, now);
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

Status ActionRepository::linkEntities(Connection &c, const QList<EntityLink> &links)
{
    if (links.isEmpty())
        return Done{};
    if (c.dialect() != Dialect::Postgres) {
        for (const EntityLink &l : links) {
            if (Status s = linkEntity(c, l.kind, l.localKey, l.hubspotId); !s)
                return s;
        }
        return Done{};
    }
    QList<QString> kinds, keys, ids;
    for (const EntityLink &l : links) {
        kinds << l.kind;
        keys << l.localKey;
        ids << l.hubspotId;
    }
    auto r = c.exec("UPDATE crm_entities e SET hubspot_id = t.id"
                    " FROM unnest($1::text[], $2::text[], $3::text[]) AS t(kind, k, id)"
                    " WHERE e.kind = t.kind AND e.local_key = t.k AND e.hubspot_id IS NULL",
                    {pgTextArray(kinds), pgTextArray(keys), pgTextArray(ids)});
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
