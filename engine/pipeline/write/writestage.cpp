#include "writestage.h"

#include "../../api/types.h"
#include "../../core/clock.h"
#include "../../core/logging.h"
#include "../../store/sharedratebudget.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace salesflow::pipeline {

using store::Action;
using store::ActionRepository;
namespace AS = store::ActionStatus;

namespace {
constexpr int kBatchInputs = 100; // "Object API batch endpoints are limited to 100 inputs per request"

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool permanentCategory(const QString &category)
{
    // Errors a repeat cannot fix; the action fails with HubSpot's message and can be replayed.
    return category == QLatin1String("VALIDATION_ERROR") || category == QLatin1String("OBJECT_NOT_FOUND")
        || category == QLatin1String("CONFLICT") || category == QLatin1String("INVALID_PARAMS");
}

/// The ids a batch answer's `errors` name, each with HubSpot's reason.
QHash<QString, QString> refusedIds(const hubspot::Response &r)
{
    QHash<QString, QString> failed;
    for (const QJsonValue &v : r.json.object().value(QLatin1String("errors")).toArray()) {
        const QJsonObject e = v.toObject();
        for (const QJsonValue &id : e.value(QLatin1String("context")).toObject().value(QLatin1String("ids")).toArray())
            failed.insert(
                id.toString(),
                QStringLiteral("HubSpot refused it (%1): %2")
                    .arg(e.value(QLatin1String("category")).toString(), e.value(QLatin1String("message")).toString()));
    }
    return failed;
}
} // namespace

struct WriteStage::Batch
{
    store::Connection &conn;
    store::SharedRateBudget budget; ///< shared with every writer on this store
    QList<Action> actions;
    std::optional<Error> hold;
    QList<ActionRepository::Outcome> outcomes;
    QSet<qint64> doneNow; ///< notes and tasks finished in this batch (candidates for read-back)
    QHash<QString, QString> hubspotIds; ///< "kind\nkey" -> HubSpot id, known during this batch

    /// The HubSpot id of an entity, read once per batch; empty while HubSpot does not have it.
    Result<QString> hubspotIdOf(const QString &kind, const QString &key)
    {
        const QString cacheKey = kind + QLatin1Char('\n') + key;
        if (auto it = hubspotIds.constFind(cacheKey); it != hubspotIds.cend())
            return it.value();
        auto id = ActionRepository::hubspotIdOf(conn, kind, key);
        if (id && !id->isEmpty())
            hubspotIds.insert(cacheKey, id.value());
        return id;
    }

    void flush()
    {
        Status s = ActionRepository::record(conn, outcomes, nowMs());
        if (!s && !conn.broken())
            s = ActionRepository::record(conn, outcomes, nowMs()); // a deadlock victim: once more
        if (!s) {
            // The writes stand in HubSpot; without their record the actions are sent again next
            // time, which the upserts by key make harmless. Say so.
            qCWarning(lcPipeline) << "could not record" << outcomes.size()
                                  << "HubSpot outcomes; those actions will be sent again:" << s.error().message;
        }
        outcomes.clear();
    }
    void outcome(Action &a, const QString &status, const QString &hubspotId, const QByteArray &request, int code,
                 const QByteArray &response, const QString &error, bool sent = true)
    {
        if (!status.isEmpty())
            a.status = status;
        if (!hubspotId.isEmpty())
            a.hubspotId = hubspotId;
        a.lastError = error;
        outcomes.append({a.id, status, hubspotId, request, code, response, error, sent});
    }
};

WriteStage::WriteStage(std::shared_ptr<hubspot::Client> client, Options options)
    : m_client(std::move(client)), m_options(options)
{ }

Result<StageOutput> WriteStage::run(const queue::Job &job, store::Connection &conn)
{
    return runBatch({job}, conn).first();
}

/// One upsert request: its inputs, and each action's own input as its record of what was sent
/// (not the whole batch's body, which would be stored once per action).
struct WriteStage::UpsertChunk
{
    QList<Action *> actions;
    QJsonObject body;
    QHash<QString, Action *> byTrace;
    QHash<QString, Action *> byKey;
    QHash<const Action *, QByteArray> sent;

