// salesflowd import FILE --source SOURCE: JSON lines, one event a line, ingested in chunks.
#include "command.h"

#include <QFile>

namespace salesflow::cli {

namespace {

const char *kUsage = "import FILE --source SOURCE [--db URL]";

struct Tally
{
    qint64 added = 0, duplicates = 0, rejected = 0;
};

/// Ingests one chunk and counts its answers; false when the store refused the whole chunk.
bool ingestChunk(LocalEngine &engine, const QList<IngestItem> &chunk, const QList<qint64> &lines, Tally &tally)
{
    const auto r = await(engine.ingest(operatorCaller(), chunk));
    if (!r) {
        err(r.error().message);
        return false;
    }
    for (qsizetype i = 0; i < r->size(); ++i) {
        const auto &one = r->at(i);
        if (!one) {
            ++tally.rejected;
            err(QStringLiteral("line %1: %2").arg(lines.value(i, 0)).arg(one.error().message));
        } else {
            one->duplicate ? ++tally.duplicates : ++tally.added;
        }
    }
    return true;
}

/// Reads `f` line by line and ingests it in chunks of 500; false when the store failed.
bool importLines(LocalEngine &engine, QFile &f, const QString &source, Tally &tally)
{
    QList<IngestItem> chunk;
    QList<qint64> lines;
    qint64 line = 0;
    while (!f.atEnd()) {
        const QByteArray l = f.readLine().trimmed();
        ++line;
        if (l.isEmpty())
            continue;
        chunk.append(IngestItem{source, "application/json", l, {}});
        lines.append(line);
        if (chunk.size() >= 500) {
            if (!ingestChunk(engine, chunk, lines, tally))
                return false;
            chunk.clear();
            lines.clear();
        }
    }
    return chunk.isEmpty() || ingestChunk(engine, chunk, lines, tally);
}

} // namespace

int import(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("source"), QStringLiteral("source of every line"), QStringLiteral("SOURCE")});
    p.addPositionalArgument(QStringLiteral("file"), QStringLiteral("JSON lines, one event a line"));
    if (!parse(p, args, kUsage))
        return 2;
    if (p.positionalArguments().size() != 1 || p.value(QStringLiteral("source")).isEmpty()) {
        err(QStringLiteral("usage: salesflowd %1").arg(QLatin1String(kUsage)));
        return 2;
    }
    QFile f(p.positionalArguments().first());
    if (!f.open(QIODevice::ReadOnly)) {
        err(QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        return 1;
    }
    auto engine = openEngine(configFrom(p), true);
    if (!engine)
        return 1;
    Tally tally;
    if (!importLines(*engine, f, p.value(QStringLiteral("source")), tally))
        return 1;
    engine->stop();
    out(QStringLiteral("imported %1 new, %2 duplicate, %3 rejected")
            .arg(tally.added)
            .arg(tally.duplicates)
            .arg(tally.rejected));
    return tally.rejected ? 1 : 0;
}

} // namespace salesflow::cli
