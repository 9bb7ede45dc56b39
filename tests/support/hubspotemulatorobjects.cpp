#include "hubspotemulatorstate.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace salesflow::test {

using namespace hubspotwire;

bool HubSpotEmulator::State::isUnique(const QString &type, const QString &prop) const
{
    return props.value(type).value(prop).value(QLatin1String("hasUniqueValue")).toBool();
}

QJsonObject HubSpotEmulator::State::objectJson(const QString &type, const Object &o, const QStringList &only) const
{
    QJsonObject p;
    for (auto it = o.properties.begin(); it != o.properties.end(); ++it)
        if (only.isEmpty() || only.contains(it.key()))
            p.insert(it.key(), it.value());
    p.insert(QStringLiteral("hs_object_id"), QString::number(o.id));
    p.insert(QStringLiteral("hs_createdate"), iso(o.createdAtMs));
    p.insert(QStringLiteral("hs_lastmodifieddate"), iso(o.updatedAtMs));
    Q_UNUSED(type);
    return QJsonObject{{QStringLiteral("id"), QString::number(o.id)},
                       {QStringLiteral("properties"), p},
                       {QStringLiteral("createdAt"), iso(o.createdAtMs)},
                       {QStringLiteral("updatedAt"), iso(o.updatedAtMs)},
                       {QStringLiteral("archived"), o.archived}};
}

QString HubSpotEmulator::State::checkProperties(const QString &type, const QJsonObject &properties) const
{
    QJsonArray bad;
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QJsonObject def = props.value(type).value(it.key());
        if (def.isEmpty()) {
            bad.append(
                QJsonObject{{QStringLiteral("isValid"), false},
                            {QStringLiteral("message"), QStringLiteral("Property \"%1\" does not exist").arg(it.key())},
                            {QStringLiteral("error"), QStringLiteral("PROPERTY_DOESNT_EXIST")},
                            {QStringLiteral("name"), it.key()}});
        } else if (!it.value().isString() && !it.value().isNull()) {
            bad.append(QJsonObject{{QStringLiteral("isValid"), false},
                                   {QStringLiteral("message"), QStringLiteral("%1 must be a string").arg(it.key())},
                                   {QStringLiteral("error"), QStringLiteral("INVALID_TYPE")},
                                   {QStringLiteral("name"), it.key()}});
        } else if (def.value(QLatin1String("type")).toString() == QLatin1String("number")
                   && !it.value().toString().isEmpty()) {
            bool ok = false;
            it.value().toString().toDouble(&ok);
            if (!ok)
                bad.append(QJsonObject{
                    {QStringLiteral("isValid"), false},
                    {QStringLiteral("message"), QStringLiteral("%1 was not a valid number").arg(it.value().toString())},
                    {QStringLiteral("error"), QStringLiteral("INVALID_FLOAT")},
                    {QStringLiteral("name"), it.key()}});
        }
    }
    if (bad.isEmpty())
        return {};
    return QStringLiteral("Property values were not valid: ")
        + QString::fromUtf8(QJsonDocument(bad).toJson(QJsonDocument::Compact));
}

qint64 HubSpotEmulator::State::findByUnique(const QString &type, const QString &prop, const QString &value) const
{
    const bool fold = prop == QLatin1String("email");
    for (const Object &o : objects.value(type)) {
        if (o.archived)
            continue;
        const QString v = o.properties.value(prop);
        if (fold ? v.compare(value, Qt::CaseInsensitive) == 0 : v == value)
            return o.id;
    }
    return 0;
}

QString HubSpotEmulator::State::uniqueClash(const QString &type, const QJsonObject &properties, qint64 self) const
{
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        if (!isUnique(type, it.key()) || it.value().toString().isEmpty())
            continue;
        const qint64 other = findByUnique(type, it.key(), it.value().toString());
        if (other && other != self)
            return type == QLatin1String("contacts") && it.key() == QLatin1String("email")
                ? QStringLiteral("Contact already exists. Existing ID: %1").arg(other)
                : QStringLiteral("A %1 with the unique value %2=%3 already exists. Existing ID: %4")
                      .arg(type, it.key(), it.value().toString())
                      .arg(other);
    }
    return {};
}

