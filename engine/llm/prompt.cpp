#include "prompt.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace salesflow::llm {

namespace {

const QRegularExpression &placeholderRe()
{
    static const QRegularExpression re(QStringLiteral("\\{\\{\\s*([A-Za-z_.]+)\\s*\\}\\}"));
    return re;
}

QString part(const QString &text, const QString &header, const QString &nextHeader)
{
    const qsizetype start = text.indexOf(header);
    if (start < 0)
        return {};
    const qsizetype from = start + header.size();
    const qsizetype end = nextHeader.isEmpty() ? -1 : text.indexOf(nextHeader, from);
    return (end < 0 ? text.mid(from) : text.mid(from, end - from)).trimmed();
}

} // namespace

QString PromptVersion::systemPart() const
{
    return part(templateText, QStringLiteral("### system\n"), QStringLiteral("\n### user\n"));
}

QString PromptVersion::userPart() const
{
    return part(templateText, QStringLiteral("\n### user\n"), {});
}

QStringList promptPlaceholders()
{
    return {QStringLiteral("event.id"),     QStringLiteral("event.kind"),
            QStringLiteral("event.source"), QStringLiteral("event.occurred_at"),
            QStringLiteral("event.actor"),  QStringLiteral("event.subject"),
            QStringLiteral("event.text"),   QStringLiteral("contact"),
            QStringLiteral("company"),      QStringLiteral("deal"),
            QStringLiteral("recent_events")};
}

Result<PromptVersion> parsePromptFile(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    if (!text.startsWith(QLatin1String("---\n")))
        return permanentError("permanent.prompt", QStringLiteral("a prompt file starts with a --- front matter block"));
    const qsizetype end = text.indexOf(QLatin1String("\n---\n"), 4);
    if (end < 0)
        return permanentError("permanent.prompt", QStringLiteral("the front matter block is not closed by ---"));
    PromptVersion p;
    for (const QString &line : text.mid(4, end - 4).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        const QString key = line.left(colon).trimmed();
        const QString value = line.mid(colon + 1).trimmed();
        if (key == QLatin1String("name"))
            p.name = value;
        else if (key == QLatin1String("version"))
            p.version = value.toInt();
        else if (key == QLatin1String("author"))
            p.author = value;
        else if (key == QLatin1String("settings"))
            p.settings = QJsonDocument::fromJson(value.toUtf8()).object();
    }
    p.templateText = text.mid(end + 5);
    if (p.name.isEmpty() || p.version <= 0)
        return permanentError("permanent.prompt", QStringLiteral("the front matter needs name and a positive version"));
    if (Status s = checkPrompt(p); !s)
        return s.error();
    return p;
}

