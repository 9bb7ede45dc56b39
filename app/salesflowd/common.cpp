#include "command.h"

#include <cstdio>

namespace salesflow::cli {

void err(const QString &msg)
{
    std::fprintf(stderr, "salesflowd: %s\n", qPrintable(msg));
}

void out(const QString &msg)
{
    std::fprintf(stdout, "%s\n", msg.toUtf8().constData());
    std::fflush(stdout);
}

QCommandLineOption dbOption()
{
    return QCommandLineOption(QStringList{QStringLiteral("db")}, QStringLiteral("database URL"), QStringLiteral("URL"));
}

bool parse(QCommandLineParser &p, const QStringList &args, const char *usage)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!p.parse(args)) {
        err(p.errorText());
        std::fprintf(stderr, "usage: salesflowd %s\n", usage);
        return false;
    }
    return true;
}

Config configFrom(const QCommandLineParser &p)
{
    Config c = Config::fromEnvironment();
    if (p.isSet(QStringLiteral("db")))
        c.dbUrl = p.value(QStringLiteral("db"));
    if (c.dbUrl.isEmpty())
        c.dbUrl = Config::defaultDbUrl();
    return c;
}

std::unique_ptr<LocalEngine> openEngine(const Config &config, bool acceptIngest, bool runReplays)
{
    LocalEngine::Options o;
    o.config = config;
    o.runWorkers = false;
    o.runReplays = runReplays;
    o.acceptIngest = acceptIngest;
    auto engine = LocalEngine::open(o);
    if (!engine) {
        err(engine.error().message);
        return nullptr;
    }
    return std::move(engine).value();
}

Caller operatorCaller()
{
    return Caller::cli(Caller::osUserName());
}

} // namespace salesflow::cli
