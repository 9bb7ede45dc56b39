#pragma once

#include "../api/result.h"

#include <QByteArray>

namespace salesflow::http {

/// RFC 9457 problem+json body for an Error: type, title, status, detail (+ code).
QByteArray problemJson(const Error &e);
QByteArray reasonPhrase(int status);

} // namespace salesflow::http
