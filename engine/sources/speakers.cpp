// Who speaks in a transcript whose cues do not say it in markup (SRT, WebVTT without <v>):
// the prefixes caption and meeting tools write, believed only where the file's pattern backs
// them — "And the world says: …" once in a film's subtitles is a line, not a speaker.
#include "cues.h"
#include "jsonutil.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace salesflow::sources {

namespace {

struct Prefix
{
    QString name; ///< empty: none, or a ">>" speaker change without a name
    bool marked = false; ///< [Name] or >> Name: — the file says it is a speaker
    QString rest;
};

Prefix prefixOf(const QString &line)
{
    static const QRegularExpression bracket(QStringLiteral("^\\[([^\\]]{1,40})\\]:?\\s*(.*)$"));
    static const QRegularExpression chevron(QStringLiteral("^>>\\s*(?:([^:]{1,40}):\\s+)?(.*)$"));
    static const QRegularExpression colon(QStringLiteral("^(?:-\\s*)?([^:]{1,40}):\\s+(.*)$"));
    if (auto m = bracket.match(line); m.hasMatch())
        return {m.captured(1).trimmed(), true, m.captured(2)};
    if (auto m = chevron.match(line); m.hasMatch())
        return {m.captured(1).trimmed(), true, m.captured(2)};
    if (auto m = colon.match(line); m.hasMatch())
        return {m.captured(1).trimmed(), false, m.captured(2)};
    return {};
}

/// Caption sound tags ("[Music] la la", "[APPLAUSE]") and the labels notes are written with
/// ("Warning: …", "Note: …"): capitalised and recurring like names, but nobody speaking.
bool isSoundOrLabel(const QString &name)
{
    static const QSet<QString> sounds{
        QStringLiteral("music"),      QStringLiteral("applause"),   QStringLiteral("laughter"),
        QStringLiteral("laughs"),     QStringLiteral("laughing"),   QStringLiteral("inaudible"),
        QStringLiteral("crosstalk"),  QStringLiteral("silence"),    QStringLiteral("noise"),
        QStringLiteral("cheering"),   QStringLiteral("cheers"),     QStringLiteral("sighs"),
        QStringLiteral("chuckles"),   QStringLiteral("coughs"),     QStringLiteral("foreign"),
        QStringLiteral("background"), QStringLiteral("indistinct"), QStringLiteral("unintelligible"),
        QStringLiteral("beep"),       QStringLiteral("static"),     QStringLiteral("ringing"),
        QStringLiteral("pause"),      QStringLiteral("sound"),      QStringLiteral("playing")};
    static const QSet<QString> labels{
        QStringLiteral("warning"),    QStringLiteral("note"),        QStringLiteral("caution"),
        QStringLiteral("tip"),        QStringLiteral("important"),   QStringLiteral("update"),
        QStringLiteral("reminder"),   QStringLiteral("agenda"),      QStringLiteral("summary"),
        QStringLiteral("action"),     QStringLiteral("action item"), QStringLiteral("step"),
        QStringLiteral("example"),    QStringLiteral("todo"),        QStringLiteral("fyi"),
        QStringLiteral("ps"),         QStringLiteral("subject"),     QStringLiteral("re"),
        QStringLiteral("next steps"), QStringLiteral("decision")};
    static const QRegularExpression nonWord(QStringLiteral("[^\\w]+"));
    const QString lower = name.toLower();
    if (labels.contains(lower))
        return true;
    for (const QString &w : lower.split(nonWord, Qt::SkipEmptyParts)) {
        if (sounds.contains(w))
            return true;
    }
    return false;
}

/// A name as transcripts write one: 1–3 words, each capitalised (or initials, "Dr.", all caps),
/// none of the small words sentences are made of, and no sound tag or note label.
bool looksLikeName(const QString &name)
{
    if (isSoundOrLabel(name))
        return false;
    static const QSet<QString> sentenceWords{
        QStringLiteral("and"),     QStringLiteral("the"),  QStringLiteral("but"),  QStringLiteral("so"),
        QStringLiteral("says"),    QStringLiteral("said"), QStringLiteral("then"), QStringLiteral("well"),
        QStringLiteral("because"), QStringLiteral("if"),   QStringLiteral("when"), QStringLiteral("is"),
        QStringLiteral("was"),     QStringLiteral("are"),  QStringLiteral("it"),   QStringLiteral("this"),
        QStringLiteral("that"),    QStringLiteral("of"),   QStringLiteral("to"),   QStringLiteral("in"),
        QStringLiteral("for"),     QStringLiteral("with"), QStringLiteral("we"),   QStringLiteral("you"),
        QStringLiteral("they"),    QStringLiteral("he"),   QStringLiteral("she"),  QStringLiteral("i")};
    const QStringList words = name.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words.isEmpty() || words.size() > 3)
        return false;
    for (const QString &w : words) {
        if (sentenceWords.contains(w.toLower()) || !w[0].isUpper())
            return false;
    }
    return true;
}

