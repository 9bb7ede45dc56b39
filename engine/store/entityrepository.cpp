#include "entityrepository.h"

#include "../core/clock.h"
#include "pgarray.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <tuple>

namespace salesflow::store {

Result<qint64> EntityRepository::upsert(Connection &c, const QString &kind, const QString &localKey,
                                        const QString &hubspotId)
{
    // Most entities exist already: a plain read takes no lock, so concurrent batches that
    // touch the same contacts in another order cannot deadlock on them.
    auto known = c.exec("SELECT id, hubspot_id FROM crm_entities WHERE kind = $1 AND local_key = $2", {kind, localKey});
    if (!known)
        return known.error();
    if (!known->isEmpty() && (hubspotId.isEmpty() || !known->isNull(0, 1)))
        return known->int64(0, 0);
    return insert(c, kind, localKey, hubspotId);
}

Result<qint64> EntityRepository::insert(Connection &c, const QString &kind, const QString &localKey,
                                        const QString &hubspotId)
{
    auto r = c.exec(
        "INSERT INTO crm_entities (kind, local_key, hubspot_id, properties, updated_at) VALUES ($1, $2, $3, '{}', $4)"
        " ON CONFLICT (kind, local_key) DO UPDATE SET"
        " hubspot_id = COALESCE(crm_entities.hubspot_id, excluded.hubspot_id)"
        " RETURNING id",
        {kind, localKey, hubspotId.isEmpty() ? QVariant() : QVariant(hubspotId), nowMs()});
    if (!r)
        return r.error();
    return r->int64(0, 0);
}

Status EntityRepository::applyPropertyChanges(Connection &c, qint64 entityId,
                                              const QList<sources::PropertyChange> &changes)
{
    if (changes.isEmpty())
        return Done{};
    // Lock the row on PostgreSQL; SQLite's single writer already serialises us.
    auto row = c.exec(c.dialect() == Dialect::Postgres
                          ? QByteArray("SELECT properties FROM crm_entities WHERE id = $1 FOR UPDATE")
                          : QByteArray("SELECT properties FROM crm_entities WHERE id = $1"),
                      {entityId});
    if (!row)
        return row.error();
    QJsonObject props = QJsonDocument::fromJson(row->bytes(0, 0)).object();
    bool changed = false;
    for (const sources::PropertyChange &p : changes) {
        const QJsonObject stored = props.value(p.property).toObject();
        // HubSpot reorders deliveries: an older change never overwrites a newer one.
        if (!stored.isEmpty() && stored.value(QLatin1String("occurred_at")).toVariant().toLongLong() >= p.occurredAtMs)
            continue;
        props.insert(
            p.property,
            p.redacted
                ? QJsonObject{{QStringLiteral("redacted"), true}, {QStringLiteral("occurred_at"), p.occurredAtMs}}
                : QJsonObject{{QStringLiteral("value"), p.value}, {QStringLiteral("occurred_at"), p.occurredAtMs}});
        changed = true;
    }
    if (!changed)
        return Done{};
    auto u = c.exec("UPDATE crm_entities SET properties = $1, updated_at = $2 WHERE id = $3",
                    {QString::fromUtf8(QJsonDocument(props).toJson(QJsonDocument::Compact)), nowMs(), entityId});
    if (!u)
        return u.error();
    return Done{};
}

Result<EntityRepository::Linked> EntityRepository::precreate(Connection &c, const sources::Normalised &n)
{
    Linked linked;
    if (n.contactEmail.isEmpty() && n.companyDomain.isEmpty())
        return linked;
    // Outside any transaction: a plain read takes no lock; each insert commits on its own.
    auto known = c.exec("SELECT kind, id FROM crm_entities WHERE (kind = 'contact' AND local_key = $1)"
                        " OR (kind = 'company' AND local_key = $2)",
                        {n.contactEmail, n.companyDomain});
    if (!known)
        return known.error();
    for (int i = 0; i < known->size(); ++i)
        (known->text(i, 0) == QLatin1String("contact") ? linked.contactId : linked.companyId) = known->int64(i, 1);
    for (const auto &[kind, key, slot] : {std::tuple{QStringLiteral("contact"), n.contactEmail, &linked.contactId},
                                          std::tuple{QStringLiteral("company"), n.companyDomain, &linked.companyId}}) {
        if (key.isEmpty() || !slot->isNull())
            continue;
        auto id = insert(c, kind, key, {});
        if (!id)
            return id.error();
        *slot = id.value();
    }
    return linked;
}

namespace {

using EntityKey = std::pair<QString, QString>; // kind, local key

/// The ids of `keys` found in crm_entities (read) or made there (insert, in key order so two
/// batches inserting the same keys wait for each other rather than deadlock).
Result<QMap<EntityKey, qint64>> entityIds(Connection &c, const QList<EntityKey> &keys, bool insert)
{
    QList<QString> kinds, locals;
    for (const auto &[kind, key] : keys) {
        kinds << kind;
        locals << key;
    }
    const QByteArray sql = insert
        ? "INSERT INTO crm_entities (kind, local_key, properties, updated_at)"
          " SELECT t.kind, t.k, '{}', $3 FROM unnest($1::text[], $2::text[]) AS t(kind, k) ORDER BY t.kind, t.k"
          " ON CONFLICT (kind, local_key) DO UPDATE SET hubspot_id = crm_entities.hubspot_id"
          " RETURNING kind, local_key, id"
        : "SELECT e.kind, e.local_key, e.id FROM crm_entities e"
          " JOIN unnest($1::text[], $2::text[]) AS t(kind, k) ON e.kind = t.kind AND e.local_key = t.k";
    QVariantList params{pgTextArray(kinds), pgTextArray(locals)};
    if (insert)
        params.append(nowMs());
    auto r = c.exec(sql, params);
    if (!r)
        return r.error();
    QMap<EntityKey, qint64> ids;
    for (int i = 0; i < r->size(); ++i)
        ids.insert({r->text(i, 0), r->text(i, 1)}, r->int64(i, 2));
    return ids;
}

/// The contacts and companies `events` name, each once, in key order.
QList<EntityKey> contactsAndCompanies(const QList<const sources::Normalised *> &events)
{
    QSet<EntityKey> wanted;
    for (const sources::Normalised *n : events) {
        if (!n->contactEmail.isEmpty())
            wanted.insert({QStringLiteral("contact"), n->contactEmail});
        if (!n->companyDomain.isEmpty())
            wanted.insert({QStringLiteral("company"), n->companyDomain});
    }
    QList<EntityKey> keys(wanted.cbegin(), wanted.cend());
    std::sort(keys.begin(), keys.end());
    return keys;
}

} // namespace

Result<QList<EntityRepository::Linked>> EntityRepository::precreateAll(Connection &c,
                                                                       const QList<const sources::Normalised *> &events)
{
    QList<Linked> out;
    if (c.dialect() != Dialect::Postgres) {
        for (const sources::Normalised *n : events) {
            auto one = precreate(c, *n);
            if (!one)
                return one.error();
            out.append(one.value());
        }
        return out;
    }
    const QList<EntityKey> keys = contactsAndCompanies(events);
    auto ids = entityIds(c, keys, false);
    if (!ids)
        return ids.error();
    QList<EntityKey> missing;
    for (const EntityKey &k : std::as_const(keys)) {
        if (!ids->contains(k))
            missing.append(k);
    }
    if (!missing.isEmpty()) {
        auto made = entityIds(c, missing, true);
        if (!made)
            return made.error();
        ids->insert(made.value());
    }
    auto idOf = [&ids](const QString &kind, const QString &key) {
        const auto it = ids->constFind({kind, key});
        return key.isEmpty() || it == ids->cend() ? QVariant() : QVariant(it.value());
    };
    for (const sources::Normalised *n : events)
        out.append(Linked{idOf(QStringLiteral("contact"), n->contactEmail),
                          idOf(QStringLiteral("company"), n->companyDomain)});
    return out;
}

Result<EntityRepository::LinkedIds> EntityRepository::linkAll(Connection &c, const sources::Normalised &n,
                                                              const Linked &known)
{
    LinkedIds ids;
    auto link = [&](const QString &kind, const QString &key, const QString &hubspotId, QVariant *slot) -> Status {
        if (key.isEmpty())
            return Done{};
        const QVariant given = kind == QLatin1String("contact") ? known.contactId
            : kind == QLatin1String("company")                  ? known.companyId
                                                                : QVariant();
        if (hubspotId.isEmpty() && !given.isNull()) {
            *slot = given;
            return Done{};
        }
        auto id = upsert(c, kind, key, hubspotId);
        if (!id)
            return id.error();
        *slot = id.value();
        return Done{};
    };
    if (Status s = link(QStringLiteral("contact"), n.contactEmail, {}, &ids.contact); !s)
        return s.error();
    if (Status s = link(QStringLiteral("company"), n.companyDomain, {}, &ids.company); !s)
        return s.error();
    if (!n.dealRef.isEmpty() && n.hubspotObjectType != QLatin1String("deal")) {
        if (Status s = link(QStringLiteral("deal"), n.dealRef, {}, &ids.deal); !s)
            return s.error();
    }
    if (!n.hubspotObjectId.isEmpty()) {
        // Known to us only by its HubSpot id until it is matched by email or domain.
        QVariant *slot = n.hubspotObjectType == QLatin1String("contact") ? &ids.contact
            : n.hubspotObjectType == QLatin1String("company")            ? &ids.company
                                                                         : &ids.deal;
        if (Status s
            = link(n.hubspotObjectType, QStringLiteral("hubspot:") + n.hubspotObjectId, n.hubspotObjectId, slot);
            !s)
            return s.error();
        if (Status s = applyPropertyChanges(c, slot->toLongLong(), n.propertyChanges); !s)
            return s.error();
    }
    return ids;
}

namespace {

const QByteArray kNormalisedColumns = "event_id, kind, occurred_at, actor, company, deal_ref, subject, body_text,"
                                      " attributes, contact_id, company_id, deal_id, created_at";

QJsonValue idValue(const QVariant &id)
{
    return id.isNull() ? QJsonValue() : QJsonValue(id.toLongLong());
}

/// One normalised_events row, by column name.
QJsonObject normalisedRow(const QString &eventId, const sources::Normalised &n, const EntityRepository::LinkedIds &ids)
{
    QJsonObject attributes = n.attributes;
    attributes.insert(QStringLiteral("linked"), !ids.contact.isNull() || !ids.company.isNull() || !ids.deal.isNull());
    if (!n.companyName.isEmpty())
        attributes.insert(QStringLiteral("company_name"), n.companyName);
    return QJsonObject{
        {QStringLiteral("event_id"), eventId},
        {QStringLiteral("kind"), n.kind},
        {QStringLiteral("occurred_at"), n.occurredAtMs},
        {QStringLiteral("actor"), n.actor},
        {QStringLiteral("company"), n.company()},
        {QStringLiteral("deal_ref"), n.dealRef},
        {QStringLiteral("subject"), n.subject},
        {QStringLiteral("body_text"), n.text},
        {QStringLiteral("attributes"), QString::fromUtf8(QJsonDocument(attributes).toJson(QJsonDocument::Compact))},
        {QStringLiteral("contact_id"), idValue(ids.contact)},
        {QStringLiteral("company_id"), idValue(ids.company)},
        {QStringLiteral("deal_id"), idValue(ids.deal)},
        {QStringLiteral("created_at"), nowMs()}};
}

} // namespace

Status EntityRepository::storeNormalised(Connection &c, const QString &eventId, const sources::Normalised &n,
                                         const Linked &known)
{
    return storeNormalisedAll(c, {{eventId, &n, known}});
}

Status EntityRepository::storeNormalisedAll(Connection &c, const QList<ToStore> &events)
{
    QHash<QString, qsizetype> last; // an event given twice: its last version
    for (qsizetype i = 0; i < events.size(); ++i)
        last.insert(events[i].eventId, i);
    QJsonArray rows;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const ToStore &e = events[i];
        if (last.value(e.eventId) != i)
            continue;
        auto ids = linkAll(c, *e.normalised, e.known);
        if (!ids)
            return ids.error();
        rows.append(normalisedRow(e.eventId, *e.normalised, ids.value()));
    }
    if (rows.isEmpty())
        return Done{};
    // One statement for the rows (a JSON array taken apart by the database); a replay replaces
    // the earlier row.
    auto r = c.exec(
        "INSERT INTO normalised_events (" + kNormalisedColumns + ") "
            + jsonRowsSelect(c.dialect() == Dialect::Postgres, "normalised_events", kNormalisedColumns)
            + " WHERE true ON CONFLICT (event_id) DO UPDATE SET kind = excluded.kind,"
              " occurred_at = excluded.occurred_at, actor = excluded.actor, company = excluded.company,"
              " deal_ref = excluded.deal_ref, subject = excluded.subject, body_text = excluded.body_text,"
              " attributes = excluded.attributes, contact_id = excluded.contact_id,"
              " company_id = excluded.company_id, deal_id = excluded.deal_id, created_at = excluded.created_at",
        {jsonRowsParam(rows)});
    if (!r)
        return r.error();
    return Done{};
}

} // namespace salesflow::store