    explicit UpsertChunk(QList<Action *> chunk) : actions(std::move(chunk))
    {
        QJsonArray inputs;
        for (Action *a : actions) {
            const QString trace = QString::number(a->id);
            const QJsonObject input{{QStringLiteral("idProperty"), a->payload.value(QLatin1String("idProperty"))},
                                    {QStringLiteral("id"), a->payload.value(QLatin1String("id"))},
                                    {QStringLiteral("properties"), a->payload.value(QLatin1String("properties"))},
                                    {QStringLiteral("objectWriteTraceId"), trace}};
            inputs.append(input);
            sent.insert(a, compact(input));
            byTrace.insert(trace, a);
            byKey.insert(a->payload.value(QLatin1String("id")).toString().toLower(), a);
        }
        body = QJsonObject{{QStringLiteral("inputs"), inputs}};
    }

    /// The action a result belongs to: by its trace id, else by the key it was upserted by.
    Action *actionOf(const QJsonObject &result) const
    {
        if (Action *a = byTrace.value(result.value(QLatin1String("objectWriteTraceId")).toString()))
            return a;
        if (actions.isEmpty())
            return nullptr;
        const QString idProperty = actions.first()->payload.value(QLatin1String("idProperty")).toString();
        return byKey.value(result.value(QLatin1String("properties")).toObject().value(idProperty).toString().toLower());
    }
};

void WriteStage::upsert(Batch &b, const QString &objectType, QList<Action *> actions)
{
    for (qsizetype from = 0; from < actions.size() && !b.hold; from += kBatchInputs) {
        const UpsertChunk chunk(actions.mid(from, kBatchInputs));
        auto res = m_client->call(b.budget, "POST", QStringLiteral("/crm/v3/objects/%1/batch/upsert").arg(objectType),
                                  QJsonDocument(chunk.body));
        if (!res) {
            if (res.error().retry == Retry::Hold)
                b.hold = res.error();
            for (Action *a : chunk.actions)
                b.outcome(*a, {}, {}, chunk.sent.value(a), 0, {}, res.error().message);
            b.flush();
            continue;
        }
        const hubspot::Response &r = res.value();
        if (r.status == 200 || r.status == 201 || r.status == 207) {
            recordUpserts(b, chunk, r);
            b.flush();
            continue;
        }
        // A 4xx for the whole batch: find the bad input by sending the inputs one by one.
        if (chunk.actions.size() > 1) {
            b.flush();
            for (Action *a : chunk.actions)
                upsert(b, objectType, {a});
            continue;
        }
        Action *only = chunk.actions.first();
        b.outcome(*only, AS::Failed, {}, chunk.sent.value(only), r.status, r.body.left(4000),
                  hubspot::Client::describe(r));
        b.flush();
    }
}

void WriteStage::recordUpserts(Batch &b, const UpsertChunk &chunk, const hubspot::Response &r)
{
    QSet<Action *> seen;
    QList<Upserted> upserted;
    for (const QJsonValue &v : r.json.object().value(QLatin1String("results")).toArray()) {
        const QJsonObject o = v.toObject();
        Action *a = chunk.actionOf(o);
        if (!a || seen.contains(a))
            continue;
        seen.insert(a);
        upserted.append({a, o.value(QLatin1String("id")).toString(), compact(o)});
    }
    recordUpserted(b, chunk, upserted, r.status);
    for (const QJsonValue &v : r.json.object().value(QLatin1String("errors")).toArray()) {
        const QJsonObject err = v.toObject();
        const QJsonArray traces
            = err.value(QLatin1String("context")).toObject().value(QLatin1String("objectWriteTraceId")).toArray();
        Action *a = traces.isEmpty() ? nullptr : chunk.byTrace.value(traces.first().toString());
        if (!a || seen.contains(a))
            continue;
        seen.insert(a);
        const QString category = err.value(QLatin1String("category")).toString();
        const QString msg = QStringLiteral("HubSpot refused it (%1): %2 [correlationId %3]")
                                .arg(category, err.value(QLatin1String("message")).toString(), r.correlationId);
        b.outcome(*a, permanentCategory(category) ? AS::Failed : QString(), {}, chunk.sent.value(a), r.status,
                  compact(err), msg);
    }
    for (Action *a : chunk.actions) {
        if (!seen.contains(a))
            b.outcome(*a, {}, {}, chunk.sent.value(a), r.status, r.body.left(2000),
                      QStringLiteral("HubSpot's answer has no result for this input; it is sent again"));
    }
}

