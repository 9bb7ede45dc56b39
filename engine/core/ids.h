#pragma once

#include <QByteArray>
#include <QString>

namespace salesflow::ids {

/// A time-ordered id (UUIDv7 layout, RFC 9562): sorts by creation time, so keyset pages by id
/// are pages in arrival order, on both SQLite and PostgreSQL.
QString newEventId();

/// True when `text` has the shape of an id newEventId() gives (lower-case 8-4-4-4-12 hex): a
/// cursor or id from a client is checked before it is used as a position.
bool isEventId(const QString &text);

/// The smallest id that newEventId() can give at `ms`: time ranges become id ranges.
QString lowerBound(qint64 ms);

/// `bytes` random bytes from the system CSPRNG, base64url without padding.
QByteArray randomToken(int bytes);

/// Lower-case hex SHA-256.
QByteArray sha256Hex(const QByteArray &data);
/// True when the two are the same bytes, compared in constant time (signatures, secrets): the
/// time taken says nothing about where they first differ.
bool sameInConstantTime(const QByteArray &a, const QByteArray &b);

} // namespace salesflow::ids
