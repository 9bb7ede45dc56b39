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

Status checkPrompt(const PromptVersion &p)
{
    if (p.systemPart().isEmpty() || p.userPart().isEmpty())
        return makeError("prompt.invalid",
                         QStringLiteral("the template needs a '### system' part followed by a '### user' part"), 400);
    const QStringList known = promptPlaceholders();
    auto it = placeholderRe().globalMatch(p.templateText);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!known.contains(name))
            return makeError(
                "prompt.invalid",
                QStringLiteral("unknown placeholder {{%1}}; known: %2").arg(name, known.join(QLatin1String(", "))),
                400);
    }
    return Done{};
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
