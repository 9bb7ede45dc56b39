// salesflowd hubspot setup: checks the token and creates the custom properties SalesFlow writes.
#include "command.h"

#include "engine/hubspot/setup.h"

#include <QTextStream>

namespace salesflow::cli {

int hubspot(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption()); // accepted for scripts that pass it; setup needs no store
    p.addPositionalArgument(QStringLiteral("setup"), QStringLiteral("the hubspot subcommand"));
    if (!parse(p, args, "hubspot setup [--db URL]"))
        return 2;
    if (p.positionalArguments() != QStringList{QStringLiteral("setup")}) {
        err(QStringLiteral("usage: salesflowd hubspot setup [--db URL]"));
        return 2;
    }
    const Config config = configFrom(p);
    // A handful of calls: setup keeps its own budget and needs no store. Should writers be
    // busy at the limit, HubSpot's 429 pauses it like any client.
    hubspot::ClientConfig hc = hubspot::clientConfigFrom(config);
    hc.maxRetries = 2;
    hubspot::Client client(hc);
    hubspot::LocalRateBudget budget;
    auto lines = hubspot::setup(client, budget);
    if (!lines) {
        err(lines.error().message);
        return exitCodeFor(lines.error());
    }
    QTextStream ts(stdout);
    ts << "HubSpot at " << hc.baseUrl << ": token accepted\n";
    for (const QString &l : lines.value())
        ts << "  " << l << "\n";
    return 0;
}

} // namespace salesflow::cli
