#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// API tokens: only a SHA-256 of each token is stored; the token itself is shown once.
class TokenRepository
{
public:
    /// Creates a token and returns it in clear (the only time it exists outside the caller).
    static Result<QByteArray> create(Connection &c, const QString &name, Role role, const QString &actor, qint64 nowMs);
    /// The caller of an active token; Error 401 `auth.bad_token` when unknown or revoked.
    static Result<Caller> lookup(Connection &c, const QByteArray &token);
    /// Revokes every active token named `name` (audited); Error 404 `token.not_found` when none.
    static Result<int> revoke(Connection &c, const QString &name, const QString &actor, qint64 nowMs);
    /// Every token by name, newest first (never the tokens: only their hashes are stored).
    static Result<QList<TokenInfo>> list(Connection &c);
    /// Changes whenever any token is revoked: caches compare it to know their answers still hold.
    static Result<QString> revocationMarker(Connection &c);
};

} // namespace salesflow::store