namespace {
/// The crm_entities kind a contact or company upsert links, else empty.
QString linkedKind(const Action &a)
{
    if (a.kind == QLatin1String("upsert_contact"))
        return QStringLiteral("contact");
    if (a.kind == QLatin1String("upsert_company"))
        return QStringLiteral("company");
    return {};
}
} // namespace

void WriteStage::recordUpserted(Batch &b, const UpsertChunk &chunk, const QList<Upserted> &upserted, int status)
{
    // The contacts' and companies' HubSpot ids, in one statement for the request.
    QList<ActionRepository::EntityLink> links;
    for (const Upserted &u : upserted) {
        if (const QString kind = linkedKind(*u.action); !kind.isEmpty())
            links.append({kind, u.action->payload.value(QLatin1String("entity_key")).toString(), u.id});
    }
    const Status linked = ActionRepository::linkEntities(b.conn, links);
    for (const Upserted &u : upserted) {
        Action &a = *u.action;
        const QByteArray sent = chunk.sent.value(&a);
        if (const QString kind = linkedKind(a); !kind.isEmpty()) {
            const QString key = a.payload.value(QLatin1String("entity_key")).toString();
            if (!linked) {
                // Without the link nothing can be associated with it: keep the action open, so
                // the next attempt upserts (harmlessly) and links again.
                b.outcome(a, {}, u.id, sent, status, u.result,
                          QStringLiteral("HubSpot has it as %1, but linking %2 %3 failed: %4")
                              .arg(u.id, kind, key, linked.error().message));
                continue;
            }
            b.hubspotIds.insert(kind + QLatin1Char('\n') + key, u.id);
        }
        const bool hasAssociations = !a.payload.value(QLatin1String("associations")).toArray().isEmpty();
        b.outcome(a, hasAssociations ? AS::Written : AS::Done, u.id, sent, status, u.result, {});
    }
}

/// The association calls a batch needs: inputs grouped by (from type, to type, type id), and per
/// action how many must succeed and what kept it from finishing.
struct WriteStage::Associations
{
    struct Pair
    {
        QString fromType, toType;
        int typeId;
        bool operator==(const Pair &o) const
        {
            return fromType == o.fromType && toType == o.toType && typeId == o.typeId;
        }
    };
    struct Input
    {
        Action *action;
        QString toId;
    };
    QList<std::pair<Pair, QList<Input>>> groups;
    QHash<Action *, int> needed, succeeded;
    QHash<Action *, QStringList> notes;

    void add(const Pair &p, Action *a, const QString &toId)
    {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == p; });
        if (it == groups.end()) {
            groups.append({p, {}});
            it = groups.end() - 1;
        }
        it->second.append({a, toId});
        ++needed[a];
    }

    /// Plans the associations of one written action; false when one of its targets is not in
    /// HubSpot yet (it cannot finish in this batch). A missing deal is noted and skipped.
    bool plan(Batch &b, Action &a)
    {
        bool complete = true;
        for (const QJsonValue &v : a.payload.value(QLatin1String("associations")).toArray()) {
            const QJsonObject as = v.toObject();
            const QString entity = as.value(QLatin1String("entity")).toString();
            const QString key = as.value(QLatin1String("key")).toString();
            auto toId = b.hubspotIdOf(entity, key);
            if (!toId) {
                complete = false;
                notes[&a] << QStringLiteral("could not look up %1 %2: %3").arg(entity, key, toId.error().message);
            } else if (toId->isEmpty() && entity == QLatin1String("deal")) {
                notes[&a] << QStringLiteral("deal %1 is not in HubSpot: not associated").arg(key);
            } else if (toId->isEmpty()) {
                complete = false;
                notes[&a] << QStringLiteral("waiting for %1 %2 to exist in HubSpot").arg(entity, key);
            } else {
                add({a.objectType, as.value(QLatin1String("toType")).toString(),
                     as.value(QLatin1String("typeId")).toInt()},
                    &a, toId.value());
            }
        }
        return complete;
    }
};

