#include "promptrepository.h"

#include "auditlog.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>

namespace salesflow::store {

namespace {

llm::PromptVersion fromRow(const Rows &r, int i = 0)
{
    llm::PromptVersion p;
    p.name = r.text(i, 0);
    p.version = int(r.int64(i, 1));
    p.templateText = r.text(i, 2);
    p.settings = QJsonDocument::fromJson(r.bytes(i, 3)).object();
    p.author = r.text(i, 4);
    p.createdAtMs = r.int64(i, 5);
    p.active = r.int64(i, 6) != 0;
    p.notes = r.text(i, 7);
    return p;
}

const QByteArray kColumns
    = "SELECT name, version, template, settings, author, created_at, active, notes FROM prompt_versions ";

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString versionJson(const QString &name, int version)
{
    return compact(QJsonObject{{QStringLiteral("prompt"), name}, {QStringLiteral("active_version"), version}});
}

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
    if (r->isEmpty()) {
        return Error{QStringLiteral("prompt.not_found"),
                     QStringLiteral("the prompt '%1' has no version %2").arg(name).arg(version), 404, 0,
                     Retry::Permanent};
    }
    return fromRow(r.value());
}

Result<QList<PromptSummary>> PromptRepository::list(Connection &c)
{
    auto r = c.exec("SELECT name, MAX(CASE WHEN active = 1 THEN version ELSE 0 END), COUNT(*), MAX(created_at)"
                    " FROM prompt_versions GROUP BY name ORDER BY name");
    if (!r)
        return r.error();
    QList<PromptSummary> out;
    for (int i = 0; i < r->size(); ++i)
        out.append({r->text(i, 0), int(r->int64(i, 1)), int(r->int64(i, 2)), r->int64(i, 3)});
    return out;
}

Result<QList<llm::PromptVersion>> PromptRepository::versions(Connection &c, const QString &name)
{
    auto r = c.exec(kColumns + "WHERE name = $1 ORDER BY version DESC", {name});
    if (!r)
        return r.error();
    QList<llm::PromptVersion> out;
    for (int i = 0; i < r->size(); ++i)
        out.append(fromRow(r.value(), i));
    return out;
}

Result<int> PromptRepository::create(Connection &c, const llm::PromptVersion &p, const QString &actor, qint64 nowMs)
{
    for (int attempt = 0;; ++attempt) {
        Tx tx(c);
        if (Status s = tx.begin(true); !s)
            return s.error();
        auto next = c.exec("SELECT COALESCE(MAX(version), 0) + 1 FROM prompt_versions WHERE name = $1", {p.name});
        if (!next)
            return next.error();
        const int version = int(next->int64(0, 0));
        auto ins = c.exec("INSERT INTO prompt_versions (name, version, template, settings, author, created_at, active,"
                          " notes) VALUES ($1, $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (name, version) DO NOTHING",
                          {p.name, version, p.templateText, compact(p.settings), actor, nowMs, p.notes});
        if (!ins)
            return ins.error();
        if (ins->affected == 0 && attempt < 5)
            continue; // another admin took this number at the same moment: take the next
        if (ins->affected == 0)
            return makeError("prompt.busy", QStringLiteral("too many versions created at once; try again"), 503);
        const QString detail = p.notes.isEmpty() ? QStringLiteral("new version") : p.notes.left(200);
        if (Status s = writeAudit(c, {}, actor, QStringLiteral("prompt.create"), {}, versionJson(p.name, version),
                                  detail, nowMs);
            !s)
            return s.error();
        if (Status s = tx.commit(); !s)
            return s.error();
        return version;
    }
}

Result<llm::PromptVersion> PromptRepository::activate(Connection &c, const QString &name, int version,
                                                      const QString &actor, qint64 nowMs)
{
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto target = get(c, name, version);
    if (!target)
        return target.error();
    auto before = c.exec("SELECT version FROM prompt_versions WHERE name = $1 AND active = 1", {name});
    if (!before)
        return before.error();
    const int was = before->isEmpty() ? 0 : int(before->int64(0, 0));
    if (auto off = c.exec("UPDATE prompt_versions SET active = 0 WHERE name = $1 AND version <> $2", {name, version});
        !off)
        return off.error();
    if (auto on = c.exec("UPDATE prompt_versions SET active = 1 WHERE name = $1 AND version = $2", {name, version});
        !on)
        return on.error();
    if (Status s = writeAudit(c, {}, actor, QStringLiteral("prompt.activate"), was ? versionJson(name, was) : QString(),
                              versionJson(name, version), QStringLiteral("version %1 active").arg(version), nowMs);
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    target->active = true;
    return target;
}

} // namespace salesflow::store
