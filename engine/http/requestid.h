#pragma once

#include "transport/httptransport.h"

#include <QString>

namespace salesflow::http {

/// The id of one request in logs and in its answer's X-Request-Id: the caller's X-Request-Id
/// when it is 1–128 characters of [A-Za-z0-9._:-] (a proxy's or a client's own, so both sides
/// log the same id), else 16 random hex digits. Never fails.
QString requestIdOf(const HttpHead &head);

/// The trace id of a W3C `traceparent` header (version 00: 32 lowercase hex digits, not all
/// zeros); empty when there is none or it is malformed.
QString traceIdOf(const HttpHead &head);

} // namespace salesflow::http
