#pragma once
// Private to RemoteEngine's files: paths, queries and answers to and from the JSON codec.

#include "../api/json.h"
#include "../api/result.h"

#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

namespace salesflow::remote::detail {

inline QByteArray encoded(const QString &v)
{
    return QUrl::toPercentEncoding(v);
}

inline QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

inline void addText(QUrlQuery &q, const char *name, const QString &value)
{
    if (!value.isEmpty())
        q.addQueryItem(QLatin1String(name), value);
}

inline void addTime(QUrlQuery &q, const char *name, qint64 ms)
{
    if (ms != 0)
        q.addQueryItem(QLatin1String(name), QString::number(ms));
}

inline Status done(const Result<QJsonObject> &o)
{
    if (!o)
        return o.error();
    return Done{};
}

template<typename T>
QFuture<Result<T>> decoded(QFuture<Result<QJsonObject>> f)
{
    return f.then([](const Result<QJsonObject> &o) -> Result<T> {
        if (!o)
            return o.error();
        return json::fromJson<T>(o.value());
    });
}

/// A list answered as {"<key>": [...]}.
template<typename T>
QFuture<Result<QList<T>>> listOf(QFuture<Result<QJsonObject>> f, const char *key = "items")
{
    return f.then([key](const Result<QJsonObject> &o) -> Result<QList<T>> {
        if (!o)
            return o.error();
        QList<T> out;
        for (const QJsonValue &v : o->value(QLatin1String(key)).toArray())
            out.append(json::fromJson<T>(v.toObject()));
        return out;
    });
}

} // namespace salesflow::remote::detail
