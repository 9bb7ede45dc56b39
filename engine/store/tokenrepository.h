#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// API tokens: only a SHA-256 of each token is stored; the token itself is shown once.
class TokenRepository
{
public:
    /// Creates a token and returns it in clear (the only time it exists outside the caller).
    static Result<QByteArray> create(Connection &c, const QString &name, Role role, qint64 nowMs);
    static Result<Principal> lookup(Connection &c, const QByteArray &token);
};

} // namespace salesflow::store
