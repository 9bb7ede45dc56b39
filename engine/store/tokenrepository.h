#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// API tokens: only a SHA-256 of each token is stored; the token itself is shown once.
class TokenRepository
{
public:
    /// Creates a token and returns it in clear (the only time it exists outside the caller).
    static Result<QByteArray> create(Connection &c, const QString &name, Role role, const QString &actor,
                                     qint64 nowMs);
    static Result<Caller> lookup(Connection &c, const QByteArray &token);
};

} // namespace salesflow::store
