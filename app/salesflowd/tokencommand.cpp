// salesflowd token create|revoke: API tokens. `create` prints the new token once, alone on stdout
// (scripts capture it); `revoke NAME` stops every active token of that name at once.
#include "command.h"

namespace salesflow::cli {

namespace {

const char *kUsage
    = "token create --name NAME --role ingest|viewer|reviewer|admin | token list | token revoke NAME [--db URL]";

int create(const QCommandLineParser &p)
{
    const auto role = roleFromName(p.value(QStringLiteral("role")));
    if (!role || p.value(QStringLiteral("name")).isEmpty()) {
        err(QStringLiteral("token create needs --name NAME and --role ingest|viewer|reviewer|admin"));
        return 2;
    }
    auto engine = openEngine(configFrom(p));
    if (!engine)
        return 1;
    auto t = await(engine->createToken(operatorCaller(), p.value(QStringLiteral("name")), *role));
    if (!t) {
        err(t.error().message);
        return exitCodeFor(t.error());
    }
    out(QString::fromLatin1(t.value()));
    return 0;
}

int list(const QCommandLineParser &p)
{
    auto engine = openEngine(configFrom(p));
    if (!engine)
        return 1;
    auto tokens = await(engine->tokens(operatorCaller()));
    if (!tokens) {
        err(tokens.error().message);
        return 1;
    }
    for (const TokenInfo &t : tokens.value())
        out(QStringLiteral("%1\t%2%3")
                .arg(t.name, roleName(t.role), t.revokedAtMs ? QStringLiteral("\trevoked") : QString()));
    return 0;
}

int revoke(const QCommandLineParser &p, const QString &name)
{
    auto engine = openEngine(configFrom(p));
    if (!engine)
        return 1;
    auto n = await(engine->revokeToken(operatorCaller(), name));
    if (!n) {
        err(n.error().message);
        return exitCodeFor(n.error());
    }
    out(QStringLiteral("revoked %1 token(s) named %2").arg(n.value()).arg(name));
    return 0;
}

} // namespace

int token(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("name"), QStringLiteral("token name"), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("role"), QStringLiteral("role"), QStringLiteral("ROLE")});
    p.addPositionalArgument(QStringLiteral("action"), QStringLiteral("create or revoke"));
    if (!parse(p, args, kUsage))
        return 2;
    const QStringList pos = p.positionalArguments();
    if (pos == QStringList{QStringLiteral("create")})
        return create(p);
    if (pos == QStringList{QStringLiteral("list")})
        return list(p);
    if (pos.size() == 2 && pos[0] == QLatin1String("revoke"))
        return revoke(p, pos[1]);
    err(QStringLiteral("usage: salesflowd %1").arg(QLatin1String(kUsage)));
    return 2;
}

} // namespace salesflow::cli