namespace {

QJsonObject associationInput(const QString &fromId, const QString &toId, int typeId)
{
    const QJsonObject type{{QStringLiteral("associationCategory"), QStringLiteral("HUBSPOT_DEFINED")},
                           {QStringLiteral("associationTypeId"), typeId}};
    return QJsonObject{{QStringLiteral("from"), QJsonObject{{QStringLiteral("id"), fromId}}},
                       {QStringLiteral("to"), QJsonObject{{QStringLiteral("id"), toId}}},
                       {QStringLiteral("types"), QJsonArray{type}}};
}

/// "from>to" of every association HubSpot confirmed in a batch/create answer.
QSet<QString> confirmedAssociations(const hubspot::Response &r)
{
    QSet<QString> ok;
    for (const QJsonValue &v : r.json.object().value(QLatin1String("results")).toArray()) {
        const QJsonObject o = v.toObject();
        ok.insert(QString::number(o.value(QLatin1String("fromObjectId")).toVariant().toLongLong()) + QLatin1Char('>')
                  + QString::number(o.value(QLatin1String("toObjectId")).toVariant().toLongLong()));
    }
    return ok;
}

} // namespace

void WriteStage::sendAssociations(Batch &b, Associations &plan, qsizetype group, qsizetype from)
{
    const auto &[pair, inputs] = plan.groups[group];
    const QList<Associations::Input> chunk = inputs.mid(from, kBatchInputs);
    QJsonArray arr;
    for (const Associations::Input &in : chunk)
        arr.append(associationInput(in.action->hubspotId, in.toId, pair.typeId));
    auto res = m_client->call(b.budget, "POST",
                              QStringLiteral("/crm/v4/associations/%1/%2/batch/create").arg(pair.fromType, pair.toType),
                              QJsonDocument(QJsonObject{{QStringLiteral("inputs"), arr}}));
    if (!res) {
        if (res.error().retry == Retry::Hold)
            b.hold = res.error();
        for (const Associations::Input &in : chunk)
            plan.notes[in.action] << res.error().message;
        return;
    }
    const QSet<QString> ok = confirmedAssociations(res.value());
    for (const Associations::Input &in : chunk) {
        if (ok.contains(in.action->hubspotId + QLatin1Char('>') + in.toId)) {
            ++plan.succeeded[in.action];
        } else {
            plan.notes[in.action] << QStringLiteral("association %1 → %2 %3 not confirmed: %4")
                                         .arg(pair.fromType, pair.toType, in.toId,
                                              hubspot::Client::describe(res.value()));
        }
    }
}

void WriteStage::associate(Batch &b)
{
    Associations plan;
    for (Action &a : b.actions) {
        if (a.status == AS::Written && !a.hubspotId.isEmpty() && !plan.plan(b, a))
            plan.needed[&a] += 1000; // cannot finish in this batch
    }
    for (qsizetype g = 0; g < plan.groups.size(); ++g) {
        for (qsizetype from = 0; from < plan.groups[g].second.size() && !b.hold; from += kBatchInputs)
            sendAssociations(b, plan, g, from);
    }
    for (Action &a : b.actions) {
        if (a.status != AS::Written)
            continue;
        const QString note = plan.notes.value(&a).join(QLatin1String("; "));
        if (plan.succeeded.value(&a) == plan.needed.value(&a)) {
            b.outcome(a, AS::Done, {}, {}, 0, {}, note, false);
            b.doneNow.insert(a.id);
        } else {
            b.outcome(a, {}, {}, {}, 0, {}, note.isEmpty() ? QStringLiteral("associations pending") : note, false);
        }
    }
    b.flush();
}

