#include "router.h"

#include <QJsonDocument>
#include <QUrl>

namespace salesflow::http {

namespace {

/// The path's segments, each percent-decoded after splitting.
QStringList segments(const QByteArray &encodedPath)
{
    QStringList out;
    for (const QByteArray &s : encodedPath.split('/')) {
        if (!s.isEmpty())
            out.append(QUrl::fromPercentEncoding(s));
    }
    return out;
}

/// The `{name}` values when `path` fits `pattern`, else nothing.
std::optional<QStringList> fit(const QString &pattern, const QStringList &path)
{
    const QStringList want = pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (want.size() != path.size())
        return std::nullopt;
    QStringList params;
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want[i].startsWith(QLatin1Char('{')))
            params.append(path[i]);
        else if (want[i] != path[i])
            return std::nullopt;
    }
    return params;
}

} // namespace

QByteArray Request::header(const char *name) const
{
    return headerValue(headers, name);
}

Result<QJsonObject> jsonBody(const Request &request)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (!doc.isObject())
        return makeError("request.json", QStringLiteral("the request body must be a JSON object"), 400);
    return doc.object();
}

Result<int> Request::intQuery(const char *name, int fallback, int min, int max) const
{
    if (!hasQuery(name))
        return fallback;
    bool ok = false;
    const int value = queryValue(name).toInt(&ok);
    if (!ok || value < min || value > max) {
        return Error{QStringLiteral("query.") + QLatin1String(name),
                     QStringLiteral("%1 is %2 to %3").arg(QLatin1String(name)).arg(min).arg(max), 400};
    }
    return value;
}

QString Request::queryValue(const char *name) const
{
    return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
}

Method methodFrom(const QByteArray &name)
{
    static const QList<QPair<QByteArray, Method>> known{
        {"GET", Method::Get},       {"HEAD", Method::Head},   {"POST", Method::Post},      {"PUT", Method::Put},
        {"DELETE", Method::Delete}, {"PATCH", Method::Patch}, {"OPTIONS", Method::Options}};
    for (const auto &[n, m] : known) {
        if (n == name)
            return m;
    }
    return Method::Other;
}

QByteArray methodName(Method m)
{
    switch (m) {
    case Method::Get:
        return "GET";
    case Method::Head:
        return "HEAD";
    case Method::Post:
        return "POST";
    case Method::Put:
        return "PUT";
    case Method::Delete:
        return "DELETE";
    case Method::Patch:
        return "PATCH";
    case Method::Options:
        return "OPTIONS";
    case Method::Other:
        break;
    }
    return "OTHER";
}

void Router::add(Route route)
{
    m_routes.push_back(std::move(route));
}

Router::Match Router::match(Method method, const QByteArray &encodedPath) const
{
    const QStringList path = segments(encodedPath);
    Match m;
    for (const Route &r : m_routes) {
        auto params = fit(r.pattern, path);
        if (!params)
            continue;
        if (r.method == method || (method == Method::Head && r.method == Method::Get)) {
            m.route = &r;
            m.params = *params;
            return m;
        }
        if (!m.allowed.contains(methodName(r.method)))
            m.allowed.append(methodName(r.method));
        if (r.method == Method::Get && !m.allowed.contains("HEAD"))
            m.allowed.append("HEAD");
    }
    return m;
}

} // namespace salesflow::http
