#include "testbackend.h"

#include <QFile>

#include "pgserver.h"

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

QByteArray sampleFile(const QString &name)
{
    QFile f(QStringLiteral(SALESFLOW_SAMPLES_DIR "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no sample %s", qPrintable(name));
    return f.readAll();
}

} // namespace salesflow::test
