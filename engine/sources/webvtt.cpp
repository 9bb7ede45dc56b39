// WebVTT (https://www.w3.org/TR/webvtt1/#file-parsing): the file parsing algorithm, the cue
// timings rules and the cue text parsing rules, reduced to what a transcript needs (who said
// what, when). Regions, styles and cue settings are read past, not applied.
#include "cues.h"
#include "jsonutil.h"

#include <optional>

namespace salesflow::sources {

namespace {

/// A cursor over the decoded file (lines end in LF after preprocessing).
struct Input
{
    QString s;
    qsizetype pos = 0;
    QString skipped; ///< why the first block that looked like a cue was not one (for a file with none)

    void skip(qsizetype at, const QString &why)
    {
        if (skipped.isEmpty())
            skipped = QStringLiteral("the block at line %1 %2").arg(s.left(at).count(QLatin1Char('\n')) + 1).arg(why);
    }
    bool atEnd() const { return pos >= s.size(); }
    QString line()
    {
        const qsizetype lf = s.indexOf(QLatin1Char('\n'), pos);
        const QString out = s.mid(pos, lf < 0 ? -1 : lf - pos);
        pos = lf < 0 ? s.size() : lf + 1;
        return out;
    }
};

bool isSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\f')
        || c == QLatin1Char('\r');
}

QString digits(const QString &s, qsizetype &p)
{
    const qsizetype from = p;
    while (p < s.size() && s[p].isDigit() && s[p].unicode() < 128)
        ++p;
    return s.mid(from, p - from);
}

/// "collect a WebVTT timestamp": [hh:]mm:ss.ttt, hours any number of digits.
std::optional<double> timestamp(const QString &s, qsizetype &p)
{
    bool hours = false;
    const QString a = digits(s, p);
    if (a.isEmpty())
        return std::nullopt;
    if (a.size() != 2 || a.toInt() > 59)
        hours = true;
    if (p >= s.size() || s[p] != QLatin1Char(':'))
        return std::nullopt;
    ++p;
    const QString b = digits(s, p);
    if (b.size() != 2)
        return std::nullopt;
    double h = 0, m = a.toDouble(), sec = b.toDouble();
    if (hours || (p < s.size() && s[p] == QLatin1Char(':'))) {
        if (p >= s.size() || s[p] != QLatin1Char(':'))
            return std::nullopt;
        ++p;
        const QString c = digits(s, p);
        if (c.size() != 2)
            return std::nullopt;
        h = a.toDouble(), m = b.toDouble(), sec = c.toDouble();
    }
    if (p >= s.size() || s[p] != QLatin1Char('.'))
        return std::nullopt;
    ++p;
    const QString f = digits(s, p);
    if (f.size() != 3 || m > 59 || sec > 59)
        return std::nullopt;
    return h * 3600 + m * 60 + sec + f.toDouble() / 1000;
}

/// "collect WebVTT cue timings and settings"; the settings after the end time are ignored.
bool timings(const QString &line, Cue &cue)
{
    qsizetype p = 0;
    const auto skip = [&] {
        while (p < line.size() && isSpace(line[p]))
            ++p;
    };
    skip();
    const auto start = timestamp(line, p);
    skip();
    if (!start || line.mid(p, 3) != QLatin1String("-->"))
        return false;
    p += 3;
    skip();
    const auto end = timestamp(line, p);
    if (!end)
        return false;
    cue.start = *start;
    cue.end = *end;
    return true;
}

/// "collect a WebVTT block": a cue, or nothing (a NOTE, STYLE or REGION block, header lines, a
/// cue whose timings do not parse). A line with "-->" after the cue's timing line is left for
/// the next block.
std::optional<Cue> block(Input &in, bool inHeader)
{
    int lineCount = 0;
    const qsizetype begin = in.pos;
    qsizetype previous = in.pos;
    QString buffer;
    bool seenArrow = false;
    std::optional<Cue> cue;
    while (!in.atEnd()) {
        const QString line = in.line();
        ++lineCount;
        if (line.contains(QLatin1String("-->"))) {
            if (!inHeader && (lineCount == 1 || (lineCount == 2 && !seenArrow))) {
                seenArrow = true;
                previous = in.pos;
                cue = Cue{};
                if (!timings(line, *cue)) {
                    in.skip(begin, QStringLiteral("has a bad timestamp: \"%1\"").arg(line.trimmed().left(60)));
                    cue.reset(); // discarded: its text lines are read past
                }
                buffer.clear();
                continue;
            }
            in.pos = previous; // this line begins the next block
            break;
        }
        if (line.isEmpty())
            break;
        if (!buffer.isEmpty())
            buffer += QLatin1Char('\n');
        buffer += line;
        previous = in.pos;
    }
    if (cue)
        cue->text = buffer;
    else if (!inHeader && !seenArrow && !buffer.startsWith(QLatin1String("NOTE"))
             && !buffer.startsWith(QLatin1String("STYLE")) && !buffer.startsWith(QLatin1String("REGION")))
        in.skip(begin, QStringLiteral("has no \"start --> end\" timing line"));
    return cue;
}

/// The cue text's runs, each with the voice it is spoken in (the innermost open <v>).
struct Runs
{
    QList<QString> voices{QString()};
    QList<Cue> out;

