// salesflowd replay: puts events back into the pipeline at a stage (optionally with another
// version of the enrich prompt), or with --dry-run says which it would.
#include "command.h"

#include "engine/pipeline/replay.h"

#include <QDateTime>
#include <QTextStream>

#include <optional>

namespace salesflow::cli {

namespace {

const char *kUsage = "replay (--event ID... | --since T --until T --status S) [--from STAGE] [--prompt-version V] "
                     "[--dry-run] [--db URL]";

bool parseTime(const QCommandLineParser &p, const char *name, qint64 *out)
{
    const QString v = p.value(QString::fromLatin1(name));
    if (v.isEmpty())
        return true;
    const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
    if (!t.isValid()) {
        err(QStringLiteral("--%1 takes an ISO 8601 time, e.g. 2026-11-26T09:00:00Z (got '%2')")
                .arg(QString::fromLatin1(name), v));
        return false;
    }
    *out = t.toMSecsSinceEpoch();
    return true;
}

/// The events the command line names; nothing when the options are wrong (said on stderr).
std::optional<pipeline::ReplaySelection> selection(const QCommandLineParser &p)
{
    pipeline::ReplaySelection sel;
    sel.eventIds = p.values(QStringLiteral("event"));
    if (!parseTime(p, "since", &sel.sinceMs) || !parseTime(p, "until", &sel.untilMs))
        return std::nullopt;
    sel.status = p.value(QStringLiteral("status"));
    if (!sel.status.isEmpty() && !EventStatus::all().contains(sel.status)) {
        err(QStringLiteral("unknown --status '%1'; one of: %2")
                .arg(sel.status, EventStatus::all().join(QStringLiteral(", "))));
        return std::nullopt;
    }
    if (!sel.eventIds.isEmpty() && (sel.sinceMs || sel.untilMs || !sel.status.isEmpty())) {
        err(QStringLiteral("use either --event ID... or --since/--until/--status, not both"));
        return std::nullopt;
    }
    return sel;
}

/// --prompt-version as a number (0 when not given); -1 when it is not a version.
int promptVersion(const QCommandLineParser &p)
{
    if (!p.isSet(QStringLiteral("prompt-version")))
        return 0;
    bool ok = false;
    const int v = p.value(QStringLiteral("prompt-version")).toInt(&ok);
    if (ok && v > 0)
        return v;
    err(QStringLiteral("--prompt-version takes a version number of the enrich prompt, e.g. 2 (got '%1')")
            .arg(p.value(QStringLiteral("prompt-version"))));
    return -1;
}

void report(const pipeline::ReplayPlan &plan, bool dry)
{
    QTextStream ts(stdout);
    ts << (dry ? "would replay: " : "replayed: ") << plan.queued.size() << "\n";
    for (const QString &id : plan.queued)
        ts << "  " << id << "\n";
    if (!plan.alreadyQueued.isEmpty())
        ts << "left alone (a job is still waiting): " << plan.alreadyQueued.join(QStringLiteral(" ")) << "\n";
    if (!plan.missing.isEmpty())
        ts << "no such event: " << plan.missing.join(QStringLiteral(" ")) << "\n";
}

} // namespace

int replay(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("event"), QStringLiteral("an event id (repeatable)"), QStringLiteral("ID")});
    p.addOption({QStringLiteral("since"), QStringLiteral("received at or after (ISO 8601)"), QStringLiteral("T")});
    p.addOption({QStringLiteral("until"), QStringLiteral("received before (ISO 8601)"), QStringLiteral("T")});
    p.addOption({QStringLiteral("status"), QStringLiteral("only events in this status"), QStringLiteral("S")});
    p.addOption({QStringLiteral("from"), QStringLiteral("the stage to start from"), QStringLiteral("STAGE")});
    p.addOption({QStringLiteral("prompt-version"), QStringLiteral("prompt version for enrich"), QStringLiteral("V")});
    p.addOption({QStringLiteral("dry-run"), QStringLiteral("show what would be replayed, change nothing")});
    if (!parse(p, args, kUsage))
        return 2;
    const int version = promptVersion(p);
    const auto sel = selection(p);
    if (version < 0 || !sel)
        return 2;
    auto engine = openEngine(configFrom(p));
    if (!engine)
        return 1;
    const bool dry = p.isSet(QStringLiteral("dry-run"));
    auto plan = await(engine->requeue(operatorCaller(), *sel, p.value(QStringLiteral("from")), version, dry));
    if (!plan) {
        err(plan.error().message);
        return exitCodeFor(plan.error());
    }
    report(plan.value(), dry);
    return plan->missing.isEmpty() ? 0 : 1;
}

} // namespace salesflow::cli
