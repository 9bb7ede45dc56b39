#include "problem.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::http {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

QByteArray problemJson(const Error &e)
{
    QJsonObject o;
    // A stable type URI per error code, so clients can switch on it.
    o.insert(QStringLiteral("type"),
             QString(QStringLiteral("https://salesflow.dev/problems/")
                     + QString(e.code).replace(QLatin1Char('.'), QLatin1Char('-'))));
    o.insert(QStringLiteral("title"), QString::fromLatin1(reasonPhrase(e.httpStatus)));
    o.insert(QStringLiteral("status"), e.httpStatus);
    o.insert(QStringLiteral("detail"), e.message);
    o.insert(QStringLiteral("code"), e.code);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace salesflow::http
