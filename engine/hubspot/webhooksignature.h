#pragma once

#include "../api/result.h"

#include <QByteArray>

namespace salesflow::hubspot {

/// HubSpot webhook signature v3 (reference/hubspot/NOTES.md §10): base64 HMAC-SHA256, keyed with
/// the app's client secret, over method + uri + raw body + timestamp (epoch ms, as sent).
QByteArray signatureV3(const QByteArray &secret, const QByteArray &method, const QByteArray &uri,
                       const QByteArray &body, const QByteArray &timestamp);

/// The URI as HubSpot signs it: only the listed percent-escapes (%3A, %2F, ...) are decoded.
QByteArray canonicalUri(const QByteArray &uri);

/// Checks a delivery: a 401 Error when the signature is missing or wrong, or the timestamp is
/// older than 5 minutes. Compares in constant time.
Status verifyV3(const QByteArray &secret, const QByteArray &method, const QByteArray &uri, const QByteArray &body,
                const QByteArray &timestamp, const QByteArray &signature, qint64 nowMs);

} // namespace salesflow::hubspot
