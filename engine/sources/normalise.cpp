#include "intake.h"
#include "normalised.h"

namespace salesflow::sources {

namespace {

/// The charset parameter of a Content-Type ("text/plain; charset=windows-1252"), empty if none.
QByteArray charsetOf(const QByteArray &contentType)
{
    for (const QByteArray &param : contentType.split(';')) {
        const QByteArray p = param.trimmed();
        if (p.toLower().startsWith("charset="))
            return p.mid(8).trimmed().replace('"', "");
    }
    return {};
}

} // namespace

Result<Normalised> normalise(const QString &source, const QByteArray &contentType, const QByteArray &payload)
{
    const QByteArray type = mediaType(contentType);
    if (payload.trimmed().isEmpty())
        return parseError(QStringLiteral("%1: the payload is empty").arg(source));
    if (source == QLatin1String("form"))
        return parseForm(type, payload);
    if (source == QLatin1String("chat"))
        return parseChat(payload);
    if (source == QLatin1String("product"))
        return parseProduct(payload);
    if (source == QLatin1String("hubspot"))
        return parseHubspotEvent(payload);
    if (source == QLatin1String("transcript"))
        return parseTranscript(type, payload, charsetOf(contentType));
    if (source == QLatin1String("email"))
        return parseEmail(contentType, payload); // a multipart body needs its boundary
    // Not built yet (issue 3 is open): email (RFC 5322 through GMime, and the JSON form).
    // The event stays raw and replayable: it fails loudly here.
    return permanentError("permanent.unsupported",
                          QStringLiteral("%1 (%2) cannot be normalised yet: this parser is not built; the raw event "
                                         "is kept and can be replayed with `salesflowd replay --event ID` once it is")
                              .arg(source, QString::fromLatin1(type)),
                          501);
}

} // namespace salesflow::sources
