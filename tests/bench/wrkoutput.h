#pragma once

#include <QRegularExpression>
#include <QString>

namespace salesflow::bench {

/// The first capture of `pattern` in a tool's output as a number; -1 when it is not there.
inline double grab(const QString &text, const QString &pattern)
{
    const auto m = QRegularExpression(pattern, QRegularExpression::MultilineOption).match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

/// A latency from wrk --latency in milliseconds (wrk prints "1.23ms", "850.00us" or "1.01s").
inline double wrkMs(const QString &text, const QString &label)
{
    const auto m = QRegularExpression(QRegularExpression::escape(label) + QStringLiteral("\\s+([0-9.]+)(us|ms|s)\\b"),
                                      QRegularExpression::MultilineOption)
                       .match(text);
    if (!m.hasMatch())
        return -1;
    const double v = m.captured(1).toDouble();
    return m.captured(2) == QLatin1String("us") ? v / 1000 : m.captured(2) == QLatin1String("s") ? v * 1000 : v;
}

} // namespace salesflow::bench
