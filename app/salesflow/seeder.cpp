#include "seeder.h"

#include "engine/sources/intake.h"

#include <QDir>
#include <QFile>

namespace salesflow::app {

QList<IngestItem> sampleEvents()
{
    QList<IngestItem> items;
    const QDir dir(QStringLiteral(":/samples"));
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        items.append(
            IngestItem{name.section(QLatin1Char('-'), 0, 0), sources::contentTypeForFile(name), f.readAll(), {}});
    }
    return items;
}

QFuture<Result<int>> seedIfEmpty(IEngine *engine, const Caller &caller)
{
    return engine->stats(caller).then([engine, caller](const Result<Stats> &stats) -> Result<int> {
        if (!stats)
            return stats.error();
        if (stats->total > 0)
            return 0;
        auto f = engine->ingest(caller, sampleEvents());
        f.waitForFinished(); // on the future's own worker thread, never the GUI thread
        const auto r = f.result();
        if (!r)
            return r.error();
        int stored = 0;
        for (const auto &one : r.value()) {
            if (!one)
                return Error{one.error().code,
                             QStringLiteral("a sample event was refused: %1").arg(one.error().message), 500};
            stored += one->duplicate ? 0 : 1;
        }
        return stored;
    });
}

} // namespace salesflow::app
