#pragma once

#include "../api/types.h"

#include <QJsonObject>

namespace salesflow::http {

/// The API's JSON shapes for the engine's plain types (timestamps as ISO 8601 UTC).
QString isoTime(qint64 ms);
QJsonObject toJson(const EventSummary &e);
QJsonObject toJson(const EventDetail &d);
QJsonObject toJson(const AuditEntry &a);
QJsonObject toJson(const EnrichmentInfo &e);
QJsonObject toJson(const Stats &s);

} // namespace salesflow::http
