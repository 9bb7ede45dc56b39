#include "hubspotwire.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QUuid>

namespace salesflow::test::hubspotwire {

QString canonicalType(const QString &t)
{
    static const QHash<QString, QString> m = {
        {QStringLiteral("contacts"), QStringLiteral("contacts")},
        {QStringLiteral("contact"), QStringLiteral("contacts")},
        {QStringLiteral("0-1"), QStringLiteral("contacts")},
        {QStringLiteral("companies"), QStringLiteral("companies")},
        {QStringLiteral("company"), QStringLiteral("companies")},
        {QStringLiteral("0-2"), QStringLiteral("companies")},
        {QStringLiteral("deals"), QStringLiteral("deals")},
        {QStringLiteral("deal"), QStringLiteral("deals")},
        {QStringLiteral("0-3"), QStringLiteral("deals")},
        {QStringLiteral("tasks"), QStringLiteral("tasks")},
        {QStringLiteral("task"), QStringLiteral("tasks")},
        {QStringLiteral("0-27"), QStringLiteral("tasks")},
        {QStringLiteral("notes"), QStringLiteral("notes")},
        {QStringLiteral("note"), QStringLiteral("notes")},
        {QStringLiteral("0-46"), QStringLiteral("notes")},
    };
    return m.value(t.toLower());
}

QString typeId(const QString &type)
{
    static const QHash<QString, QString> m = {{QStringLiteral("contacts"), QStringLiteral("0-1")},
                                              {QStringLiteral("companies"), QStringLiteral("0-2")},
                                              {QStringLiteral("deals"), QStringLiteral("0-3")},
                                              {QStringLiteral("tasks"), QStringLiteral("0-27")},
                                              {QStringLiteral("notes"), QStringLiteral("0-46")}};
    return m.value(type);
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Answer errorBody(int status, const QString &category, const QString &message, const QJsonObject &extra)
{
    QJsonObject o{{QStringLiteral("status"), QStringLiteral("error")},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("correlationId"), uuid()},
                  {QStringLiteral("category"), category}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return {status, o, false};
}

QJsonObject standardError(const QString &category, const QString &message, const QJsonObject &context)
{
    return QJsonObject{{QStringLiteral("status"), QStringLiteral("error")},
                       {QStringLiteral("category"), category},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("context"), context},
                       {QStringLiteral("errors"), QJsonArray()},
                       {QStringLiteral("links"), QJsonObject()}};
}

QJsonObject propertyDef(const QString &name, const QString &label, const QString &type, const QString &fieldType,
                        const QString &group, bool unique)
{
    const QString now = iso(QDateTime::currentMSecsSinceEpoch());
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("label"), label},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("fieldType"), fieldType},
                       {QStringLiteral("groupName"), group},
                       {QStringLiteral("description"), QString()},
                       {QStringLiteral("options"), QJsonArray()},
                       {QStringLiteral("displayOrder"), -1},
                       {QStringLiteral("calculated"), false},
                       {QStringLiteral("externalOptions"), false},
                       {QStringLiteral("hasUniqueValue"), unique},
                       {QStringLiteral("hidden"), false},
                       {QStringLiteral("formField"), false},
                       {QStringLiteral("archived"), false},
                       {QStringLiteral("createdAt"), now},
                       {QStringLiteral("updatedAt"), now},
                       {QStringLiteral("modificationMetadata"),
                        QJsonObject{{QStringLiteral("archivable"), true},
                                    {QStringLiteral("readOnlyDefinition"), false},
                                    {QStringLiteral("readOnlyValue"), false}}}};
}

} // namespace salesflow::test::hubspotwire