HubSpotEmulator::Object &HubSpotEmulator::State::create(const QString &type, const QJsonObject &properties, qint64 now)
{
    Object o;
    o.id = nextId++;
    o.createdAtMs = o.updatedAtMs = now;
    for (auto it = properties.begin(); it != properties.end(); ++it)
        o.properties.insert(it.key(), it.value().toString());
    objects[type].insert(o.id, o);
    return objects[type][o.id];
}

void HubSpotEmulator::State::update(Object &o, const QJsonObject &properties, qint64 now)
{
    for (auto it = properties.begin(); it != properties.end(); ++it)
        o.properties.insert(it.key(), it.value().toString());
    o.updatedAtMs = now;
}

Answer HubSpotEmulator::State::batchResponse(int okStatus, const QJsonArray &results, const QJsonArray &errors,
                                             qint64 started)
{
    QJsonObject o{{QStringLiteral("status"), QStringLiteral("COMPLETE")},
                  {QStringLiteral("results"), results},
                  {QStringLiteral("startedAt"), iso(started)},
                  {QStringLiteral("completedAt"), iso(QDateTime::currentMSecsSinceEpoch())}};
    if (!errors.isEmpty()) {
        o.insert(QStringLiteral("numErrors"), errors.size());
        o.insert(QStringLiteral("errors"), errors);
        return {207, o, false};
    }
    return {okStatus, o, false};
}

namespace {

bool isWrite(const QString &op)
{
    return op == QLatin1String("upsert") || op == QLatin1String("create") || op == QLatin1String("update");
}

bool needsTimestamp(const QString &type, const QJsonObject &properties)
{
    return (type == QLatin1String("notes") || type == QLatin1String("tasks"))
        && !properties.contains(QLatin1String("hs_timestamp"));
}

QJsonObject traceContextOf(const QJsonObject &in)
{
    const QString trace = in.value(QLatin1String("objectWriteTraceId")).toString();
    return trace.isEmpty() ? QJsonObject{} : QJsonObject{{QStringLiteral("objectWriteTraceId"), QJsonArray{trace}}};
}

} // namespace

std::optional<Answer> HubSpotEmulator::State::refuseBatch(const QString &type, const QString &op,
                                                          const QJsonArray &inputs) const
{
    QSet<QString> ids;
    for (const QJsonValue &v : inputs) {
        const QJsonObject in = v.toObject();
        if (const QString bad = checkProperties(type, in.value(QLatin1String("properties")).toObject()); !bad.isEmpty())
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"), bad);
        if (op == QLatin1String("upsert")) {
            const QString idProperty = in.value(QLatin1String("idProperty")).toString();
            if (!isUnique(type, idProperty))
                return errorBody(
                    400, QStringLiteral("VALIDATION_ERROR"),
                    QStringLiteral("idProperty %1 is not a unique identifier property of %2").arg(idProperty, type));
        }
        if (op != QLatin1String("create")) {
            const QString id = in.value(QLatin1String("id")).toString().toLower();
            if (ids.contains(id))
                return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                 QStringLiteral("Duplicate IDs found in batch input: [%1]").arg(id));
            ids.insert(id);
        }
    }
    return std::nullopt;
}

void HubSpotEmulator::State::batchUpsert(const QString &type, const QJsonObject &in, qint64 now, BatchOut &out)
{
    const QString idProperty = in.value(QLatin1String("idProperty")).toString();
    const QString value = in.value(QLatin1String("id")).toString();
    QJsonObject all = in.value(QLatin1String("properties")).toObject();
    all.insert(idProperty, value);
    const qint64 existing = findByUnique(type, idProperty, value);
    if (const QString clash = uniqueClash(type, all, existing); !clash.isEmpty()) {
        out.errors.append(standardError(QStringLiteral("CONFLICT"), clash, traceContextOf(in)));
        return;
    }
    if (!existing && needsTimestamp(type, all)) {
        out.errors.append(standardError(QStringLiteral("VALIDATION_ERROR"), QStringLiteral("hs_timestamp is required"),
                                        traceContextOf(in)));
        return;
    }
    Object *o = existing ? &objects[type][existing] : &create(type, all, now);
    if (existing)
        update(*o, all, now);
    QJsonObject r = objectJson(type, *o);
    r.insert(QStringLiteral("new"), existing == 0);
    if (const QString trace = in.value(QLatin1String("objectWriteTraceId")).toString(); !trace.isEmpty())
        r.insert(QStringLiteral("objectWriteTraceId"), trace);
    out.results.append(r);
}

