#include "testbackend.h"

#include <QFile>

#include "pgserver.h"

#include "engine/sources/intake.h"

#include <QDir>

#include <atomic>

namespace salesflow::test {

namespace {
QString g_backend = QStringLiteral("sqlite");
std::atomic<int> g_counter{0};

QTemporaryDir &sqliteDir()
{
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/salesflow-test-XXXXXX"));
    return dir;
}
} // namespace

QString backend()
{
    return g_backend;
}

void setBackend(const QString &name)
{
    g_backend = name;
}

bool isPostgres()
{
    return g_backend == QLatin1String("postgres");
}

QString freshDbUrl(const QString &tag)
{
    const QString name = QStringLiteral("t%1_%2").arg(++g_counter).arg(tag.toLower());
    if (isPostgres())
        return PgServer::shared()->createDatabase(name);
    return QStringLiteral("sqlite://") + sqliteDir().path() + QLatin1Char('/') + name + QStringLiteral(".db");
}

QByteArray createToken(IEngine &engine, const QString &name, Role role)
{
    auto f = engine.createToken(caller(), name, role);
    f.waitForFinished();
    if (!f.result())
        qFatal("cannot create token %s: %s", qPrintable(name), qPrintable(f.result().error().message));
    return f.result().value();
}

QList<IngestItem> sampleItems(QStringList *names)
{
    QList<IngestItem> items;
    const QDir dir(QStringLiteral(SALESFLOW_SAMPLES_DIR));
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        items.append(
            IngestItem{name.section(QLatin1Char('-'), 0, 0), sources::contentTypeForFile(name), sampleFile(name), {}});
        if (names)
            names->append(name);
    }
    return items;
}

QHash<QString, QString> ingestSamples(IEngine &engine)
{
    QStringList names;
    auto f = engine.ingest(caller(), sampleItems(&names));
    f.waitForFinished();
    const auto r = f.result();
    if (!r)
        qFatal("samples refused: %s", qPrintable(r.error().message));
    QHash<QString, QString> ids;
    for (qsizetype i = 0; i < r->size() && i < names.size(); ++i) {
        if (r->at(i).ok())
            ids.insert(names[i], r->at(i)->id);
    }
    return ids;
}

QByteArray sampleFile(const QString &name)
{
    QFile f(QStringLiteral(SALESFLOW_SAMPLES_DIR "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no sample %s", qPrintable(name));
    return f.readAll();
}

} // namespace salesflow::test