/// The prefix names this file's pattern supports: explicitly marked ones, names that recur,
/// and all of them when most cues open with one.
QSet<QString> acceptedNames(const QList<Cue> &cues)
{
    QHash<QString, int> seen;
    QSet<QString> marked;
    int cuesWithName = 0, considered = 0;
    for (const Cue &c : cues) {
        if (!c.speaker.isEmpty())
            continue;
        ++considered;
        bool any = false;
        for (const QString &line : c.text.split(QLatin1Char('\n'))) {
            const Prefix p = prefixOf(line);
            // "[Music]", "[Applause]" alone on a line are sounds, not someone speaking.
            if (p.name.isEmpty() || p.rest.trimmed().isEmpty() || !looksLikeName(p.name))
                continue;
            any = true;
            ++seen[p.name];
            if (p.marked)
                marked.insert(p.name);
        }
        cuesWithName += any ? 1 : 0;
    }
    const bool mostly = considered > 0 && cuesWithName * 2 >= considered;
    QSet<QString> out = marked;
    for (auto it = seen.cbegin(); it != seen.cend(); ++it) {
        if (it.value() >= 2 || mostly)
            out.insert(it.key());
    }
    return out;
}

/// Splits `cue` where a line opens with an accepted name; unnamed lines stay with `current`.
QList<Cue> split(const Cue &cue, const QSet<QString> &names, QString &current)
{
    QList<Cue> out;
    for (const QString &line : cue.text.split(QLatin1Char('\n'))) {
        if (line.trimmed().isEmpty())
            continue;
        const Prefix p = prefixOf(line);
        QString text = line;
        if (names.contains(p.name)) {
            current = p.name;
            text = p.rest;
        } else if (p.marked && p.name.isEmpty() && line.startsWith(QLatin1String(">>"))) {
            current.clear(); // ">>" alone: someone else speaks, unnamed
            text = p.rest;
        }
        if (out.isEmpty() || out.last().speaker != current)
            out.append(Cue{cue.start, cue.end, current, QString()});
        out.last().text += (out.last().text.isEmpty() ? QString() : QStringLiteral(" ")) + text.trimmed();
    }
    out.removeIf([](const Cue &c) { return c.text.isEmpty(); });
    return out;
}

} // namespace

void attributeSpeakers(QList<Cue> &cues)
{
    const QSet<QString> names = acceptedNames(cues);
    QList<Cue> out;
    QString current;
    for (const Cue &c : std::as_const(cues)) {
        if (!c.speaker.isEmpty()) {
            Cue one = c;
            one.text = tidy(one.text.replace(QLatin1Char('\n'), QLatin1Char(' ')));
            out.append(one);
            continue;
        }
        out += split(c, names, current);
    }
    cues = out;
}

} // namespace salesflow::sources