    void text(const QString &t)
    {
        if (out.isEmpty() || out.last().speaker != voices.last())
            out.append(Cue{0, 0, voices.last(), QString()});
        out.last().text += t;
    }
};

/// A start or end tag's content (between '<' and '>').
void tag(const QString &t, Runs &runs)
{
    if (t.isEmpty() || t[0].isDigit())
        return; // a timestamp tag
    if (t[0] == QLatin1Char('/')) {
        if (t.mid(1).trimmed() == QLatin1String("v") && runs.voices.size() > 1)
            runs.voices.removeLast();
        return;
    }
    qsizetype n = 0;
    while (n < t.size() && !isSpace(t[n]) && t[n] != QLatin1Char('.'))
        ++n;
    if (t.left(n) != QLatin1String("v"))
        return; // c, i, b, u, ruby, rt, lang: styling only
    while (n < t.size() && !isSpace(t[n]))
        ++n; // past the classes (<v.loud Name>)
    runs.voices.append(tidy(decodeCharacterReferences(t.mid(n)))); // the annotation: who speaks
}

/// "WebVTT cue text parsing rules", for who spoke which words.
QList<Cue> cueText(const Cue &cue)
{
    Runs runs;
    const QString &s = cue.text;
    for (qsizetype i = 0; i < s.size();) {
        if (s[i] != QLatin1Char('<')) {
            const qsizetype next = s.indexOf(QLatin1Char('<'), i);
            runs.text(s.mid(i, next < 0 ? -1 : next - i));
            i = next < 0 ? s.size() : next;
            continue;
        }
        const qsizetype close = s.indexOf(QLatin1Char('>'), i);
        tag(s.mid(i + 1, close < 0 ? -1 : close - i - 1), runs);
        i = close < 0 ? s.size() : close + 1;
    }
    QList<Cue> out;
    for (Cue &r : runs.out) {
        r.text = tidy(decodeCharacterReferences(r.text)); // lines kept: attributeSpeakers reads them
        if (r.text.isEmpty())
            continue;
        r.start = cue.start, r.end = cue.end;
        if (!out.isEmpty() && out.last().speaker == r.speaker)
            out.last().text += QLatin1Char('\n') + r.text;
        else
            out.append(r);
    }
    return out;
}

} // namespace

Result<QList<Cue>> parseWebVtt(const QByteArray &payload)
{
    Input in;
    in.s = QString::fromUtf8(payload);
    in.s.replace(QChar(0), QChar::ReplacementCharacter);
    in.s.replace(QLatin1String("\r\n"), QLatin1String("\n")).replace(QLatin1Char('\r'), QLatin1Char('\n'));
    if (in.s.startsWith(QChar(0xfeff)))
        in.s.remove(0, 1);
    // Not in the algorithm, but exporters write it: white space before the signature.
    qsizetype lead = 0;
    while (lead < in.s.size() && isSpace(in.s[lead]))
        ++lead;
    in.s.remove(0, lead);
    const QString first = in.line();
    if (!first.startsWith(QLatin1String("WEBVTT"))
        || (first.size() > 6 && first[6] != QLatin1Char(' ') && first[6] != QLatin1Char('\t')))
        return parseError(
            QStringLiteral("transcript: a WebVTT file starts with \"WEBVTT\" (line 1 is \"%1\")").arg(first.left(40)));
    if (!in.atEnd() && in.s[in.pos] != QLatin1Char('\n'))
        block(in, true); // the header: Kind:, Language:, old Region: lines
    QList<Cue> cues;
    while (!in.atEnd()) {
        while (!in.atEnd() && in.s[in.pos] == QLatin1Char('\n'))
            ++in.pos;
        if (auto cue = block(in, false))
            cues += cueText(*cue);
    }
    if (cues.isEmpty() && !in.skipped.isEmpty())
        return parseError(QStringLiteral("transcript: no WebVTT cue could be read: %1").arg(in.skipped));
    return cues;
}

} // namespace salesflow::sources
