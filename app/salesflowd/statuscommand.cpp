// salesflowd status: events per status, queue depth, LLM and HubSpot figures of the store.
#include "command.h"

#include "engine/core/clock.h"

#include <QDateTime>
#include <QTextStream>

namespace salesflow::cli {

namespace {

void counts(QTextStream &ts, const QMap<QString, qint64> &m)
{
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        ts << "  " << it.key() << ": " << it.value() << "\n";
}

void report(QTextStream &ts, const Stats &s)
{
    ts << "events: " << s.total << "\n";
    counts(ts, s.byStatus);
    qint64 depth = 0;
    for (qint64 n : s.queueByStage)
        depth += n;
    ts << "queue depth: " << depth << "\n";
    counts(ts, s.queueByStage);
    ts << "enrichments: " << s.enrichments << " (LLM tokens in " << s.llmInputTokens << ", out " << s.llmOutputTokens
       << ", estimated cost " << QString::number(s.llmCostUsd, 'f', 4) << " USD)\n";
    ts << "hubspot actions:" << (s.actionsByStatus.isEmpty() ? " none" : "") << "\n";
    counts(ts, s.actionsByStatus);
    ts << "hubspot calls today (UTC, all writers): " << s.hubspotCallsToday << "\n";
    if (s.hubspotPausedUntilMs > nowMs()) {
        ts << "hubspot writers paused until "
           << QDateTime::fromMSecsSinceEpoch(s.hubspotPausedUntilMs, Qt::UTC).toString(Qt::ISODateWithMs) << "\n";
    }
}

} // namespace

int status(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    if (!parse(p, args, "status [--db URL]"))
        return 2;
    const Config config = configFrom(p);
    auto engine = openEngine(config);
    if (!engine)
        return 1;
    auto s = await(engine->stats(operatorCaller()));
    if (!s) {
        err(s.error().message);
        return 1;
    }
    QTextStream ts(stdout);
    ts << "store: " << engine->storeDisplayUrl() << "\n";
    report(ts, s.value());
    ts << "writeback from this environment: "
       << (config.hubspotAccessToken.isEmpty() ? "dry run (HUBSPOT_ACCESS_TOKEN is not set)"
                                               : "HUBSPOT_ACCESS_TOKEN is set")
       << "\n";
    return 0;
}

} // namespace salesflow::cli
