#pragma once

#include "httptransport.h"

#include <optional>

namespace salesflow::http {

/// A refusal the transport writes itself (problem+json), closing the connection after it.
HttpResponse refusal(int status, const char *title, const QString &detail);

/// What RFC 9112 says a server must refuse and libmicrohttpd 0.9.75 lets through, so a proxy in
/// front could frame the request differently (request smuggling): header names that are not
/// tokens (a space before the colon), more than one Content-Length or Transfer-Encoding, both at
/// once, a Content-Length that is not a number, a transfer coding other than chunked, and an
/// HTTP/1.x (x ≥ 1) request without Host. Checked on the head, before any body byte is read.
std::optional<HttpResponse> ambiguousFraming(const HttpHead &head, const QByteArray &version);

/// Splits a raw request target into its path and query (without '?'), both still
/// percent-encoded; an absolute-form target loses its scheme and authority.
void splitTarget(const QByteArray &target, QByteArray *path, QByteArray *query);

} // namespace salesflow::http
