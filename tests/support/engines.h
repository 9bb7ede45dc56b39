#pragma once

#include "engine/core/config.h"

#include <QStringList>
#include <QVariantList>

#include <memory>

namespace salesflow {
class LocalEngine;
}
namespace salesflow::store {
class Connection;
class Database;
} // namespace salesflow::store

namespace salesflow::test {

/// A fresh database on the current backend, migrated unless `migrate` is false. Fatal on failure.
std::shared_ptr<store::Database> openDb(const QString &tag, bool migrate = true);

/// Every stage of the pipeline, in order.
QStringList allStages();

/// LocalEngine on `config` — on its dbUrl, or on a fresh database named after `tag` when that is
/// empty — running the configured stages named in `stages` (none: ingest and reads only, no
/// workers). Fatal on failure.
std::unique_ptr<LocalEngine> openEngine(Config config, const QString &tag, const QStringList &stages = {});

/// The first column of the first row (typically a count). A pooled connection that died with a
/// database restart is retried once on a fresh one. Fatal on a query error.
qint64 count(store::Connection &c, const QByteArray &sql, const QVariantList &params = {});
qint64 count(store::Database &db, const QByteArray &sql, const QVariantList &params = {});
qint64 count(LocalEngine &e, const QByteArray &sql, const QVariantList &params = {});

/// Every row of a query as text, one line a row (cells joined by " | "), prefixed by `label`:
/// for comparing tables before and after. Fatal on a query error.
QByteArray dump(store::Connection &c, const QByteArray &label, const QByteArray &sql);

} // namespace salesflow::test
