#pragma once

#include <QJsonObject>
#include <QString>

// HubSpot's wire shapes, for the emulator (hubspotemulator.cpp): object type names and ids,
// timestamps, the error bodies, property definitions.
namespace salesflow::test::hubspotwire {

struct Answer
{
    int status = 200;
    QJsonObject body;
    bool empty = false; ///< 204
};

/// contacts | companies | deals | tasks | notes for any of HubSpot's names (plural, singular, 0-1…); empty if unknown.
QString canonicalType(const QString &t);
QString typeId(const QString &type); ///< "0-1" for contacts, …
QString iso(qint64 ms); ///< ISO 8601 with milliseconds, UTC
QString uuid();
/// {status: "error", message, correlationId, category, …extra}
Answer errorBody(int status, const QString &category, const QString &message, const QJsonObject &extra = {});
/// A batch response's StandardError.
QJsonObject standardError(const QString &category, const QString &message, const QJsonObject &context);
QJsonObject propertyDef(const QString &name, const QString &label, const QString &type, const QString &fieldType,
                        const QString &group, bool unique = false);

} // namespace salesflow::test::hubspotwire
