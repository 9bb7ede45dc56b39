#pragma once

#include "sql.h"

namespace salesflow::store {

/// Applies the versioned SQL files of `migrations/` (compiled in as resources). The schema
/// version lives in the database (`schema_migrations`). Migrations are additive (new tables,
/// columns with defaults, indexes; tests/deploy checks it), so a binary runs on a schema one
/// version newer than it knows: during a rolling upgrade the previous release keeps serving
/// beside the new one. A database newer still is refused with a clear message. Several
/// processes may migrate at once: PostgreSQL serialises them with an advisory lock, SQLite
/// with its write lock.
class Migrator
{
public:
    /// The newest version this binary knows.
    static int latestVersion();
    /// The version the database is at (0: empty).
    static Result<int> currentVersion(Connection &c);
    /// Brings the database to latestVersion() (a database one version newer is left as it is);
    /// returns how many migrations were applied.
    static Result<int> migrate(Connection &c);
    /// Applies the migrations up to `version` only (tests write databases of older schemas).
    static Result<int> migrate(Connection &c, int version);
    /// OK when the database is at latestVersion() or one newer (a rolling upgrade under way).
    static Status check(Connection &c);
};

} // namespace salesflow::store
