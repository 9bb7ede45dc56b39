#pragma once

#include "sql.h"

namespace salesflow::store {

/// Applies the versioned SQL files of `migrations/` (compiled in as resources). The schema
/// version lives in the database (`schema_migrations`); a database newer than this binary is
/// refused with a clear message. Several processes may migrate at once: PostgreSQL serialises
/// them with an advisory lock, SQLite with its write lock.
class Migrator
{
public:
    /// The newest version this binary knows.
    static int latestVersion();
    /// The version the database is at (0: empty).
    static Result<int> currentVersion(Connection &c);
    /// Brings the database to latestVersion(); returns how many migrations were applied.
    static Result<int> migrate(Connection &c);
    /// Applies the migrations up to `version` only (tests write databases of older schemas).
    static Result<int> migrate(Connection &c, int version);
    /// OK when the database is exactly at latestVersion().
    static Status check(Connection &c);
};

} // namespace salesflow::store