/// The newest event's update per contact; older updates of the same contact are superseded.
QHash<QString, Action *> WriteStage::newestContactUpdates(Batch &b)
{
    QHash<QString, Action *> newest;
    for (Action &a : b.actions) {
        if (a.kind != QLatin1String("update_contact") || a.status != AS::Planned)
            continue;
        const QString key = a.payload.value(QLatin1String("entity_key")).toString();
        Action *&slot = newest[key];
        if (slot && slot->eventId > a.eventId) {
            b.outcome(a, AS::Superseded, {}, {}, 0, {},
                      QStringLiteral("a newer event's update of the same contact was sent"), false);
            continue;
        }
        if (slot)
            b.outcome(*slot, AS::Superseded, {}, {}, 0, {},
                      QStringLiteral("a newer event's update of the same contact was sent"), false);
        slot = &a;
    }
    return newest;
}

void WriteStage::updateContacts(Batch &b)
{
    const QHash<QString, Action *> newest = newestContactUpdates(b);
    QList<ContactUpdate> ready;
    for (auto it = newest.begin(); it != newest.end(); ++it) {
        auto id = b.hubspotIdOf(QStringLiteral("contact"), it.key());
        if (!id)
            b.outcome(*it.value(), {}, {}, {}, 0, {},
                      QStringLiteral("could not look up contact %1: %2").arg(it.key(), id.error().message), false);
        else if (id->isEmpty())
            b.outcome(*it.value(), {}, {}, {}, 0, {},
                      QStringLiteral("waiting for contact %1 to exist in HubSpot").arg(it.key()), false);
        else
            ready.append({it.value(), id.value()});
    }
    b.flush();
    for (qsizetype from = 0; from < ready.size() && !b.hold; from += kBatchInputs) {
        sendContactUpdates(b, ready.mid(from, kBatchInputs));
        b.flush();
    }
}

/// One batch/update call for `chunk`; each action's outcome from HubSpot's results and errors.
void WriteStage::sendContactUpdates(Batch &b, const QList<ContactUpdate> &chunk)
{
    QJsonArray inputs;
    QHash<const Action *, QByteArray> sent; // each action's own input, its record of what was sent
    for (const auto &[a, id] : chunk) {
        const QJsonObject input{{QStringLiteral("id"), id},
                                {QStringLiteral("properties"), a->payload.value(QLatin1String("properties"))}};
        inputs.append(input);
        sent.insert(a, compact(input));
    }
    const QJsonObject body{{QStringLiteral("inputs"), inputs}};
    auto res = m_client->call(b.budget, "POST", QStringLiteral("/crm/v3/objects/contacts/batch/update"),
                              QJsonDocument(body));
    if (!res) {
        if (res.error().retry == Retry::Hold)
            b.hold = res.error();
        for (const auto &[a, id] : chunk)
            b.outcome(*a, {}, {}, sent.value(a), 0, {}, res.error().message);
        return;
    }
    const hubspot::Response &r = res.value();
    QSet<QString> ok;
    for (const QJsonValue &v : r.json.object().value(QLatin1String("results")).toArray())
        ok.insert(v.toObject().value(QLatin1String("id")).toString());
    const QHash<QString, QString> failed = refusedIds(r);
    for (const auto &[a, id] : chunk) {
        if (ok.contains(id))
            b.outcome(*a, AS::Done, id, sent.value(a), r.status, {}, {});
        else if (r.status >= 400 && r.status < 500)
            b.outcome(*a, AS::Failed, {}, sent.value(a), r.status, r.body.left(4000), hubspot::Client::describe(r));
        else
            b.outcome(*a, failed.contains(id) ? AS::Failed : QString(), {}, sent.value(a), r.status, r.body.left(2000),
                      failed.value(id, QStringLiteral("no result for this contact; sent again")));
    }
}

