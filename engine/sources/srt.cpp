// SubRip (.srt) as subtitle tools and caption exports write it. There is no standard: this
// reads what the common players read (VLC, ffmpeg): a timing line "H:M:S,mmm --> H:M:S,mmm"
// starts a cue, its text runs to the next timing line (less the index line before it).
#include "cues.h"
#include "jsonutil.h"

#include <QRegularExpression>

namespace salesflow::sources {

namespace {

/// "00:00:07,560 --> 00:00:09,000" and the forms tools write: 1–3 digit hours, 1–2 digit
/// minutes and seconds, ',' '.' or ':' before 1–3 digits of fraction, position words after.
const QRegularExpression &timingLine()
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d{1,3}):(\\d{1,2}):(\\d{1,2})(?:[,.:](\\d{1,3}))?\\s*-->\\s*"
                       "(\\d{1,3}):(\\d{1,2}):(\\d{1,2})(?:[,.:](\\d{1,3}))?(?:\\s.*)?$"));
    return re;
}

double seconds(const QRegularExpressionMatch &m, int first)
{
    const QString fraction = m.captured(first + 3);
    return m.captured(first).toDouble() * 3600 + m.captured(first + 1).toDouble() * 60
        + m.captured(first + 2).toDouble()
        + (fraction.isEmpty() ? 0 : fraction.leftJustified(3, QLatin1Char('0')).toDouble() / 1000);
}

/// Cue text without the markup subtitle editors leave: {\an8}-style override codes (SSA/ASS),
/// <i>, <b>, <u>, <font …> tags; character references decoded.
QString plain(QString text)
{
    // Bounded: a line of unclosed "{\\" or "<i" costs linear time, not quadratic.
    static const QRegularExpression overrides(QStringLiteral("\\{\\\\[^}\\n]{0,200}\\}"));
    static const QRegularExpression tags(QStringLiteral("</?(?:i|b|u|s|font|c|v)(?:[\\s.][^>\\n]{0,200})?>"),
                                         QRegularExpression::CaseInsensitiveOption);
    text.replace(overrides, QString()).replace(tags, QString());
    return decodeCharacterReferences(text);
}

bool isIndex(const QString &line)
{
    const QString t = line.trimmed();
    return !t.isEmpty() && std::all_of(t.cbegin(), t.cend(), [](QChar c) { return c.isDigit(); });
}

} // namespace

Result<QList<Cue>> parseSrt(const QByteArray &payload, const QByteArray &declared, QString *encoding)
{
    QString s = decodeUnknownText(payload, declared, encoding);
    s.replace(QChar(0), QChar::ReplacementCharacter);
    s.replace(QLatin1String("\r\n"), QLatin1String("\n")).replace(QLatin1Char('\r'), QLatin1Char('\n'));
    const QStringList lines = s.split(QLatin1Char('\n'));
    QList<Cue> cues;
    QStringList text;
    const auto finish = [&] {
        while (!text.isEmpty() && (text.last().trimmed().isEmpty()))
            text.removeLast();
        if (!cues.isEmpty())
            cues.last().text = tidy(plain(text.join(QLatin1Char('\n')))); // lines: see attributeSpeakers
        text.clear();
    };
    QString skipped; // why the first line that looked like a timing line was not one
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString &line = lines[i];
        const auto m = timingLine().match(line);
        if (!m.hasMatch()) {
            if (skipped.isEmpty() && line.contains(QLatin1String("-->")))
                skipped = QStringLiteral("bad timestamp \"%1\" at line %2").arg(line.trimmed().left(60)).arg(i + 1);
            text << line;
            continue;
        }
        if (skipped.isEmpty() && seconds(m, 5) < seconds(m, 1))
            skipped = QStringLiteral("the cue at line %1 ends before it starts").arg(i + 1);
        if (!text.isEmpty() && isIndex(text.last()))
            text.removeLast(); // the next cue's number
        finish();
        cues.append(Cue{seconds(m, 1), seconds(m, 5), QString(), QString()});
    }
    finish();
    cues.removeIf([](const Cue &c) { return c.text.isEmpty() || c.end < c.start; });
    if (cues.isEmpty() && !skipped.isEmpty())
        return parseError(QStringLiteral("transcript: no SRT cue could be read: %1").arg(skipped));
    if (cues.isEmpty())
        return parseError(QStringLiteral("transcript: no SRT cue found (a cue's timing line reads "
                                         "\"00:00:01,000 --> 00:00:02,500\")"));
    return cues;
}

} // namespace salesflow::sources
