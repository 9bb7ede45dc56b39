#include "promptrepository.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

namespace salesflow::store {

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

PromptVersion fromRow(const Rows &r)
{
    PromptVersion p;
    p.name = r.text(0, 0);
    p.version = int(r.int64(0, 1));
    p.templateText = r.text(0, 2);
    p.settings = QJsonDocument::fromJson(r.bytes(0, 3)).object();
    p.author = r.text(0, 4);
    p.createdAtMs = r.int64(0, 5);
    p.active = r.int64(0, 6) != 0;
    return p;
}

const QByteArray kColumns = "SELECT name, version, template, settings, author, created_at, active FROM prompt_versions ";

} // namespace

QString PromptVersion::systemPart() const
{
    return part(templateText, QStringLiteral("### system\n"), QStringLiteral("\n### user\n"));
}

QString PromptVersion::userPart() const
{
    return part(templateText, QStringLiteral("\n### user\n"), {});
}

QStringList PromptRepository::placeholders()
{
    return {QStringLiteral("event.id"), QStringLiteral("event.kind"), QStringLiteral("event.source"),
            QStringLiteral("event.occurred_at"), QStringLiteral("event.actor"), QStringLiteral("event.subject"),
            QStringLiteral("event.text"), QStringLiteral("contact"), QStringLiteral("company"), QStringLiteral("deal"),
            QStringLiteral("recent_events")};
}

Result<PromptVersion> PromptRepository::parseFile(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    if (!text.startsWith(QLatin1String("---\n")))
        return makeError("permanent.prompt", QStringLiteral("a prompt file starts with a --- front matter block"));
    const qsizetype end = text.indexOf(QLatin1String("\n---\n"), 4);
    if (end < 0)
        return makeError("permanent.prompt", QStringLiteral("the front matter block is not closed by ---"));
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
        return makeError("permanent.prompt", QStringLiteral("the front matter needs name and a positive version"));
    if (Status s = check(p); !s)
        return s.error();
    return p;
}

Status PromptRepository::check(const PromptVersion &p)
{
    if (p.systemPart().isEmpty() || p.userPart().isEmpty())
        return makeError("prompt.invalid", QStringLiteral("the template needs a '### system' part followed by a '### user' part"), 400);
    const QStringList known = placeholders();
    auto it = placeholderRe().globalMatch(p.templateText);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!known.contains(name))
            return makeError("prompt.invalid", QStringLiteral("unknown placeholder {{%1}}; known: %2").arg(name, known.join(QLatin1String(", "))), 400);
    }
    return Done{};
}

Result<QString> PromptRepository::render(const QString &text, const QHash<QString, QString> &values)
{
    QString out;
    out.reserve(text.size() * 2);
    qsizetype last = 0;
    auto it = placeholderRe().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(1);
        if (!values.contains(name))
            return makeError("permanent.prompt", QStringLiteral("unknown placeholder {{%1}}").arg(name));
        out += QStringView(text).mid(last, m.capturedStart() - last);
        out += values.value(name);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

Status PromptRepository::seedDefaults(Connection &c, qint64 nowMs)
{
    const QDir dir(QStringLiteral(":/prompts"));
    for (const QString &file : dir.entryList({QStringLiteral("*.prompt")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            return makeError("store.prompt", QStringLiteral("cannot read the shipped prompt %1").arg(file));
        auto p = parseFile(f.readAll());
        if (!p)
            return Error{QStringLiteral("store.prompt"), file + QStringLiteral(": ") + p.error().message, 500};
        Tx tx(c);
        if (Status s = tx.begin(true); !s)
            return s;
        auto r = c.exec("INSERT INTO prompt_versions (name, version, template, settings, author, created_at, active) "
                        "VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (name, version) DO NOTHING",
                        {p->name, p->version, p->templateText,
                         QString::fromUtf8(QJsonDocument(p->settings).toJson(QJsonDocument::Compact)), p->author, nowMs});
        if (!r)
            return r.error();
        auto act = c.exec("UPDATE prompt_versions SET active = 1 WHERE name = $1 AND version = $2 "
                          "AND NOT EXISTS (SELECT 1 FROM prompt_versions WHERE name = $1 AND active = 1)",
                          {p->name, p->version});
        if (!act)
            return act.error();
        if (Status s = tx.commit(); !s)
            return s;
    }
    return Done{};
}

Result<PromptVersion> PromptRepository::active(Connection &c, const QString &name)
{
    auto r = c.exec(kColumns + "WHERE name = $1 AND active = 1 ORDER BY version DESC LIMIT 1", {name});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError("permanent.prompt", QStringLiteral("no active version of the prompt '%1'").arg(name));
    return fromRow(r.value());
}

Result<PromptVersion> PromptRepository::get(Connection &c, const QString &name, int version)
{
    auto r = c.exec(kColumns + "WHERE name = $1 AND version = $2", {name, version});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError("permanent.prompt", QStringLiteral("the prompt '%1' has no version %2").arg(name).arg(version), 404);
    return fromRow(r.value());
}

} // namespace salesflow::store
