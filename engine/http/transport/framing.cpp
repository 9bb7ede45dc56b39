#include "framing.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::http {

namespace {

/// RFC 9110 §5.6.2 token characters.
bool isToken(const QByteArray &name)
{
    static const QByteArray extra = "!#$%&'*+-.^_`|~";
    if (name.isEmpty())
        return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.contains(c)))
            return false;
    }
    return true;
}

HttpResponse badRequest(const QString &detail)
{
    return refusal(400, "Bad Request", detail);
}

} // namespace

HttpResponse refusal(int status, const char *title, const QString &detail)
{
    const QJsonObject problem{{QStringLiteral("type"), QStringLiteral("about:blank")},
                              {QStringLiteral("title"), QLatin1String(title)},
                              {QStringLiteral("status"), status},
                              {QStringLiteral("detail"), detail}};
    return HttpResponse{
        status, QJsonDocument(problem).toJson(QJsonDocument::Compact), "application/problem+json", {}, true};
}

std::optional<HttpResponse> ambiguousFraming(const HttpHead &h, const QByteArray &version)
{
    int lengths = 0, codings = 0;
    bool host = false;
    for (const auto &[name, value] : h.headers) {
        if (!isToken(name))
            return badRequest(QStringLiteral("a header name holds a space or other character not allowed there"));
        lengths += name.compare("Content-Length", Qt::CaseInsensitive) == 0;
        codings += name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0;
        host |= name.compare("Host", Qt::CaseInsensitive) == 0;
    }
    if (lengths > 1 || codings > 1)
        return badRequest(QStringLiteral("the request has more than one Content-Length or Transfer-Encoding"));
    if (codings && lengths)
        return badRequest(QStringLiteral("the request has both Transfer-Encoding and Content-Length"));
    bool number = false;
    const QByteArray length = h.header("Content-Length").trimmed();
    if (lengths && (length.toLongLong(&number) < 0 || !number || length.startsWith('+')))
        return badRequest(QStringLiteral("Content-Length is not a byte count"));
    if (codings && h.header("Transfer-Encoding").trimmed().compare("chunked", Qt::CaseInsensitive) != 0)
        return refusal(501, "Not Implemented", QStringLiteral("only the chunked transfer coding is supported"));
    if (!host && version.startsWith("HTTP/1.") && version != "HTTP/1.0")
        return badRequest(QStringLiteral("an HTTP/1.1 request needs a Host header"));
    return std::nullopt;
}

void splitTarget(const QByteArray &target, QByteArray *path, QByteArray *query)
{
    QByteArray t = target;
    if (t.startsWith("http://") || t.startsWith("https://")) { // absolute-form (RFC 9112 §3.2.2)
        const qsizetype slash = t.indexOf('/', t.indexOf("//") + 2);
        t = slash < 0 ? QByteArray("/") : t.mid(slash);
    }
    const qsizetype q = t.indexOf('?');
    *path = q < 0 ? t : t.left(q);
    *query = q < 0 ? QByteArray() : t.mid(q + 1);
}

} // namespace salesflow::http
