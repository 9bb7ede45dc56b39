#pragma once

#include "../api/types.h"
#include "sql.h"

namespace salesflow::store {

/// A user as the login needs it.
struct UserRecord
{
    QString name;
    Role role = Role::Viewer;
    QString passwordHash; ///< argon2id string (core/password.h); never leaves the engine
    bool disabled = false;
};

/// users, sessions and login_failures. Every change is audited by the caller's actor, with no
/// secret in the entry. Each call that writes is its own transaction.
class UserRepository
{
public:
    /// Error 409 `user.exists` when the name is taken (disabled users keep their name).
    static Status add(Connection &c, const QString &name, Role role, const QString &passwordHash, const QString &actor,
                      qint64 nowMs);
    static Result<QList<UserInfo>> list(Connection &c);
    /// Empty when there is no such user.
    static Result<std::optional<UserRecord>> find(Connection &c, const QString &name);
    /// Disables the user and ends their sessions; 404 `user.not_found`.
    static Status disable(Connection &c, const QString &name, const QString &actor, qint64 nowMs);
    /// Replaces the password hash and ends the user's sessions; 404 `user.not_found`.
    static Status setPasswordHash(Connection &c, const QString &name, const QString &passwordHash, const QString &actor,
                                  qint64 nowMs);

    /// A session for `user`, stored as the hash of `token`.
    static Status createSession(Connection &c, const QString &user, const QByteArray &tokenHash, qint64 expiresAtMs,
                                qint64 nowMs);
    /// The caller of a session token (by its hash): 401 `auth.bad_token` when unknown or its
    /// user disabled, 401 `auth.session_expired` when it expired.
    static Result<Caller> session(Connection &c, const QByteArray &tokenHash, qint64 nowMs);

    /// Failed logins of a subject ("user:NAME", "addr:ADDRESS") since `sinceMs`, and the oldest.
    static Result<QPair<qint64, qint64>> failures(Connection &c, const QString &subject, qint64 sinceMs);
    static Status recordFailure(Connection &c, const QStringList &subjects, qint64 nowMs);
    static Status clearFailures(Connection &c, const QString &subject);
};

} // namespace salesflow::store
