#include "tokenrepository.h"

#include "../core/ids.h"

namespace salesflow::store {

Result<QByteArray> TokenRepository::create(Connection &c, const QString &name, Role role, const QString &actor,
                                           qint64 nowMs)
{
    if (name.trimmed().isEmpty())
        return makeError("token.name", QStringLiteral("a token needs a non-empty --name"), 400);
    const QByteArray token = "sft_" + ids::randomToken(32);
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto r = c.exec("INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES ($1, $2, $3, $4)",
                    {name, roleName(role), QString::fromLatin1(ids::sha256Hex(token)), nowMs});
    if (!r)
        return r.error();
    auto a = c.exec("INSERT INTO audit_logs (actor, action, after_state, detail, at)"
                    " VALUES ($1, 'token.create', $2, $3, $4)",
                    {actor, roleName(role), QStringLiteral("token %1").arg(name), nowMs});
    if (!a)
        return a.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return token;
}

Result<int> TokenRepository::revoke(Connection &c, const QString &name, const QString &actor, qint64 nowMs)
{
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto r = c.exec("UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL", {nowMs, name});
    if (!r)
        return r.error();
    if (r->affected == 0)
        return makeError("token.not_found", QStringLiteral("no active token named '%1'").arg(name), 404);
    auto a = c.exec("INSERT INTO audit_logs (actor, action, before_state, after_state, detail, at)"
                    " VALUES ($1, 'token.revoke', 'active', 'revoked', $2, $3)",
                    {actor, QStringLiteral("token %1").arg(name), nowMs});
    if (!a)
        return a.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return int(r->affected);
}

Result<QList<TokenInfo>> TokenRepository::list(Connection &c)
{
    auto r = c.exec("SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY id DESC");
    if (!r)
        return r.error();
    QList<TokenInfo> out;
    for (int i = 0; i < r->size(); ++i)
        out.append(TokenInfo{r->text(i, 0), roleFromName(r->text(i, 1)).value_or(Role::Ingest), r->int64(i, 2),
                             r->int64(i, 3)});
    return out;
}

Result<QString> TokenRepository::revocationMarker(Connection &c)
{
    auto r = c.exec("SELECT count(revoked_at), COALESCE(MAX(revoked_at), 0) FROM api_tokens");
    if (!r)
        return r.error();
    return QString(r->text(0, 0) + QLatin1Char(':') + r->text(0, 1));
}

Result<Caller> TokenRepository::lookup(Connection &c, const QByteArray &token)
{
    auto r = c.exec("SELECT name, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
                    {QString::fromLatin1(ids::sha256Hex(token))});
    if (!r)
        return r.error();
    if (r->isEmpty())
        return makeError("auth.bad_token", QStringLiteral("unknown or revoked API token"), 401);
    const auto role = roleFromName(r->text(0, 1));
    if (!role)
        return makeError("auth.bad_token", QStringLiteral("token has an unknown role"), 401);
    return Caller::token(r->text(0, 0), *role);
}

} // namespace salesflow::store
