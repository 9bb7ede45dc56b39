#pragma once

#include "engine/api/iengine.h"

#include <QHash>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace salesflow::test {

/// The store the engine suites run on this time: "sqlite" or "postgres". Engine test
/// executables run every suite once per backend (tests/engine/main.cpp).
QString backend();
void setBackend(const QString &name);
bool isPostgres();

/// The bytes of resources/samples/NAME (fatal when missing).
QByteArray sampleFile(const QString &name);

/// The caller the engine suites act as: an operator at the command line, admin.
inline Caller caller()
{
    return Caller::cli(QStringLiteral("test"));
}

/// Every file of resources/samples as an item: the source is the file-name prefix, the content
/// type follows the extension. `names` (optional) gets the file names in the same order.
QList<IngestItem> sampleItems(QStringList *names = nullptr);
/// Ingests every sample as test::caller() and waits; answers file name -> event id (fatal when
/// the store refuses them).
QHash<QString, QString> ingestSamples(IEngine &engine);

/// A new API token made through the engine, as an admin would (fatal when refused).
QByteArray createToken(IEngine &engine, const QString &name, Role role);

/// A fresh, empty database URL on the current backend, unique per call.
QString freshDbUrl(const QString &tag);

} // namespace salesflow::test