void HubSpotEmulator::State::batchCreate(const QString &type, const QJsonObject &in, qint64 now, BatchOut &out)
{
    const QJsonObject properties = in.value(QLatin1String("properties")).toObject();
    if (const QString clash = uniqueClash(type, properties, 0); !clash.isEmpty()) {
        out.errors.append(standardError(QStringLiteral("CONFLICT"), clash, traceContextOf(in)));
        return;
    }
    if (needsTimestamp(type, properties)) {
        out.errors.append(standardError(QStringLiteral("VALIDATION_ERROR"), QStringLiteral("hs_timestamp is required"),
                                        traceContextOf(in)));
        return;
    }
    out.results.append(objectJson(type, create(type, properties, now)));
}

/// update, read and archive: the input names an existing object by id.
void HubSpotEmulator::State::batchById(const QString &type, const QString &op, const QJsonObject &in,
                                       const QJsonObject &body, qint64 now, BatchOut &out)
{
    const qint64 id = in.value(QLatin1String("id")).toString().toLongLong();
    auto &table = objects[type];
    if (!table.contains(id) || table[id].archived) {
        out.errors.append(standardError(
            QStringLiteral("OBJECT_NOT_FOUND"),
            QStringLiteral("Could not get some %1 objects, they may be deleted or not exist. Check that ids are valid.")
                .arg(type.toUpper()),
            QJsonObject{{QStringLiteral("ids"), QJsonArray{in.value(QLatin1String("id")).toString()}}}));
        return;
    }
    const QJsonObject properties = in.value(QLatin1String("properties")).toObject();
    if (op == QLatin1String("update")) {
        if (const QString clash = uniqueClash(type, properties, id); !clash.isEmpty()) {
            out.errors.append(standardError(QStringLiteral("CONFLICT"), clash,
                                            QJsonObject{{QStringLiteral("ids"), QJsonArray{QString::number(id)}}}));
            return;
        }
        update(table[id], properties, now);
        out.results.append(objectJson(type, table[id]));
    } else if (op == QLatin1String("read")) {
        QStringList only;
        for (const QJsonValue &p : body.value(QLatin1String("properties")).toArray())
            only << p.toString();
        out.results.append(objectJson(type, table[id], only));
    } else {
        table[id].archived = true;
    }
}

Answer HubSpotEmulator::State::batch(const QString &type, const QString &op, const QJsonObject &body, qint64 now)
{
    const QJsonArray inputs = body.value(QLatin1String("inputs")).toArray();
    if (!body.value(QLatin1String("inputs")).isArray())
        return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                         QStringLiteral("Invalid input JSON: inputs is required"));
    if (inputs.size() > 100)
        return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                         QStringLiteral("Object API batch endpoints are limited to 100 inputs per request (got %1)")
                             .arg(inputs.size()));
    const bool byId = op == QLatin1String("update") || op == QLatin1String("read") || op == QLatin1String("archive");
    if (op != QLatin1String("upsert") && op != QLatin1String("create") && !byId)
        return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"), QStringLiteral("Unknown batch operation %1").arg(op));
    // Validate the whole batch first: HubSpot refuses it as one.
    if (isWrite(op)) {
        if (auto refused = refuseBatch(type, op, inputs))
            return *refused;
    }
    BatchOut out;
    for (const QJsonValue &v : inputs) {
        if (op == QLatin1String("upsert"))
            batchUpsert(type, v.toObject(), now, out);
        else if (op == QLatin1String("create"))
            batchCreate(type, v.toObject(), now, out);
        else
            batchById(type, op, v.toObject(), body, now, out);
    }
    if (op == QLatin1String("archive"))
        return {204, {}, true};
    return batchResponse(op == QLatin1String("create") ? 201 : 200, out.results, out.errors, now);
}