namespace {

QSet<QString> resultIds(const hubspot::Response &read)
{
    QSet<QString> present;
    for (const QJsonValue &v : read.json.object().value(QLatin1String("results")).toArray())
        present.insert(v.toObject().value(QLatin1String("id")).toString());
    return present;
}

/// From an associations batch/read answer: each object id and the ids it is associated with.
QHash<QString, QSet<QString>> linkedIds(const hubspot::Response &assoc)
{
    QHash<QString, QSet<QString>> linked;
    for (const QJsonValue &v : assoc.json.object().value(QLatin1String("results")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString from = o.value(QLatin1String("from")).toObject().value(QLatin1String("id")).toString();
        for (const QJsonValue &t : o.value(QLatin1String("to")).toArray())
            linked[from].insert(
                QString::number(t.toObject().value(QLatin1String("toObjectId")).toVariant().toLongLong()));
    }
    return linked;
}

} // namespace

void WriteStage::verify(Batch &b)
{
    if (m_options.verifyRate <= 0)
        return;
    // Read back a sample of batches (verifyRate of them): does each note/task written in the
    // batch exist, and is it associated with its contact? Two calls per object type.
    QHash<QString, QList<Action *>> byType;
    QString first;
    for (Action &a : b.actions) {
        if (!b.doneNow.contains(a.id))
            continue;
        if (first.isEmpty())
            first = a.key;
        byType[a.objectType].append(&a);
    }
    if (first.isEmpty() || qHash(first) % 1000 >= uint(m_options.verifyRate * 1000))
        return;
    for (auto it = byType.begin(); it != byType.end() && !b.hold; ++it)
        verifyType(b, it.key(), it.value().mid(0, kBatchInputs));
}

void WriteStage::verifyType(Batch &b, const QString &type, const QList<Action *> &sample)
{
    QJsonArray inputs;
    for (Action *a : sample)
        inputs.append(QJsonObject{{QStringLiteral("id"), a->hubspotId}});
    auto read = m_client->call(
        b.budget, "POST", QStringLiteral("/crm/v3/objects/%1/batch/read").arg(type),
        QJsonDocument(QJsonObject{{QStringLiteral("inputs"), inputs},
                                  {QStringLiteral("properties"), QJsonArray{QStringLiteral("salesflow_action_key")}}}));
    auto assoc
        = m_client->call(b.budget, "POST", QStringLiteral("/crm/v4/associations/%1/contacts/batch/read").arg(type),
                         QJsonDocument(QJsonObject{{QStringLiteral("inputs"), inputs}}));
    if (!read || !assoc) {
        // The writes themselves are recorded; this sample stays unverified (verified NULL).
        qCWarning(lcPipeline) << "write verification skipped for" << sample.size() << type << ":"
                              << (!read ? read.error().message : assoc.error().message);
        if (!read && read.error().retry == Retry::Hold)
            b.hold = read.error();
        return;
    }
    const QSet<QString> present = resultIds(read.value());
    const QHash<QString, QSet<QString>> linked = linkedIds(assoc.value());
    for (Action *a : sample) {
        LogScope scope({{}, {}, a->eventId, {}}); // a line about one action names its event
        const QString verdict = present.contains(a->hubspotId)
            ? associationVerdict(b, *a, linked.value(a->hubspotId))
            : QStringLiteral("missing: %1 %2 not found on read-back").arg(type, a->hubspotId);
        if (verdict != QLatin1String("ok"))
            qCWarning(lcPipeline) << "write verification:" << a->key << verdict;
        if (Status s = ActionRepository::setVerified(b.conn, a->id, verdict); !s)
            qCWarning(lcPipeline) << "could not store the verification of" << a->key << ":" << s.error().message;
    }
}

/// "ok", or the contact association the action asked for and HubSpot does not have.
QString WriteStage::associationVerdict(Batch &b, const Action &a, const QSet<QString> &linkedTo)
{
    QString verdict = QStringLiteral("ok");
    for (const QJsonValue &v : a.payload.value(QLatin1String("associations")).toArray()) {
        const QJsonObject as = v.toObject();
        if (as.value(QLatin1String("entity")).toString() != QLatin1String("contact"))
            continue;
        auto cid = b.hubspotIdOf(QStringLiteral("contact"), as.value(QLatin1String("key")).toString());
        if (cid && !cid->isEmpty() && !linkedTo.contains(cid.value()))
            verdict = QStringLiteral("missing: association to contact %1").arg(cid.value());
    }
    return verdict;
}

namespace {

/// Where an event stands once its batch was written: done (or dry run), still pending (retried,
/// or held when HubSpot asked to wait), or failed for good when only failures are left.
Result<StageOutput> verdict(const QString &eventId, const QList<Action> &all, const std::optional<Error> &hold)
{
    int total = 0, finished = 0, dry = 0;
    QStringList failures, pending;
    for (const Action &a : all) {
        if (a.eventId != eventId)
            continue;
        ++total;
        if (a.status == AS::Done || a.status == AS::Superseded)
            ++finished;
        else if (a.status == AS::DryRun)
            ++dry;
        else if (a.status == AS::Failed)
            failures << QStringLiteral("%1 %2: %3").arg(a.kind, a.key, a.lastError);
        else
            pending << QStringLiteral("%1 %2%3").arg(
                a.kind, a.key,
                a.lastError.isEmpty() ? QString() : QStringLiteral(" (") + a.lastError + QLatin1Char(')'));
    }
    if (!failures.isEmpty() && pending.isEmpty()) {
        return permanentError("permanent.write",
                              QStringLiteral("%1 of %2 actions failed: %3")
                                  .arg(failures.size())
                                  .arg(total)
                                  .arg(failures.join(QLatin1String("; "))),
                              502);
    }
    if (!pending.isEmpty()) {
        if (hold)
            return *hold;
        return Error{QStringLiteral("hubspot.pending"),
                     QStringLiteral("%1 of %2 actions not finished yet: %3")
                         .arg(pending.size())
                         .arg(total)
                         .arg(pending.mid(0, 3).join(QLatin1String("; "))),
                     502};
    }
    StageOutput s;
    s.newStatus = EventStatus::Done;
    s.detail = dry > 0
        ? QStringLiteral("dry run: %1 actions planned, nothing sent (HUBSPOT_ACCESS_TOKEN is not set)").arg(dry)
        : QStringLiteral("%1 actions written to HubSpot").arg(finished);
    return s;
}

} // namespace

QList<Result<StageOutput>> WriteStage::runBatch(const QList<queue::Job> &jobs, store::Connection &conn)
{
    QStringList eventIds;
    for (const queue::Job &j : jobs)
        eventIds << j.eventId;
    QList<Result<StageOutput>> out;
    auto loaded = ActionRepository::unfinished(conn, eventIds);
    if (!loaded) {
        for (qsizetype i = 0; i < jobs.size(); ++i)
            out.append(loaded.error());
        return out;
    }
    Batch b{conn, store::SharedRateBudget(conn), std::move(loaded).value(), {}, {}, {}, {}};
    if (m_client->dryRun()) {
        for (Action &a : b.actions) {
            if (a.status == AS::Planned)
                b.outcome(a, AS::DryRun, {}, {}, 0, {}, {}, false);
        }
        b.flush();
    } else {
        auto pick = [&](const char *kind, const QString &status) {
            QList<Action *> list;
            for (Action &a : b.actions)
                if (a.kind == QLatin1String(kind) && a.status == status)
                    list.append(&a);
            return list;
        };
        upsert(b, QStringLiteral("contacts"), pick("upsert_contact", AS::Planned));
        upsert(b, QStringLiteral("companies"), pick("upsert_company", AS::Planned));
        upsert(b, QStringLiteral("notes"), pick("note", AS::Planned));
        upsert(b, QStringLiteral("tasks"), pick("task", AS::Planned));
        if (!b.hold)
            associate(b);
        if (!b.hold)
            updateContacts(b);
        if (!b.hold)
            verify(b);
    }
    auto all = ActionRepository::forEvents(conn, eventIds);
    if (!all) {
        for (qsizetype i = 0; i < jobs.size(); ++i)
            out.append(all.error());
        return out;
    }
    for (const queue::Job &job : jobs)
        out.append(verdict(job.eventId, all.value(), b.hold));
    return out;
}

} // namespace salesflow::pipeline
