#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace salesflow::store {

/// PostgreSQL array literals for `unnest($n::text[])`-style batch statements: one statement
/// carries a whole batch, so a group commit costs a few round trips, not one per row.
QString pgTextArray(const QList<QString> &values);
/// A bytea[] in PostgreSQL's binary array format, sent as a binary parameter: no hex encoding
/// here and no text parsing in the server (most of the ingest statement's cost otherwise).
QByteArray pgByteaArrayBinary(const QList<QByteArray> &values);
QString pgByteaArray(const QList<QByteArray> &values);
QString pgIntArray(const QList<qint64> &values);

} // namespace salesflow::store
