#pragma once

#include "../api/caller.h"
#include "reply.h"
#include "transport/httptransport.h"

#include <QJsonObject>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <optional>
#include <vector>

namespace salesflow::http {

/// The request methods the API routes on; anything else is 405 (the route exists) or 404.
enum class Method { Get, Head, Post, Put, Delete, Patch, Options, Other };

Method methodFrom(const QByteArray &name);
QByteArray methodName(Method m);

/// What a handler gets: the request (copied: a handler may answer after the server's request
/// object is gone), the decoded `{placeholders}` of its path in order, and the caller
/// (authenticated and allowed by the route's permission; anonymous for open routes).
struct Request
{
    QUrl url;
    QByteArray body;
    HeaderList headers;
    QStringList params;
    QUrlQuery query;
    Caller caller;
    QString remoteAddress;

    /// The header's value (names compared case-insensitively); empty when absent.
    QByteArray header(const char *name) const;
    QString param(int i) const { return params.value(i); }
    QString queryValue(const char *name) const;
    bool hasQuery(const char *name) const { return query.hasQueryItem(QLatin1String(name)); }
    /// The integer query parameter `name`, `fallback` when absent; 400 `query.NAME` ("NAME is MIN
    /// to MAX") when it is not a number in that range.
    Result<int> intQuery(const char *name, int fallback, int min, int max) const;
};

using Handler = std::function<void(const Request &, const ReplyPtr &)>;

/// The request body as a JSON object; 400 `request.json` when it is not one.
Result<QJsonObject> jsonBody(const Request &request);

/// One line of the route table (qBittorrent's webui/api, one controller per area): method, path
/// pattern with `{name}` segments, the permission the caller needs (none: open, e.g. health or
/// a signed webhook), and the handler.
struct Route
{
    Method method;
    QString pattern;
    std::optional<Permission> needs;
    Handler handler;
    /// Segment's SDKs send no Authorization header but `"writeKey"` in the JSON body: taken as
    /// the token when the header is absent.
    bool keyInBody = false;
    /// A webhook its sender signs instead of sending a token (the chat platforms): when the
    /// request has no Authorization header this checks the signature over the raw body and gives
    /// the caller or a 401; nullopt: the request carries no signature it knows (a token is needed).
    std::function<std::optional<Result<Caller>>(const Request &)> signedBy = {};
    /// The headers a signed request carries: only a request with one of them has its body read
    /// before the caller is known (any other large body still waits for a token).
    QByteArrayList signatureHeaders = {};
};

/// Matches a request to a route. Paths are split on '/' before percent-decoding, so an encoded
/// slash is part of a segment, never a separator. Routes are tried in the order added: add
/// literal paths before patterns that would also match them.
class Router
{
public:
    struct Match
    {
        const Route *route = nullptr;
        QStringList params;
        QByteArrayList allowed; ///< when the path exists but not for this method (405)
    };

    void add(Route route);
    /// HEAD is answered by the GET route (the transport sends no body).
    Match match(Method method, const QByteArray &encodedPath) const;

private:
    std::vector<Route> m_routes;
};

} // namespace salesflow::http
