#include "userrepository.h"

namespace salesflow::store {

namespace {

Status audit(Connection &c, const QString &actor, const char *action, const QString &before, const QString &after,
             const QString &detail, qint64 now)
{
    auto r = c.exec("INSERT INTO audit_logs (actor, action, before_state, after_state, detail, at)"
                    " VALUES ($1, $2, $3, $4, $5, $6)",
                    {actor, QString::fromLatin1(action), before.isEmpty() ? QVariant() : QVariant(before),
                     after.isEmpty() ? QVariant() : QVariant(after), detail, now});
    if (!r)
        return r.error();
    return Done{};
}

Error notFound(const QString &name)
{
    return makeError("user.not_found", QStringLiteral("no user named '%1'").arg(name), 404);
}

} // namespace

Status UserRepository::add(Connection &c, const QString &name, Role role, const QString &passwordHash,
                           const QString &actor, qint64 now)
{
    return inTransaction(c, [&]() -> Status {
        auto taken = c.exec("SELECT count(*) FROM users WHERE name = $1", {name});
        if (!taken)
            return taken.error();
        if (taken->int64(0, 0) > 0)
            return makeError("user.exists", QStringLiteral("a user named '%1' exists already").arg(name), 409);
        auto r = c.exec("INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)",
                        {name, roleName(role), passwordHash, now});
        if (!r)
            return r.error();
        return audit(c, actor, "user.add", {}, roleName(role), QStringLiteral("user %1").arg(name), now);
    });
}

Result<QList<UserInfo>> UserRepository::list(Connection &c)
{
    auto r = c.exec("SELECT name, role, created_at, disabled_at FROM users ORDER BY name");
    if (!r)
        return r.error();
    QList<UserInfo> out;
    for (int i = 0; i < r->size(); ++i)
        out.append(UserInfo{r->text(i, 0), roleFromName(r->text(i, 1)).value_or(Role::Viewer), r->int64(i, 2),
                            r->int64(i, 3)});
    return out;
}

Result<std::optional<UserRecord>> UserRepository::find(Connection &c, const QString &name)
{
    auto r = c.exec("SELECT name, role, password_hash, disabled_at FROM users WHERE name = $1", {name});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return std::optional<UserRecord>();
    return std::optional<UserRecord>(UserRecord{r->text(0, 0), roleFromName(r->text(0, 1)).value_or(Role::Viewer),
                                                r->text(0, 2), r->int64(0, 3) != 0});
}

Status UserRepository::disable(Connection &c, const QString &name, const QString &actor, qint64 now)
{
    return inTransaction(c, [&]() -> Status {
        auto r = c.exec("UPDATE users SET disabled_at = $1 WHERE name = $2 AND disabled_at IS NULL", {now, name});
        if (!r)
            return r.error();
        if (r->affected == 0) {
            auto exists = find(c, name);
            if (!exists)
                return exists.error();
            if (!exists.value())
                return notFound(name);
            return Done{}; // already disabled
        }
        if (auto d = c.exec("DELETE FROM sessions WHERE user_name = $1", {name}); !d)
            return d.error();
        return audit(c, actor, "user.disable", QStringLiteral("active"), QStringLiteral("disabled"),
                     QStringLiteral("user %1").arg(name), now);
    });
}

Status UserRepository::setPasswordHash(Connection &c, const QString &name, const QString &passwordHash,
                                       const QString &actor, qint64 now)
{
    return inTransaction(c, [&]() -> Status {
        auto r = c.exec("UPDATE users SET password_hash = $1 WHERE name = $2", {passwordHash, name});
        if (!r)
            return r.error();
        if (r->affected == 0)
            return notFound(name);
        if (auto d = c.exec("DELETE FROM sessions WHERE user_name = $1", {name}); !d)
            return d.error();
        return audit(c, actor, "user.password", {}, {},
                     QStringLiteral("user %1: password changed, sessions ended").arg(name), now);
    });
}

Status UserRepository::createSession(Connection &c, const QString &user, const QByteArray &tokenHash,
                                     qint64 expiresAtMs, qint64 now)
{
    return inTransaction(c, [&]() -> Status {
        auto r = c.exec("INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                        {QString::fromLatin1(tokenHash), user, now, expiresAtMs});
        if (!r)
            return r.error();
        return audit(c, QStringLiteral("user:") + user, "session.create", {}, {}, QStringLiteral("logged in"), now);
    });
}

Result<Caller> UserRepository::session(Connection &c, const QByteArray &tokenHash, qint64 now)
{
    auto r = c.exec("SELECT s.user_name, u.role, s.expires_at, u.disabled_at FROM sessions s"
                    " JOIN users u ON u.name = s.user_name WHERE s.token_hash = $1",
                    {QString::fromLatin1(tokenHash)});
    if (!r)
        return r.error();
    if (r->isEmpty() || r->int64(0, 3) != 0)
        return makeError("auth.bad_token", QStringLiteral("unknown or ended session; log in again"), 401);
    if (r->int64(0, 2) <= now)
        return makeError("auth.session_expired", QStringLiteral("the session expired; log in again"), 401);
    return Caller::user(r->text(0, 0), roleFromName(r->text(0, 1)).value_or(Role::Viewer));
}

Result<QPair<qint64, qint64>> UserRepository::failures(Connection &c, const QString &subject, qint64 since)
{
    auto r = c.exec("SELECT count(*), COALESCE(MIN(at), 0) FROM login_failures WHERE subject = $1 AND at >= $2",
                    {subject, since});
    if (!r)
        return r.error();
    return qMakePair(r->int64(0, 0), r->int64(0, 1));
}

Status UserRepository::recordFailure(Connection &c, const QStringList &subjects, qint64 now)
{
    return inTransaction(c, [&]() -> Status {
        for (const QString &s : subjects) {
            if (auto r = c.exec("INSERT INTO login_failures (subject, at) VALUES ($1, $2)", {s, now}); !r)
                return r.error();
        }
        if (auto r = c.exec("DELETE FROM login_failures WHERE at < $1", {now - 24 * 3600 * 1000LL}); !r)
            return r.error();
        return Done{};
    });
}

Status UserRepository::clearFailures(Connection &c, const QString &subject)
{
    auto r = c.exec("DELETE FROM login_failures WHERE subject = $1", {subject});
    if (!r)
        return r.error();
    return Done{};
}

} // namespace salesflow::store
