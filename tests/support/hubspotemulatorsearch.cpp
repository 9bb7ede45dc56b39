#include "hubspotemulatorstate.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace salesflow::test {

using namespace hubspotwire;

Answer HubSpotEmulator::State::search(const QString &type, const QJsonObject &body, const QByteArray &raw, qint64 now)
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
        const QString have = prop == QLatin1String("hs_object_id") ? QString::number(o.id) : o.properties.value(prop);
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

Answer HubSpotEmulator::State::properties(const QByteArray &method, const QString &type, const QStringList &rest,
                                          const QJsonObject &body)
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

Answer HubSpotEmulator::State::conversations(const QStringList &p)
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

} // namespace salesflow::test
