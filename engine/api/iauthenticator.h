#pragma once

#include "caller.h"
#include "result.h"
#include "types.h"

#include <QByteArray>
#include <QFuture>

namespace salesflow {

/// Turns a bearer credential into a Caller. Only the server side needs it (the HTTP API in
/// salesflowd), so it is not part of IEngine: the UI never authenticates anyone.
class IAuthenticator
{
public:
    virtual ~IAuthenticator() = default;

    /// Resolves an API token; Error 401 `auth.bad_token` when unknown or revoked (a revoked token
    /// is refused from the moment it is revoked in this process, within a quarter second in the
    /// others on the same store), 503 when the store cannot be asked.
    virtual QFuture<Result<Caller>> authenticate(QByteArray token) = 0;

    /// A user's login from `address`: a session token that authenticate() accepts until it
    /// expires. 401 `auth.login` for a wrong name or password (never saying which), a disabled
    /// user or an unknown one; 429 `auth.throttled` with retryAfterMs after repeated failures for
    /// the user or from the address (counted across every process on the store).
    virtual QFuture<Result<Session>> login(QString user, QByteArray password, QString address) = 0;
};

} // namespace salesflow
