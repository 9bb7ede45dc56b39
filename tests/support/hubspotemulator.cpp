#include "hubspotemulator.h"

#include "emulatorserver.h"
#include "hubspotwire.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>

#include <deque>

namespace salesflow::test {

using namespace hubspotwire;

struct HubSpotEmulator::State
{
    HubSpotEmulator *owner;
    mutable QMutex mutex;
    QHash<QString, QMap<qint64, Object>> objects;
    qint64 nextId = 1001;
    QHash<QString, QHash<QString, QJsonObject>> props;
    QHash<QString, QSet<QString>> groups;
    QList<Association> assocs;
    QSet<QString> assocKeys;
    std::deque<qint64> window;
    std::deque<qint64> searchWindow;
    QString day;
    qint64 dayCount = 0;
    QList<Fault::Kind> scripted;
    double faultRate = 0;
    std::mt19937 rng{1};
    QList<Exchange> log;
    int calls = 0;
    int tooMany = 0;
    QList<qint64> tooManyAt;
    int faults = 0;
    QHash<QString, QJsonObject> threadMessages; ///< "thread/message" -> the Conversations message
    QHash<QString, QJsonObject> actors; ///< "V-123" -> the Conversations actor

    explicit State(HubSpotEmulator *o) : owner(o)
    {
        auto add = [this](const QString &type, const QString &group,
                          std::initializer_list<std::pair<const char *, const char *>> list) {
            groups[type].insert(group);
            for (const auto &[name, t] : list) {
                const QString n = QString::fromLatin1(name);
                const QString ty = QString::fromLatin1(t);
                props[type].insert(
                    n,
                    propertyDef(n, n, ty,
                                ty == QLatin1String("number") ? QStringLiteral("number") : QStringLiteral("text"),
                                group, type == QLatin1String("contacts") && n == QLatin1String("email")));
            }
        };
        const std::initializer_list<std::pair<const char *, const char *>> common
            = {{"hs_object_id", "number"},
               {"hs_createdate", "datetime"},
               {"hs_lastmodifieddate", "datetime"},
               {"hubspot_owner_id", "enumeration"}};
        add(QStringLiteral("contacts"), QStringLiteral("contactinformation"),
            {{"email", "string"},
             {"firstname", "string"},
             {"lastname", "string"},
             {"company", "string"},
             {"phone", "string"},
             {"jobtitle", "string"},
             {"lifecyclestage", "enumeration"},
             {"createdate", "datetime"},
             {"lastmodifieddate", "datetime"}});
        add(QStringLiteral("companies"), QStringLiteral("companyinformation"),
            {{"domain", "string"},
             {"name", "string"},
             {"industry", "string"},
             {"numberofemployees", "number"},
             {"createdate", "datetime"}});
        add(QStringLiteral("deals"), QStringLiteral("dealinformation"),
            {{"dealname", "string"},
             {"dealstage", "enumeration"},
             {"pipeline", "enumeration"},
             {"amount", "number"},
             {"closedate", "datetime"}});
        add(QStringLiteral("notes"), QStringLiteral("noteinformation"),
            {{"hs_timestamp", "datetime"}, {"hs_note_body", "string"}, {"hs_attachment_ids", "string"}});
        add(QStringLiteral("tasks"), QStringLiteral("taskinformation"),
            {{"hs_timestamp", "datetime"},
             {"hs_task_subject", "string"},
             {"hs_task_body", "string"},
             {"hs_task_status", "enumeration"},
             {"hs_task_priority", "enumeration"},
             {"hs_task_type", "enumeration"},
             {"hs_task_reminders", "string"}});
        for (const QString &t : props.keys())
            add(t, *groups[t].begin(), common);
    }

    bool isUnique(const QString &type, const QString &prop) const
    {
        return props.value(type).value(prop).value(QLatin1String("hasUniqueValue")).toBool();
    }

    QJsonObject objectJson(const QString &type, const Object &o, const QStringList &only = {}) const
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