namespace {

/// 1-based line and column of a position in the template.
QPair<int, int> lineColumn(const QString &text, qsizetype pos)
{
    const qsizetype lineStart = text.lastIndexOf(QLatin1Char('\n'), pos - 1) + 1;
    return {int(text.left(pos).count(QLatin1Char('\n'))) + 1, int(pos - lineStart) + 1};
}

PromptProblem at(const QString &text, qsizetype pos, const QString &message)
{
    const auto lc = lineColumn(text, pos);
    return PromptProblem{message, lc.first, lc.second, {}};
}

void checkParts(const QString &text, QList<PromptProblem> &out)
{
    static const QRegularExpression systemRe(QStringLiteral("^### system$"), QRegularExpression::MultilineOption);
    static const QRegularExpression userRe(QStringLiteral("^### user$"), QRegularExpression::MultilineOption);
    const auto system = systemRe.match(text);
    const auto user = userRe.match(text);
    if (!system.hasMatch())
        out.append({QStringLiteral("the template needs a '### system' line before the instructions"), 1, 1, {}});
    if (!user.hasMatch())
        out.append({QStringLiteral("the template needs a '### user' line before the event's part"), 1, 1, {}});
    if (system.hasMatch() && user.hasMatch() && user.capturedStart() < system.capturedStart())
        out.append(at(text, user.capturedStart(), QStringLiteral("the '### user' part comes after '### system'")));
    PromptVersion p;
    p.templateText = text;
    if (system.hasMatch() && user.hasMatch() && p.systemPart().isEmpty())
        out.append(at(text, system.capturedStart(), QStringLiteral("the '### system' part is empty")));
    if (system.hasMatch() && user.hasMatch() && p.userPart().isEmpty())
        out.append(at(text, user.capturedStart(), QStringLiteral("the '### user' part is empty")));
}

void checkPlaceholders(const QString &text, QList<PromptProblem> &out)
{
    static const QRegularExpression nameRe(QStringLiteral("^\\s*([A-Za-z_.]+)\\s*$"));
    const QStringList known = promptPlaceholders();
    for (qsizetype open = text.indexOf(QLatin1String("{{")); open >= 0;
         open = text.indexOf(QLatin1String("{{"), open + 2)) {
        const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
        const qsizetype nextOpen = text.indexOf(QLatin1String("{{"), open + 2);
        const qsizetype lineEnd = text.indexOf(QLatin1Char('\n'), open);
        if (close < 0 || (nextOpen >= 0 && nextOpen < close) || (lineEnd >= 0 && lineEnd < close)) {
            out.append(at(text, open, QStringLiteral("'{{' is not closed by '}}' on the same line")));
            continue;
        }
        const auto m = nameRe.match(text.mid(open + 2, close - open - 2));
        const QString name = m.hasMatch() ? m.captured(1) : text.mid(open + 2, close - open - 2).trimmed().left(40);
        if (!known.contains(name)) {
            out.append(
                at(text, open,
                   QStringLiteral("unknown placeholder {{%1}}; known: %2").arg(name, known.join(QLatin1String(", ")))));
        }
    }
}

struct SettingRule
{
    const char *name;
    double min, max;
    bool integer;
};

const SettingRule kSettings[] = {{"temperature", 0, 2, false},
                                 {"max_output_tokens", 64, 32768, true},
                                 {"context_token_budget", 200, 200000, true},
                                 {"recent_events", 0, 20, true}};

void checkSettings(const QJsonObject &settings, QList<PromptProblem> &out)
{
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("model")) {
            if (!it.value().isString() || it.value().toString().trimmed().isEmpty())
                out.append({QStringLiteral("settings.model is the model's name, a non-empty string"), 0, 0, key});
            continue;
        }
        const SettingRule *rule = nullptr;
        for (const SettingRule &r : kSettings)
            rule = key == QLatin1String(r.name) ? &r : rule;
        if (!rule) {
            out.append(
                {QStringLiteral("unknown setting '%1'; known: %2").arg(key, promptSettings().join(QLatin1String(", "))),
                 0, 0, key});
            continue;
        }
        const double v = it.value().toDouble(-1);
        const bool whole = v == double(qint64(v));
        if (!it.value().isDouble() || v < rule->min || v > rule->max || (rule->integer && !whole)) {
            out.append({QStringLiteral("settings.%1 is %2 from %3 to %4")
                            .arg(key, rule->integer ? QStringLiteral("a whole number") : QStringLiteral("a number"))
                            .arg(rule->min)
                            .arg(rule->max),
                        0, 0, key});
        }
    }
}

} // namespace

QStringList promptSettings()
{
    QStringList names{QStringLiteral("model")};
    for (const SettingRule &r : kSettings)
        names << QString::fromLatin1(r.name);
    return names;
}

QList<PromptProblem> promptProblems(const QString &templateText, const QJsonObject &settings)
{
    QList<PromptProblem> out;
    if (templateText.trimmed().isEmpty()) {
        out.append({QStringLiteral("the template is empty"), 1, 1, {}});
        return out;
    }
    checkParts(templateText, out);
    checkPlaceholders(templateText, out);
    checkSettings(settings, out);
    return out;
}

Status checkPrompt(const PromptVersion &p)
{
    const QList<PromptProblem> problems = promptProblems(p.templateText, p.settings);
    if (problems.isEmpty())
        return Done{};
    const PromptProblem &first = problems.first();
    QString where
        = first.line > 0 ? QStringLiteral("line %1, column %2: ").arg(first.line).arg(first.column) : QString();
    QString message = where + first.message;
    if (problems.size() > 1)
        message += QStringLiteral(" (and %1 more problems)").arg(problems.size() - 1);
    return makeError("prompt.invalid", message, 400);
}

Result<QString> renderPrompt(const QString &text, const QHash<QString, QString> &values)
{
    QString out;
    out.reserve(text.size() * 2);
    qsizetype last = 0;
    auto it = placeholderRe().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(1);
        if (!values.contains(name))
            return permanentError("permanent.prompt", QStringLiteral("unknown placeholder {{%1}}").arg(name));
        out += QStringView(text).mid(last, m.capturedStart() - last);
        out += values.value(name);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

} // namespace salesflow::llm
