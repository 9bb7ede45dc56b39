#pragma once

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

/// A fresh, empty database URL on the current backend, unique per call.
QString freshDbUrl(const QString &tag);

} // namespace salesflow::test
