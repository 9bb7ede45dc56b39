#include "requestid.h"

#include <QRandomGenerator>

#include <algorithm>

namespace salesflow::http {

namespace {

bool idChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == ':' || c == '-';
}

bool lowerHex(const QByteArray &s)
{
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

} // namespace

QString requestIdOf(const HttpHead &head)
{
    const QByteArray given = head.header("X-Request-Id").trimmed();
    if (!given.isEmpty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), idChar))
        return QString::fromLatin1(given);
    return QString::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, QLatin1Char('0'));
}

QString traceIdOf(const HttpHead &head)
{
    // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2
    const QByteArray tp = head.header("traceparent").trimmed();
    const QByteArray version = tp.left(2);
    // Version 00 is exactly 55 characters; a later version is read by its first 55 (W3C).
    if (tp.size() < 55 || (version == "00" && tp.size() != 55) || (tp.size() > 55 && tp[55] != '-')
        || !lowerHex(version) || version == "ff" || tp[2] != '-' || tp[35] != '-' || tp[52] != '-')
        return QString();
    const QByteArray trace = tp.mid(3, 32), parent = tp.mid(36, 16), flags = tp.mid(53, 2);
    if (!lowerHex(trace) || !lowerHex(parent) || !lowerHex(flags) || trace == QByteArray(32, '0')
        || parent == QByteArray(16, '0'))
        return QString();
    return QString::fromLatin1(trace);
}

} // namespace salesflow::http