    /// Property names and values a write may set; errors say which are wrong, as HubSpot does.
    QString checkProperties(const QString &type, const QJsonObject &properties) const
    {
        QJsonArray bad;
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            const QJsonObject def = props.value(type).value(it.key());
            if (def.isEmpty()) {
                bad.append(QJsonObject{
                    {QStringLiteral("isValid"), false},
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
                    bad.append(QJsonObject{{QStringLiteral("isValid"), false},
                                           {QStringLiteral("message"),
                                            QStringLiteral("%1 was not a valid number").arg(it.value().toString())},
                                           {QStringLiteral("error"), QStringLiteral("INVALID_FLOAT")},
                                           {QStringLiteral("name"), it.key()}});
            }
        }
        if (bad.isEmpty())
            return {};
        return QStringLiteral("Property values were not valid: ")
            + QString::fromUtf8(QJsonDocument(bad).toJson(QJsonDocument::Compact));
    }

    qint64 findByUnique(const QString &type, const QString &prop, const QString &value) const
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

    /// A unique value taken by another object, or empty.
    QString uniqueClash(const QString &type, const QJsonObject &properties, qint64 self) const
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

    Object &create(const QString &type, const QJsonObject &properties, qint64 now)
    {
        Object o;
        o.id = nextId++;
        o.createdAtMs = o.updatedAtMs = now;
        for (auto it = properties.begin(); it != properties.end(); ++it)
            o.properties.insert(it.key(), it.value().toString());
        objects[type].insert(o.id, o);
        return objects[type][o.id];
    }

    void update(Object &o, const QJsonObject &properties, qint64 now)
    {
        for (auto it = properties.begin(); it != properties.end(); ++it)
            o.properties.insert(it.key(), it.value().toString());
        o.updatedAtMs = now;
    }

    Answer batchResponse(int okStatus, const QJsonArray &results, const QJsonArray &errors, qint64 started)
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

    Answer batch(const QString &type, const QString &op, const QJsonObject &body, qint64 now)
    {
        const QJsonArray inputs = body.value(QLatin1String("inputs")).toArray();
        if (!body.value(QLatin1String("inputs")).isArray())
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                             QStringLiteral("Invalid input JSON: inputs is required"));
        if (inputs.size() > 100)
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                             QStringLiteral("Object API batch endpoints are limited to 100 inputs per request (got %1)")
                                 .arg(inputs.size()));
        QJsonArray results, errors;
        if (op == QLatin1String("upsert") || op == QLatin1String("create") || op == QLatin1String("update")) {
            // Validate the whole batch first: HubSpot refuses it as one.
            QSet<QString> ids;
            for (const QJsonValue &v : inputs) {
                const QJsonObject in = v.toObject();
                if (const QString bad = checkProperties(type, in.value(QLatin1String("properties")).toObject());
                    !bad.isEmpty())
                    return errorBody(400, QStringLiteral("VALIDATION_ERROR"), bad);
                if (op == QLatin1String("upsert")) {
                    const QString idProperty = in.value(QLatin1String("idProperty")).toString();
                    if (!isUnique(type, idProperty))
                        return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                         QStringLiteral("idProperty %1 is not a unique identifier property of %2")
                                             .arg(idProperty, type));
                }
                if (op != QLatin1String("create")) {
                    const QString id = in.value(QLatin1String("id")).toString().toLower();
                    if (ids.contains(id))
                        return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                         QStringLiteral("Duplicate IDs found in batch input: [%1]").arg(id));
                    ids.insert(id);
                }
            }
        }
        for (const QJsonValue &v : inputs) {
            const QJsonObject in = v.toObject();
            const QJsonObject properties = in.value(QLatin1String("properties")).toObject();
            const QString trace = in.value(QLatin1String("objectWriteTraceId")).toString();
            QJsonObject traceContext;
            if (!trace.isEmpty())
                traceContext.insert(QStringLiteral("objectWriteTraceId"), QJsonArray{trace});
            if (op == QLatin1String("upsert")) {
                const QString idProperty = in.value(QLatin1String("idProperty")).toString();
                const QString value = in.value(QLatin1String("id")).toString();
                QJsonObject all = properties;
                all.insert(idProperty, value);
                const qint64 existing = findByUnique(type, idProperty, value);
                if (const QString clash = uniqueClash(type, all, existing); !clash.isEmpty()) {
                    errors.append(standardError(QStringLiteral("CONFLICT"), clash, traceContext));
                    continue;
                }
                Object *o;
                if (existing) {
                    o = &objects[type][existing];
                    update(*o, all, now);
                } else {
                    if ((type == QLatin1String("notes") || type == QLatin1String("tasks"))
                        && !all.contains(QLatin1String("hs_timestamp"))) {
                        errors.append(standardError(QStringLiteral("VALIDATION_ERROR"),
                                                    QStringLiteral("hs_timestamp is required"), traceContext));
                        continue;
                    }
                    o = &create(type, all, now);
                }
                QJsonObject r = objectJson(type, *o);
                r.insert(QStringLiteral("new"), existing == 0);
                if (!trace.isEmpty())
                    r.insert(QStringLiteral("objectWriteTraceId"), trace);
                results.append(r);
            } else if (op == QLatin1String("create")) {
                if (const QString clash = uniqueClash(type, properties, 0); !clash.isEmpty()) {
                    errors.append(standardError(QStringLiteral("CONFLICT"), clash, traceContext));
                    continue;
                }
                if ((type == QLatin1String("notes") || type == QLatin1String("tasks"))
                    && !properties.contains(QLatin1String("hs_timestamp"))) {
                    errors.append(standardError(QStringLiteral("VALIDATION_ERROR"),
                                                QStringLiteral("hs_timestamp is required"), traceContext));
                    continue;
                }
                Object &o = create(type, properties, now);
                results.append(objectJson(type, o));
            } else if (op == QLatin1String("update") || op == QLatin1String("read") || op == QLatin1String("archive")) {
                const qint64 id = in.value(QLatin1String("id")).toString().toLongLong();
                auto &table = objects[type];
                if (!table.contains(id) || table[id].archived) {
                    errors.append(standardError(
                        QStringLiteral("OBJECT_NOT_FOUND"),
                        QStringLiteral("Could not get some %1 objects, they may be deleted or not exist. Check that "
                                       "ids are valid.")
                            .arg(type.toUpper()),
                        QJsonObject{{QStringLiteral("ids"), QJsonArray{in.value(QLatin1String("id")).toString()}}}));
                    continue;
                }
                if (op == QLatin1String("update")) {
                    if (const QString clash = uniqueClash(type, properties, id); !clash.isEmpty()) {
                        errors.append(
                            standardError(QStringLiteral("CONFLICT"), clash,
                                          QJsonObject{{QStringLiteral("ids"), QJsonArray{QString::number(id)}}}));
                        continue;
                    }
                    update(table[id], properties, now);
                    results.append(objectJson(type, table[id]));
                } else if (op == QLatin1String("read")) {
                    QStringList only;
                    for (const QJsonValue &p : body.value(QLatin1String("properties")).toArray())
                        only << p.toString();
                    results.append(objectJson(type, table[id], only));
                } else {
                    table[id].archived = true;
                }
            } else {
                return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"),
                                 QStringLiteral("Unknown batch operation %1").arg(op));
            }
        }
        if (op == QLatin1String("archive"))
            return {204, {}, true};
        return batchResponse(op == QLatin1String("create") ? 201 : 200, results, errors, now);
    }

    Answer search(const QString &type, const QJsonObject &body, const QByteArray &raw, qint64 now)
    {
        if (raw.size() > 3000)
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                             QStringLiteral("The request body is over 3000 characters"));
        const QJsonArray groupsIn = body.value(QLatin1String("filterGroups")).toArray();
        int total = 0;
        for (const QJsonValue &g : groupsIn) {
            const int n = int(g.toObject().value(QLatin1String("filters")).toArray().size());
            if (n > 6)
                return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                 QStringLiteral("A filter group can have at most 6 filters"));
            total += n;
        }
        if (groupsIn.size() > 5 || total > 18)
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                             QStringLiteral("Too many filter groups or filters (at most 5 groups and 18 filters)"));
        const int limit = qBound(1, body.value(QLatin1String("limit")).toInt(10), 200);
        const int after = body.value(QLatin1String("after")).toString().toInt();
        auto matches = [&](const Object &o, const QJsonObject &f) {
            const QString prop = f.value(QLatin1String("propertyName")).toString();
            const QString op = f.value(QLatin1String("operator")).toString();
            const QString value = f.value(QLatin1String("value")).toString();
            const QString have
                = prop == QLatin1String("hs_object_id") ? QString::number(o.id) : o.properties.value(prop);
            if (op == QLatin1String("EQ"))
                return have.compare(value, Qt::CaseInsensitive) == 0;
            if (op == QLatin1String("NEQ"))
                return have.compare(value, Qt::CaseInsensitive) != 0;
            if (op == QLatin1String("HAS_PROPERTY"))
                return !have.isEmpty();
            if (op == QLatin1String("NOT_HAS_PROPERTY"))
                return have.isEmpty();
            if (op == QLatin1String("IN")) {
                for (const QJsonValue &v : f.value(QLatin1String("values")).toArray())
                    if (have.compare(v.toString(), Qt::CaseInsensitive) == 0)
                        return true;
                return false;
            }
            if (op == QLatin1String("CONTAINS_TOKEN")) {
                const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(
                                                value, QRegularExpression::UnanchoredWildcardConversion),
                                            QRegularExpression::CaseInsensitiveOption);
                for (const QString &token :
                     have.split(QRegularExpression(QStringLiteral("[\\s<>\"']+")), Qt::SkipEmptyParts))
                    if (re.match(token).hasMatch()
                        && (value.contains(QLatin1Char('*')) || token.compare(value, Qt::CaseInsensitive) == 0))
                        return true;
                return false;
            }
            return false;
        };
        QJsonArray all;
        for (const Object &o : objects.value(type)) {
            // The index lags behind writes.
            if (o.archived || o.updatedAtMs > now - owner->indexDelayMs)
                continue;
            bool ok = groupsIn.isEmpty();
            for (const QJsonValue &g : groupsIn) {
                bool group = true;
                for (const QJsonValue &f : g.toObject().value(QLatin1String("filters")).toArray())
                    group = group && matches(o, f.toObject());
                ok = ok || group;
            }
            const QString query = body.value(QLatin1String("query")).toString();
            if (ok && !query.isEmpty()) {
                bool hit = false;
                for (const QString &v : o.properties)
                    hit = hit || v.contains(query, Qt::CaseInsensitive);
                ok = hit;
            }
            if (ok)
                all.append(objectJson(type, o));
        }
        if (after >= 10000)
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                             QStringLiteral("Search results are limited to 10,000"));
        QJsonObject out{{QStringLiteral("total"), all.size()}, {QStringLiteral("results"), QJsonArray()}};
        QJsonArray page;
        for (int i = after; i < all.size() && i < after + limit; ++i)
            page.append(all[i]);
        out.insert(QStringLiteral("results"), page);
        if (after + limit < all.size())
            out.insert(QStringLiteral("paging"),
                       QJsonObject{{QStringLiteral("next"),
                                    QJsonObject{{QStringLiteral("after"), QString::number(after + limit)}}}});
        return {200, out, false};
    }

    Answer associationsBatch(const QString &from, const QString &to, const QString &op, const QJsonObject &body,
                             qint64 now)
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
                    errors.append(standardError(
                        QStringLiteral("VALIDATION_ERROR"),
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
                    const QString key
                        = QStringLiteral("%1/%2/%3/%4/%5").arg(from).arg(fromId).arg(to).arg(toId).arg(tid);
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
                        types[a.toId].append(
                            QJsonObject{{QStringLiteral("category"), QStringLiteral("HUBSPOT_DEFINED")},
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

    Answer properties(const QByteArray &method, const QString &type, const QStringList &rest, const QJsonObject &body)
    {
        if (rest.isEmpty()) {
            if (method == "GET") {
                QJsonArray arr;
                for (const QJsonObject &p : props.value(type))
                    arr.append(p);
                return {200, QJsonObject{{QStringLiteral("results"), arr}}, false};
            }
            for (const char *f : {"name", "label", "type", "fieldType", "groupName"})
                if (!body.value(QLatin1String(f)).isString())
                    return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                     QStringLiteral("Invalid input JSON: %1 is required").arg(QLatin1String(f)));
            const QString name = body.value(QLatin1String("name")).toString();
            if (props.value(type).contains(name))
                return errorBody(409, QStringLiteral("CONFLICT"),
                                 QStringLiteral("Property named '%1' already exists.").arg(name));
            if (!groups.value(type).contains(body.value(QLatin1String("groupName")).toString()))
                return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                 QStringLiteral("Property group %1 does not exist.")
                                     .arg(body.value(QLatin1String("groupName")).toString()));
            QJsonObject def = propertyDef(
                name, body.value(QLatin1String("label")).toString(), body.value(QLatin1String("type")).toString(),
                body.value(QLatin1String("fieldType")).toString(), body.value(QLatin1String("groupName")).toString(),
                body.value(QLatin1String("hasUniqueValue")).toBool());
            props[type].insert(name, def);
            return {201, def, false};
        }
        if (rest.first() == QLatin1String("groups")) {
            if (method == "GET") {
                QJsonArray arr;
                for (const QString &g : groups.value(type))
                    arr.append(QJsonObject{{QStringLiteral("name"), g},
                                           {QStringLiteral("label"), g},
                                           {QStringLiteral("displayOrder"), -1},
                                           {QStringLiteral("archived"), false}});
                return {200, QJsonObject{{QStringLiteral("results"), arr}}, false};
            }
            const QString name = body.value(QLatin1String("name")).toString();
            if (name.isEmpty() || !body.value(QLatin1String("label")).isString())
                return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                                 QStringLiteral("Invalid input JSON: name and label are required"));
            if (groups.value(type).contains(name))
                return errorBody(409, QStringLiteral("CONFLICT"),
                                 QStringLiteral("Property group %1 already exists.").arg(name));
            groups[type].insert(name);
            return {201,
                    QJsonObject{{QStringLiteral("name"), name},
                                {QStringLiteral("label"), body.value(QLatin1String("label"))},
                                {QStringLiteral("displayOrder"), -1},
                                {QStringLiteral("archived"), false}},
                    false};
        }
        const QJsonObject def = props.value(type).value(rest.first());
        if (def.isEmpty())
            return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"),
                             QStringLiteral("Unable to find property %1 on object type %2").arg(rest.first(), type));
        return {200, def, false};
    }

    /// GET /conversations/v3/conversations/threads/{thread}/messages/{message} and
    /// /conversations/v3/conversations/actors/{actor}; 404 as HubSpot words it.
    Answer conversations(const QStringList &p)
    {
        QJsonObject found;
        if (p.size() == 7 && p[3] == QLatin1String("threads") && p[5] == QLatin1String("messages"))
            found = threadMessages.value(p[4] + QLatin1Char('/') + p[6]);
        else if (p.size() == 5 && p[3] == QLatin1String("actors"))
            found = actors.value(p[4]);
        if (found.isEmpty())
            return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"),
                             QStringLiteral("resource not found: %1").arg(p.join(QLatin1Char('/'))));
        return {200, found, false};
    }

    Answer route(const EmulatorServer::Request &r, const QJsonObject &body, qint64 now)
    {
        QString path = QString::fromUtf8(r.path);
        path.replace(QLatin1String("/crm/objects/2026-03/"), QLatin1String("/crm/v3/objects/"));
        path.replace(QLatin1String("/crm/associations/2026-03/"), QLatin1String("/crm/v4/associations/"));
        const QStringList p = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        auto badType = [&](const QString &t) {
            return errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                             QStringLiteral("Unable to infer object type from: %1").arg(t));
        };
        if (p.size() >= 4 && p[0] == QLatin1String("crm") && p[1] == QLatin1String("v3")
            && p[2] == QLatin1String("objects")) {
            const QString type = canonicalType(p[3]);
            if (type.isEmpty())
                return badType(p[3]);
            if (p.size() == 6 && p[4] == QLatin1String("batch") && r.method == "POST")
                return batch(type, p[5], body, now);
            if (p.size() == 5 && p[4] == QLatin1String("search") && r.method == "POST")
                return search(type, body, r.body, now);
            if (p.size() == 4 && r.method == "POST") {
                const QJsonObject properties = body.value(QLatin1String("properties")).toObject();
                if (const QString bad = checkProperties(type, properties); !bad.isEmpty())
                    return errorBody(400, QStringLiteral("VALIDATION_ERROR"), bad);
                if (const QString clash = uniqueClash(type, properties, 0); !clash.isEmpty())
                    return errorBody(409, QStringLiteral("CONFLICT"), clash);
                Object &o = create(type, properties, now);
                return {201, objectJson(type, o), false};
            }
            if (p.size() == 5) {
                const QString idProperty = QString::fromUtf8(r.queryValue("idProperty"));
                qint64 id = idProperty.isEmpty() ? p[4].toLongLong() : findByUnique(type, idProperty, p[4]);
                auto &table = objects[type];
                if (!table.contains(id) || table[id].archived)
                    return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"), QStringLiteral("resource not found"));
                if (r.method == "GET")
                    return {200, objectJson(type, table[id]), false};
                if (r.method == "PATCH") {
                    const QJsonObject properties = body.value(QLatin1String("properties")).toObject();
                    if (const QString bad = checkProperties(type, properties); !bad.isEmpty())
                        return errorBody(400, QStringLiteral("VALIDATION_ERROR"), bad);
                    update(table[id], properties, now);
                    return {200, objectJson(type, table[id]), false};
                }
                if (r.method == "DELETE") {
                    table[id].archived = true;
                    return {204, {}, true};
                }
            }
        }
        if (p.size() >= 5 && p[0] == QLatin1String("conversations") && r.method == "GET")
            return conversations(p);
        if (p.size() >= 4 && p[0] == QLatin1String("crm") && p[1] == QLatin1String("v3")
            && p[2] == QLatin1String("properties")) {
            const QString type = canonicalType(p[3]);
            if (type.isEmpty())
                return badType(p[3]);
            return properties(r.method, type, p.mid(4), body);
        }
        if (p.size() == 7 && p[1] == QLatin1String("v4") && p[2] == QLatin1String("associations")
            && p[5] == QLatin1String("batch") && r.method == "POST") {
            const QString from = canonicalType(p[3]), to = canonicalType(p[4]);
            if (from.isEmpty() || to.isEmpty())
                return badType(from.isEmpty() ? p[3] : p[4]);
            return associationsBatch(from, to, p[6], body, now);
        }
        if (p.size() == 9 && p[1] == QLatin1String("v4") && p[2] == QLatin1String("objects")
            && p[5] == QLatin1String("associations") && p[6] == QLatin1String("default") && r.method == "PUT") {
            const QString from = canonicalType(p[3]), to = canonicalType(p[7]);
            QJsonObject in{
                {QStringLiteral("from"), QJsonObject{{QStringLiteral("id"), p[4]}}},
                {QStringLiteral("to"), QJsonObject{{QStringLiteral("id"), p[8]}}},
                {QStringLiteral("types"),
                 QJsonArray{QJsonObject{{QStringLiteral("associationCategory"), QStringLiteral("HUBSPOT_DEFINED")},
                                        {QStringLiteral("associationTypeId"), 0}}}}};
            Answer a = associationsBatch(from, to, QStringLiteral("create"),
                                         QJsonObject{{QStringLiteral("inputs"), QJsonArray{in}}}, now);
            if (a.status == 201)
                a.status = 200;
            return a;
        }
        return errorBody(404, QStringLiteral("OBJECT_NOT_FOUND"),
                         QStringLiteral("Unknown route %1 %2").arg(QString::fromUtf8(r.method), path));
    }

    QList<QPair<QByteArray, QByteArray>> rateHeaders(qint64 now)
    {
        while (!window.empty() && window.front() <= now - owner->windowMs)
            window.pop_front();
        return {
            {"X-HubSpot-RateLimit-Daily", QByteArray::number(owner->dailyLimit)},
            {"X-HubSpot-RateLimit-Daily-Remaining", QByteArray::number(qMax<qint64>(0, owner->dailyLimit - dayCount))},
            {"X-HubSpot-RateLimit-Interval-Milliseconds", QByteArray::number(owner->windowMs)},
            {"X-HubSpot-RateLimit-Max", QByteArray::number(owner->burstLimit)},
            {"X-HubSpot-RateLimit-Remaining",
             QByteArray::number(qMax<qint64>(0, owner->burstLimit - qint64(window.size())))}};
    }

    void handle(const EmulatorServer::Request &r, const EmulatorServer::Reply &reply)
    {
        QMutexLocker lock(&mutex);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        auto respond = [&](const Answer &a, QList<QPair<QByteArray, QByteArray>> headers) {
            const QByteArray body = a.empty ? QByteArray() : QJsonDocument(a.body).toJson(QJsonDocument::Compact);
            log.append({r.method, r.path, r.body, a.status, body, now});
            reply.send(a.status, a.empty ? QByteArray() : QByteArrayLiteral("application/json;charset=utf-8"), body,
                       headers, owner->answerDelayMs);
        };
        if (r.path == "/__emulator/state") {
            QJsonObject objs;
            for (auto it = objects.begin(); it != objects.end(); ++it) {
                QJsonArray arr;
                for (const Object &o : it.value())
                    arr.append(objectJson(it.key(), o));
                objs.insert(it.key(), arr);
            }
            QJsonArray as;
            for (const Association &a : assocs)
                as.append(QJsonObject{{QStringLiteral("from"), QStringLiteral("%1/%2").arg(a.fromType).arg(a.fromId)},
                                      {QStringLiteral("to"), QStringLiteral("%1/%2").arg(a.toType).arg(a.toId)},
                                      {QStringLiteral("typeId"), a.typeId}});
            reply.send(200, "application/json",
                       QJsonDocument(QJsonObject{{QStringLiteral("objects"), objs},
                                                 {QStringLiteral("associations"), as},
                                                 {QStringLiteral("calls"), calls},
                                                 {QStringLiteral("tooManyRequests"), tooMany}})
                           .toJson(QJsonDocument::Compact));
            return;
        }
        ++calls;
        if (r.header("authorization") != "Bearer " + owner->token) {
            respond(
                errorBody(
                    401, QStringLiteral("INVALID_AUTHENTICATION"),
                    QStringLiteral(
                        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
                        "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")),
                {});
            return;
        }
        const bool isSearch = r.path.endsWith("/search");
        if (isSearch) {
            // Search has its own per-second limit and sends no rate-limit headers.
            while (!searchWindow.empty() && searchWindow.front() <= now - 1000)
                searchWindow.pop_front();
            if (int(searchWindow.size()) >= owner->searchPerSecond) {
                ++tooMany;
                respond(
                    {429,
                     QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                                 {QStringLiteral("message"), QStringLiteral("You have reached your secondly limit.")},
                                 {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                                 {QStringLiteral("correlationId"), uuid()}},
                     false},
                    {});
                return;
            }
            searchWindow.push_back(now);
        } else {
            while (!window.empty() && window.front() <= now - owner->windowMs)
                window.pop_front();
            const QString today = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date().toString(Qt::ISODate);
            if (today != day) {
                day = today;
                dayCount = 0;
            }
            auto tooManyBody = [&](const QString &policy, const QString &message) {
                return Answer{429,
                              QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                                          {QStringLiteral("message"), message},
                                          {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                                          {QStringLiteral("correlationId"), uuid()},
                                          {QStringLiteral("policyName"), policy},
                                          {QStringLiteral("requestId"), uuid()}},
                              false};
            };
            if (dayCount >= owner->dailyLimit) {
                ++tooMany;
                respond(tooManyBody(QStringLiteral("DAILY"), QStringLiteral("You have reached your daily limit.")),
                        rateHeaders(now));
                return;
            }
            if (int(window.size()) >= owner->burstLimit) {
                ++tooMany;
                tooManyAt.append(now);
                respond(tooManyBody(QStringLiteral("TEN_SECONDLY_ROLLING"),
                                    QStringLiteral("You have reached your ten_secondly_rolling limit.")),
                        rateHeaders(now));
                return;
            }
            window.push_back(now);
            ++dayCount;
        }
        Fault::Kind fault = Fault::None;
        const bool write = r.method != "GET";
        if (!scripted.isEmpty()) {
            fault = scripted.takeFirst();
        } else if (write && faultRate > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < faultRate) {
            static const Fault::Kind kinds[]
                = {Fault::Status500, Fault::Status502,       Fault::Status503,         Fault::TenSecondly429,
                   Fault::Timeout,   Fault::DropAfterCommit, Fault::TimeoutAfterCommit};
            fault = kinds[std::uniform_int_distribution<int>(0, 6)(rng)];
        }
        if (fault != Fault::None)
            ++faults;
        switch (fault) {
        case Fault::Status500:
        case Fault::Status502:
        case Fault::Status503: {
            const int status = fault == Fault::Status500 ? 500 : fault == Fault::Status502 ? 502 : 503;
            respond(errorBody(status, QStringLiteral("INTERNAL_ERROR"), QStringLiteral("internal error")),
                    rateHeaders(now));
            return;
        }
        case Fault::TenSecondly429:
            ++tooMany;
            respond(Answer{429,
                           QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                                       {QStringLiteral("message"),
                                        QStringLiteral("You have reached your ten_secondly_rolling limit.")},
                                       {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                                       {QStringLiteral("correlationId"), uuid()},
                                       {QStringLiteral("policyName"), QStringLiteral("TEN_SECONDLY_ROLLING")}},
                           false},
                    rateHeaders(now));
            return;
        case Fault::Timeout:
            log.append({r.method, r.path, r.body, 0, "(no answer, nothing written)", now});
            return;
        default:
            break;
        }
        QJsonParseError pe;
        const QJsonDocument doc
            = r.body.isEmpty() ? QJsonDocument(QJsonObject()) : QJsonDocument::fromJson(r.body, &pe);
        if (!r.body.isEmpty() && pe.error != QJsonParseError::NoError) {
            respond(errorBody(400, QStringLiteral("VALIDATION_ERROR"),
                              QStringLiteral("Invalid input JSON on line 1: %1").arg(pe.errorString())),
                    rateHeaders(now));
            return;
        }
        const Answer a = route(r, doc.object(), now);
        if (fault == Fault::DropAfterCommit) {
            log.append({r.method, r.path, r.body, 0, "(written, connection dropped)", now});
            reply.drop();
            return;
        }
        if (fault == Fault::TimeoutAfterCommit) {
            log.append({r.method, r.path, r.body, 0, "(written, no answer)", now});
            return;
        }
        respond(a, isSearch ? QList<QPair<QByteArray, QByteArray>>() : rateHeaders(now));
    }
};