Answer HubSpotEmulator::State::associationsBatch(const QString &from, const QString &to, const QString &op,
                                                 const QJsonObject &body, qint64 now)
{
    const QJsonArray inputs = body.value(QLatin1String("inputs")).toArray();
    QJsonArray results, errors;
    if (op == QLatin1String("create")) {
        if (inputs.size() > 2000)
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"), QStringLiteral("At most 2000 inputs"));
        for (const QJsonValue &v : inputs) {
            const QJsonObject in = v.toObject();
            const qint64 fromId
                = in.value(QLatin1String("from")).toObject().value(QLatin1String("id")).toString().toLongLong();
            const qint64 toId
                = in.value(QLatin1String("to")).toObject().value(QLatin1String("id")).toString().toLongLong();
            if (!objects.value(from).contains(fromId) || !objects.value(to).contains(toId)) {
                errors.append(
                    standardError(QStringLiteral("VALIDATION_ERROR"),
                                  QStringLiteral("One or more objects do not exist: %1 %2, %3 %4")
                                      .arg(from)
                                      .arg(fromId)
                                      .arg(to)
                                      .arg(toId),
                                  QJsonObject{{QStringLiteral("fromObjectId"), QJsonArray{QString::number(fromId)}}}));
                continue;
            }
            QJsonArray labels;
            for (const QJsonValue &t : in.value(QLatin1String("types")).toArray()) {
                const int tid = t.toObject().value(QLatin1String("associationTypeId")).toInt();
                const QString key = QStringLiteral("%1/%2/%3/%4/%5").arg(from).arg(fromId).arg(to).arg(toId).arg(tid);
                if (!assocKeys.contains(key)) {
                    assocKeys.insert(key);
                    assocs.append({from, fromId, to, toId, tid});
                }
            }
            // Object ids are strings in v4 answers (LabelsBetweenObjectPair, MultiAssociatedObjectWithLabel).
            results.append(QJsonObject{{QStringLiteral("fromObjectTypeId"), typeId(from)},
                                       {QStringLiteral("fromObjectId"), QString::number(fromId)},
                                       {QStringLiteral("toObjectTypeId"), typeId(to)},
                                       {QStringLiteral("toObjectId"), QString::number(toId)},
                                       {QStringLiteral("labels"), labels}});
        }
        return batchResponse(201, results, errors, now);
    }
    if (op == QLatin1String("read")) {
        for (const QJsonValue &v : inputs) {
            const QString id = v.toObject().value(QLatin1String("id")).toString();
            QJsonArray tos;
            QHash<qint64, QJsonArray> types;
            QList<qint64> order;
            for (const Association &a : assocs) {
                if (a.fromType == from && a.toType == to && QString::number(a.fromId) == id) {
                    if (!types.contains(a.toId))
                        order << a.toId;
                    types[a.toId].append(QJsonObject{{QStringLiteral("category"), QStringLiteral("HUBSPOT_DEFINED")},
                                                     {QStringLiteral("typeId"), a.typeId}}); // unlabelled: no label
                }
            }
            if (order.isEmpty()) {
                errors.append(standardError(QStringLiteral("OBJECT_NOT_FOUND"),
                                            QStringLiteral("No %1 is associated with %2 %3.").arg(to, from, id),
                                            QJsonObject{{QStringLiteral("fromObjectId"), QJsonArray{id}}}));
                continue;
            }
            for (qint64 t : order)
                tos.append(QJsonObject{{QStringLiteral("toObjectId"), QString::number(t)},
                                       {QStringLiteral("associationTypes"), types[t]}});
            results.append(QJsonObject{{QStringLiteral("from"), QJsonObject{{QStringLiteral("id"), id}}},
                                       {QStringLiteral("to"), tos}});
        }
        return batchResponse(200, results, errors, now);
    }
    return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"),
                     QStringLiteral("Unknown association operation %1").arg(op));
}

} // namespace salesflow::test
