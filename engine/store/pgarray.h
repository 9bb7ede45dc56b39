#pragma once

#include <QByteArray>
#include <QJsonArray>
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

/// `SELECT <columns> FROM` a JSON array of row objects (keys named like `columns`) given as $1:
/// json_populate_recordset on PostgreSQL (typed by `table`'s row type), json_each on SQLite. For
/// `INSERT INTO table (columns) ` + this: one statement for many rows of many columns.
QByteArray jsonRowsSelect(bool postgres, const QByteArray &table, const QByteArray &columns);
/// The $1 of jsonRowsSelect: `rows` as compact JSON, U+0000 in any string kept visible as
/// U+FFFD (as text parameters do: PostgreSQL text cannot hold it and refuses its escape).
QString jsonRowsParam(const QJsonArray &rows);

} // namespace salesflow::store
