#pragma once

#include "../api/result.h"

#include <QByteArray>

namespace salesflow::http {

/// Decodes a `Content-Encoding: gzip` body (RFC 1952; several members in a row are one body),
/// stopping as soon as the output passes `limit`: a 1 KB bomb that inflates to gigabytes costs
/// at most `limit` bytes. Errors: 413 `request.too_large` past the limit, 400 `request.gzip`
/// when the bytes are not gzip or are cut short.
Result<QByteArray> gunzip(const QByteArray &compressed, qint64 limit);

} // namespace salesflow::http
