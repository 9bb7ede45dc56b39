#include "engines.h"

#include "testbackend.h"

#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/store/database.h"
#include "engine/store/migrator.h"

namespace salesflow::test {

std::shared_ptr<store::Database> openDb(const QString &tag, bool migrate)
{
    auto db = store::Database::open(freshDbUrl(tag));
    if (!db)
        qFatal("open: %s", qPrintable(db.error().message));
    if (migrate) {
        auto c = db.value()->acquire();
        auto applied = c ? store::Migrator::migrate(*c.value()) : Result<int>(c.error());
        if (!applied)
            qFatal("migrate: %s", qPrintable(applied.error().message));
    }
    return db.value();
}

QStringList allStages()
{
    return {QStringLiteral("normalise"), QStringLiteral("enrich"), QStringLiteral("plan"), QStringLiteral("write")};
}

std::unique_ptr<LocalEngine> openEngine(Config config, const QString &tag, const QStringList &stages)
{
    LocalEngine::Options o;
    if (config.dbUrl.isEmpty())
        config.dbUrl = freshDbUrl(tag);
    o.config = config;
    if (!stages.isEmpty()) {
        auto built = pipeline::builtStages(o.config);
        if (!built)
            qFatal("stages: %s", qPrintable(built.error().message));
        for (const auto &stage : built.value()) {
            if (stages.contains(stage->name()))
                o.stages.push_back(stage);
        }
    }
    auto e = LocalEngine::open(o);
    if (!e)
        qFatal("engine: %s", qPrintable(e.error().message));
    return std::move(e).value();
}

qint64 count(store::Connection &c, const QByteArray &sql, const QVariantList &params)
{
    auto r = c.exec(sql, params);
    if (!r)
        qFatal("%s: %s", sql.constData(), qPrintable(r.error().message));
    return r->int64(0, 0);
}

QByteArray dump(store::Connection &c, const QByteArray &label, const QByteArray &sql)
{
    auto rows = c.exec(sql);
    if (!rows)
        qFatal("%s: %s", sql.constData(), qPrintable(rows.error().message));
    QByteArray out;
    for (int i = 0; i < rows->size(); ++i) {
        QStringList cells;
        for (int col = 0; col < rows->columns(); ++col)
            cells << rows->text(i, col);
        out += label + " | " + cells.join(QStringLiteral(" | ")).toUtf8() + '\n';
    }
    return out;
}

qint64 count(store::Database &db, const QByteArray &sql, const QVariantList &params)
{
    auto c = db.acquire();
    auto r = c ? c.value()->exec(sql, params) : Result<store::Rows>(c.error());
    if (!r && c && c.value()->broken()) { // a pooled connection from before a database restart
        auto fresh = db.connect();
        if (fresh)
            r = fresh.value()->exec(sql, params);
    }
    if (!r)
        qFatal("%s: %s", sql.constData(), qPrintable(r.error().message));
    return r->int64(0, 0);
}

qint64 count(LocalEngine &e, const QByteArray &sql, const QVariantList &params)
{
    return count(*e.database(), sql, params);
}

} // namespace salesflow::test
