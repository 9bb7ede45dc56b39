#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace salesflow::store {

/// PostgreSQL array literals for `unnest($n::text[])`-style batch statements: one statement
/// carries a whole batch, so a group commit costs a few round trips, not one per row.
QString pgTextArray(const QList<QString> &values);
QString pgByteaArray(const QList<QByteArray> &values);
QString pgIntArray(const QList<qint64> &values);

} // namespace salesflow::store
