#include "promptrepository.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

namespace salesflow::store {

namespace {

llm::PromptVersion fromRow(const Rows &r)
{
    llm::PromptVersion p;
    p.name = r.text(0, 0);
    p.version = int(r.int64(0, 1));
    p.templateText = r.text(0, 2);
    p.settings = QJsonDocument::fromJson(r.bytes(0, 3)).object();
    p.author = r.text(0, 4);
    p.createdAtMs = r.int64(0, 5);
    p.active = r.int64(0, 6) != 0;
    return p;
}

const QByteArray kColumns
    = "SELECT name, version, template, settings, author, created_at, active FROM prompt_versions ";

} // namespace

Status PromptRepository::seedDefaults(Connection &c, qint64 nowMs)
{
    const QDir dir(QStringLiteral(":/prompts"));
    for (const QString &file : dir.entryList({QStringLiteral("*.prompt")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            return makeError("store.prompt", QStringLiteral("cannot read the shipped prompt %1").arg(file));
        auto p = llm::parsePromptFile(f.readAll());
        if (!p)
            return Error{QStringLiteral("store.prompt"), file + QStringLiteral(": ") + p.error().message, 500};
        Tx tx(c);
        if (Status s = tx.begin(true); !s)
            return s;
        auto r
            = c.exec("INSERT INTO prompt_versions (name, version, template, settings, author, created_at, active) "
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

Result<llm::PromptVersion> PromptRepository::active(Connection &c, const QString &name)
{
    auto r = c.exec(kColumns + "WHERE name = $1 AND active = 1 ORDER BY version DESC LIMIT 1", {name});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return permanentError("permanent.prompt", QStringLiteral("no active version of the prompt '%1'").arg(name));
    return fromRow(r.value());
}

Result<llm::PromptVersion> PromptRepository::get(Connection &c, const QString &name, int version)
{
    auto r = c.exec(kColumns + "WHERE name = $1 AND version = $2", {name, version});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return permanentError("permanent.prompt",
                              QStringLiteral("the prompt '%1' has no version %2").arg(name).arg(version), 404);
    return fromRow(r.value());
}

} // namespace salesflow::store
