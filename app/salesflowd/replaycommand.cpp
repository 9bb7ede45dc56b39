// salesflowd replay: puts events back into the pipeline at a stage (optionally with another
// version of the enrich prompt), or with --dry-run shows what that would change — the same
// replay the HTTP API and the desktop app start, worked by this process while it shows the
// progress (a bar on a terminal, plain lines otherwise), then summarised.
#include "command.h"

#include <QDateTime>
#include <QMap>
#include <QTextStream>
#include <QThread>

#include <optional>
#include <unistd.h>

namespace salesflow::cli {

namespace {

const char *kUsage = "replay (--event ID... | --since T --until T --status S --source S) [--from STAGE] "
                     "[--prompt-version V] [--dry-run] [--db URL]";

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
std::optional<ReplayRequest> selection(const QCommandLineParser &p)
{
    ReplayRequest sel;
    sel.eventIds = p.values(QStringLiteral("event"));
    if (!parseTime(p, "since", &sel.sinceMs) || !parseTime(p, "until", &sel.untilMs))
        return std::nullopt;
    sel.status = p.value(QStringLiteral("status"));
    if (!sel.status.isEmpty() && !EventStatus::all().contains(sel.status)) {
        err(QStringLiteral("unknown --status '%1'; one of: %2")
                .arg(sel.status, EventStatus::all().join(QStringLiteral(", "))));
        return std::nullopt;
    }
    sel.source = p.value(QStringLiteral("source"));
    if (!sel.eventIds.isEmpty() && (sel.sinceMs || sel.untilMs || !sel.status.isEmpty() || !sel.source.isEmpty())) {
        err(QStringLiteral("use either --event ID... or --since/--until/--status/--source, not both"));
        return std::nullopt;
    }
    sel.fromStage = p.value(QStringLiteral("from"));
    sel.dryRun = p.isSet(QStringLiteral("dry-run"));
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

/// Shows progress until the replay finishes: a bar on a terminal, a line every ten per cent else.
ReplayInfo follow(LocalEngine &engine, const QString &id)
{
    const bool terminal = isatty(STDERR_FILENO);
    qint64 lastTenth = -1;
    for (;;) {
        auto page = await(engine.replay(operatorCaller(), id, ReplayItemQuery{1, {}, false}));
        if (!page)
            return ReplayInfo{id, {}, {}, QStringLiteral("unknown"), 0, 0, 0, 0, 0, 0, 0, 0, page.error().message};
        const ReplayInfo &r = page->replay;
        const qint64 pct = r.total ? r.done * 100 / r.total : 100;
        const bool over = r.status != QLatin1String("running") && r.status != QLatin1String("selecting");
        if (terminal) {
            const QString bar = QString(int(pct / 4), QLatin1Char('#')) + QString(25 - int(pct / 4), QLatin1Char('.'));
            QTextStream(stderr) << "\r[" << bar << "] " << pct << "% " << r.done << "/" << r.total
                                << (r.failed ? QStringLiteral(" (%1 failed)").arg(r.failed) : QString())
                                << (over ? "\n" : "") << Qt::flush;
        } else if (pct / 10 != lastTenth || over) {
            lastTenth = pct / 10;
            err(QStringLiteral("replay %1: %2 of %3 done").arg(id).arg(r.done).arg(r.total));
        }
        if (over)
            return r;
        QThread::msleep(200);
    }
}

/// What changed, counted: enrichment fields and HubSpot actions by change and kind. Answers the
/// exit code: 1 when an event failed or named no event.
int summarise(LocalEngine &engine, const ReplayInfo &r)
{
    QMap<QString, int> fields, actions;
    QStringList missing, failures, examples;
    int leftAlone = 0;
    ReplayItemQuery q{1000, {}, false};
    for (;;) {
        auto page = await(engine.replay(operatorCaller(), r.id, q));
        if (!page) {
            err(page.error().message);
            return 1;
        }
        for (const ReplayItem &item : page->items) {
            if (item.state == QLatin1String("skipped") && !item.error.isEmpty())
                missing << item.eventId;
            leftAlone += item.state == QLatin1String("skipped") && item.error.isEmpty() ? 1 : 0;
            if (item.state == QLatin1String("failed") && failures.size() < 10)
                failures << item.eventId + QStringLiteral(": ") + item.error;
            for (const FieldChange &f : item.fields)
                fields[f.field] += 1;
            for (const ActionChange &a : item.actions)
                actions[a.change + QLatin1Char(' ') + a.kind] += 1;
            if (item.changed && examples.size() < 10)
                examples << item.eventId;
        }
        if (page->next.isEmpty())
            break;
        q.after = page->next;
    }
    QTextStream ts(stdout);
    const bool dry = r.request.dryRun;
    ts << (dry ? "dry run " : "replay ") << r.id << " " << r.status << ": " << r.total << " events, "
       << (dry ? QStringLiteral("%1 would change").arg(r.changed)
               : QStringLiteral("%1 back in the pipeline").arg(r.done - r.failed - leftAlone - missing.size()))
       << ", " << r.failed << " failed\n";
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        ts << "  field " << it.key() << ": " << it.value() << "\n";
    for (auto it = actions.cbegin(); it != actions.cend(); ++it)
        ts << "  HubSpot " << it.key() << ": " << it.value() << "\n";
    if (!examples.isEmpty())
        ts << "  e.g. " << examples.join(QLatin1Char(' ')) << "  (per-event diffs: GET /v1/replays/" << r.id << ")\n";
    if (leftAlone)
        ts << "left alone (a job is still waiting): " << leftAlone << "\n";
    if (!missing.isEmpty())
        ts << "no such event: " << missing.join(QLatin1Char(' ')) << "\n";
    for (const QString &f : failures)
        ts << "failed: " << f << "\n";
    if (!dry && r.done > 0)
        ts << "the events are back in the pipeline; a running salesflowd (serve, --role all or worker) takes them\n";
    return r.failed || !missing.isEmpty() ? 1 : 0;
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
    p.addOption({QStringLiteral("source"), QStringLiteral("only events from this source"), QStringLiteral("S")});
    p.addOption({QStringLiteral("from"), QStringLiteral("the stage to start from"), QStringLiteral("STAGE")});
    p.addOption({QStringLiteral("prompt-version"), QStringLiteral("prompt version for enrich"), QStringLiteral("V")});
    p.addOption({QStringLiteral("dry-run"), QStringLiteral("show what a replay would change, change nothing")});
    if (!parse(p, args, kUsage))
        return 2;
    const int version = promptVersion(p);
    const auto sel = selection(p);
    if (version < 0 || !sel)
        return 2;
    auto engine = openEngine(configFrom(p), false, true);
    if (!engine)
        return 1;
    ReplayRequest request = *sel;
    request.promptVersion = version;
    auto started = await(engine->startReplay(operatorCaller(), request));
    if (!started) {
        err(started.error().message);
        return exitCodeFor(started.error());
    }
    const ReplayInfo done = follow(*engine, started->id);
    const int code = summarise(*engine, done);
    if (done.status != QLatin1String("done")) {
        err(QStringLiteral("replay %1 ended %2%3")
                .arg(done.id, done.status, done.error.isEmpty() ? QString() : QStringLiteral(": ") + done.error));
        return 1;
    }
    return code;
}

} // namespace salesflow::cli