HubSpotEmulator::HubSpotEmulator()
    : m_state(std::make_unique<State>(this)),
      m_http(std::make_unique<EmulatorServer>(
          [this](const EmulatorServer::Request &r, const EmulatorServer::Reply &reply) { m_state->handle(r, reply); }))
{ }

HubSpotEmulator::~HubSpotEmulator()
{
    m_http.reset();
}

quint16 HubSpotEmulator::start(quint16 port)
{
    return m_http->start(port);
}

QString HubSpotEmulator::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_http->port());
}

void HubSpotEmulator::script(Fault::Kind kind)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->scripted.append(kind);
}

void HubSpotEmulator::setFaultRate(double rate, unsigned seed)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->faultRate = rate;
    m_state->rng.seed(seed);
}

void HubSpotEmulator::addThreadMessage(const QString &thread, const QJsonObject &message)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->threadMessages.insert(thread + QLatin1Char('/') + message.value(QLatin1String("id")).toString(), message);
}

void HubSpotEmulator::addActor(const QJsonObject &actor)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->actors.insert(actor.value(QLatin1String("id")).toString(), actor);
}

QList<HubSpotEmulator::Object> HubSpotEmulator::objects(const QString &type) const
{
    QMutexLocker lock(&m_state->mutex);
    QList<Object> out;
    for (const Object &o : m_state->objects.value(type))
        if (!o.archived)
            out.append(o);
    return out;
}

QList<HubSpotEmulator::Association> HubSpotEmulator::associations() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->assocs;
}

QList<HubSpotEmulator::Exchange> HubSpotEmulator::exchanges() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->log;
}

int HubSpotEmulator::calls() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->calls;
}

int HubSpotEmulator::tooManyRequests() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->tooMany;
}

QList<qint64> HubSpotEmulator::tooManyRequestsAt() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->tooManyAt;
}

int HubSpotEmulator::faultsInjected() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->faults;
}

QHash<QString, QJsonObject> HubSpotEmulator::propertyDefinitions(const QString &type) const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->props.value(type);
}

} // namespace salesflow::test
