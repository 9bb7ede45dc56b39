#pragma once

#include "../api/result.h"
#include "../api/types.h"

namespace salesflow::sources {

/// The six sources of the contract.
bool isKnownSource(const QString &source);
QStringList knownSources();

/// What the door does before storing: checks the content type (415) and that the payload is
/// well-formed for it (400), and computes the dedup key: the Idempotency-Key header, else the
/// source's natural id (email Message-ID, Segment messageId, form submission id, HubSpot's
/// composite key), else a SHA-256 of the payload. Keys are prefixed by source.
Result<QString> admit(const IngestItem &item);

/// A HubSpot delivery is an array of subscription events; each element becomes its own event
/// (HubSpot re-delivers and reorders, so dedup is per element). Other payloads pass through.
Result<QList<IngestItem>> explode(const IngestItem &item);

/// Splits a `/batch` body (a JSON array) into items: an object is a JSON payload, a string is
/// the raw body of a text source (email: message/rfc822, transcript: WebVTT or SRT).
Result<QList<IngestItem>> splitBatch(const QString &source, const QByteArray &body);

/// The content type a file of raw events is sent with, by its extension (.eml, .vtt, .srt,
/// .urlencoded; anything else JSON): used to seed and import sample files.
QByteArray contentTypeForFile(const QString &fileName);

/// The bare media type, lower-case, without parameters.
QByteArray mediaType(const QByteArray &contentType);

} // namespace salesflow::sources
