#pragma once
// Private to the JSON codec (jsonwrite.cpp, jsonread.cpp, jsonreplay.cpp): the small readers and
// writers they share.

#include "json.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace salesflow::json::detail {

inline QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

template<typename T>
QJsonArray array(const QList<T> &items)
{
    QJsonArray a;
    for (const T &item : items)
        a.append(toJson(item));
    return a;
}

inline QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

inline qint64 int64(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toInteger();
}

inline qint64 time(const QJsonObject &o, const char *key)
{
    return qMax<qint64>(0, parseTime(str(o, key)));
}

inline QJsonObject object(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toObject();
}

template<typename T>
QList<T> list(const QJsonObject &o, const char *key)
{
    QList<T> out;
    const QJsonArray a = o.value(QLatin1String(key)).toArray();
    out.reserve(a.size());
    for (const QJsonValue &v : a)
        out.append(fromJson<T>(v.toObject()));
    return out;
}

/// A map of counts as a JSON object ({"done": 3}) and back.
inline QJsonObject counts(const QMap<QString, qint64> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

inline QMap<QString, qint64> counts(const QJsonObject &o)
{
    QMap<QString, qint64> m;
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), it.value().toInteger());
    return m;
}

inline QStringList strings(const QJsonObject &o, const char *key)
{
    QStringList out;
    for (const QJsonValue &v : o.value(QLatin1String(key)).toArray())
        out.append(v.toString());
    return out;
}

} // namespace salesflow::json::detail
