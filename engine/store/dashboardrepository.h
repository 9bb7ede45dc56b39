#pragma once

#include "../api/dashboardtypes.h"
#include "sql.h"

namespace salesflow::store {

/// The dashboard's figures since a time, each one grouped query (a few index range scans over the
/// window; nothing here reads payloads). Buckets are UTC hours and days.
class DashboardRepository
{
public:
    static Result<Dashboard> read(Connection &c, qint64 sinceMs, qint64 nowMs);
};

} // namespace salesflow::store
