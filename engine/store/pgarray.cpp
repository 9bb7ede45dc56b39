#include "pgarray.h"

#include <QJsonDocument>

namespace salesflow::store {

QString pgTextArray(const QList<QString> &values)
{
    qsizetype total = 2;
    for (const QString &v : values)
        total += v.size() + 3; // quotes and comma; escapes, when there are any, may grow it once
    QString out;
    out.reserve(total);
    out += QLatin1Char('{');
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        out += QLatin1Char('"');
        const QString &v = values[i];
        if (!v.contains(QLatin1Char('"')) && !v.contains(QLatin1Char('\\'))) {
            out += v; // the common case: ids, keys, names
        } else {
            for (QChar c : v) {
                if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                    out += QLatin1Char('\\');
                out += c;
            }
        }
        out += QLatin1Char('"');
    }
    out += QLatin1Char('}');
    return out;
}

QString pgByteaArray(const QList<QByteArray> &values)
{
    QByteArray out;
    qsizetype total = 2;
    for (const QByteArray &v : values)
        total += v.size() * 2 + 8;
    out.reserve(total);
    out += '{';
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += ',';
        out += "\"\\\\x";
        out += values[i].toHex();
        out += '"';
    }
    out += '}';
    return QString::fromLatin1(out);
}

QByteArray pgByteaArrayBinary(const QList<QByteArray> &values)
{
    auto put32 = [](QByteArray &out, quint32 v) {
        const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
        out.append(b, 4);
    };
    qsizetype total = 20;
    for (const QByteArray &v : values)
        total += 4 + v.size();
    QByteArray out;
    out.reserve(total);
    put32(out, 1); // dimensions
    put32(out, 0); // no NULLs
    put32(out, 17); // element type: bytea
    put32(out, quint32(values.size()));
    put32(out, 1); // lower bound
    for (const QByteArray &v : values) {
        put32(out, quint32(v.size()));
        out.append(v);
    }
    return out;
}

QString pgIntArray(const QList<qint64> &values)
{
    QString out;
    out.reserve(2 + values.size() * 12);
    out += QLatin1Char('{');
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        out += QString::number(values[i]);
    }
    out += QLatin1Char('}');
    return out;
}

QByteArray jsonRowsSelect(bool postgres, const QByteArray &table, const QByteArray &columns)
{
    if (postgres)
        return "SELECT " + columns + " FROM json_populate_recordset(NULL::" + table + ", $1::json)";
    QByteArrayList extracts;
    for (const QByteArray &column : columns.split(','))
        extracts << "json_extract(value, '$." + column.trimmed() + "')";
    return "SELECT " + extracts.join(", ") + " FROM json_each($1)";
}

QString jsonRowsParam(const QJsonArray &rows)
{
    QByteArray json = QJsonDocument(rows).toJson(QJsonDocument::Compact);
    // Escapes only: a backslash in the text is written as "\\", so an escape starts at each
    // backslash not consumed by the one before it.
    for (qsizetype i = json.indexOf('\\'); i >= 0 && i + 1 < json.size(); i = json.indexOf('\\', i)) {
        if (json.at(i + 1) == 'u' && json.mid(i + 2, 4) == "0000")
            json.replace(i + 2, 4, "fffd");
        i += json.at(i + 1) == 'u' ? 6 : 2;
    }
    return QString::fromUtf8(json);
}

} // namespace salesflow::store
