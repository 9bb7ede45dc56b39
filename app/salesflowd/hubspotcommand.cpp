// salesflowd hubspot setup: checks the token and creates the custom properties SalesFlow writes.
#include "command.h"

#include "engine/hubspot/client.h"

#include <QTextStream>

namespace salesflow::cli {

int hubspot(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addPositionalArgument(QStringLiteral("setup"), QStringLiteral("the hubspot subcommand"));
    if (!parse(p, args, "hubspot setup [--db URL]"))
        return 2;
    if (p.positionalArguments() != QStringList{QStringLiteral("setup")}) {
        err(QStringLiteral("usage: salesflowd hubspot setup [--db URL]"));
        return 2;
    }
    const Config config = configFrom(p);
    // The shared rate budget lives in the store, so setup counts against it like the writers.
    auto engine = openEngine(config);
    if (!engine)
        return 1;
    auto lines = await(engine->hubspotSetup(operatorCaller()));
    if (!lines) {
        err(lines.error().message);
        return exitCodeFor(lines.error());
    }
    QTextStream ts(stdout);
    ts << "HubSpot at " << hubspot::clientConfigFrom(config).baseUrl << ": token accepted\n";
    for (const QString &l : lines.value())
        ts << "  " << l << "\n";
    return 0;
}

} // namespace salesflow::cli
