// salesflowd token create: a new API token, printed once, alone on stdout (scripts capture it).
#include "command.h"

namespace salesflow::cli {

namespace {
const char *kUsage = "token create --name NAME --role ingest|viewer|reviewer|admin [--db URL]";
}

int token(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("name"), QStringLiteral("token name"), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("role"), QStringLiteral("role"), QStringLiteral("ROLE")});
    p.addPositionalArgument(QStringLiteral("create"), QStringLiteral("create a token"));
    if (!parse(p, args, kUsage))
        return 2;
    if (p.positionalArguments() != QStringList{QStringLiteral("create")}) {
        err(QStringLiteral("usage: salesflowd %1").arg(QLatin1String(kUsage)));
        return 2;
    }
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

} // namespace salesflow::cli
