#include "jsonutil.h"

#include "../core/printable.h"

#include <QRegularExpression>

#include <cmath>

namespace salesflow::sources {

Error parseError(const QString &what)
{
    return permanentError("permanent.parse", printable(what), 400); // errors quote input: NUL and all
}

Result<QJsonObject> jsonObject(const QByteArray &payload, const char *what)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
    if (err.error != QJsonParseError::NoError)
        return parseError(QStringLiteral("%1: invalid JSON at byte %2: %3")
                              .arg(QString::fromLatin1(what))
                              .arg(err.offset)
                              .arg(err.errorString()));
    if (!doc.isObject())
        return parseError(QStringLiteral("%1: expected a JSON object at the top level").arg(QString::fromLatin1(what)));
    return doc.object();
}

QString text(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble()) {
        const double d = v.toDouble();
        // Whole numbers within the exact range print as integers; anything else as a double
        // (casting an out-of-range double to an integer is undefined: found by the fuzzer).
        if (std::isfinite(d) && std::fabs(d) < 9.0e15 && d == std::floor(d))
            return QString::number(qint64(d));
        return QString::number(d, 'g', 17);
    }
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QString firstText(const QJsonObject &o, std::initializer_list<const char *> keys)
{
    for (const char *k : keys) {
        const QString t = text(o.value(QLatin1String(k))).trimmed();
        if (!t.isEmpty())
            return t;
    }
    return {};
}

QString tidy(const QString &s)
{
    static const QRegularExpression spaces(QStringLiteral("[ \\t\\x{00a0}]+"));
    static const QRegularExpression blankLines(QStringLiteral("\\n\\s*\\n+"));
    QString out = s;
    out.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    out.replace(spaces, QStringLiteral(" "));
    out.replace(blankLines, QStringLiteral("\n\n"));
    return out.trimmed();
}

} // namespace salesflow::sources
