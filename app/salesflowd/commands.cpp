#include "commands.h"

#include "engine/core/clock.h"
#include "engine/core/config.h"
#include "engine/core/logging.h"
#include "engine/http/apilistener.h"
#include "engine/hubspot/setup.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
#include "engine/store/database.h"
#include "engine/store/eventrepository.h"
#include "engine/store/migrator.h"
#include "engine/store/replayrepository.h"
#include "engine/store/tokenrepository.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace salesflow::cli {

namespace {

int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalFd[1], &c, 1);
}

void err(const QString &msg)
{
    std::fprintf(stderr, "salesflowd: %s\n", qPrintable(msg));
}

void out(const QString &msg)
{
    std::fprintf(stdout, "%s\n", msg.toUtf8().constData());
    std::fflush(stdout);
}

const char *kUsage = "usage: salesflowd <command> [options]\n"
                     "  serve [--db URL] [--listen HOST:PORT] [--workers N] [--role all|api|worker]\n"
                     "  migrate [--db URL]\n"
                     "  token create --name NAME --role ingest|viewer|reviewer|admin [--db URL]\n"
                     "  import FILE --source SOURCE [--db URL]\n"
                     "  replay (--event ID... | --since T --until T --status S) [--from STAGE] [--prompt-version V] [--dry-run] [--db URL]\n"
                     "  status [--db URL]\n"
                     "  hubspot setup [--db URL]   (needs HUBSPOT_ACCESS_TOKEN)\n";

QCommandLineOption dbOption()
{
    return QCommandLineOption(QStringList{QStringLiteral("db")}, QStringLiteral("database URL"), QStringLiteral("URL"));
}

/// Parses `args` (after the command words); prints a usage error and returns false when wrong.
bool parse(QCommandLineParser &p, const QStringList &args)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!p.parse(args)) {
        err(p.errorText());
        std::fputs(kUsage, stderr);
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

/// An open store and one connection to it, for the one-shot commands.
struct Store
{
    std::shared_ptr<store::Database> db;
    store::ConnectionPtr conn;
    int migrationsApplied = 0;
};

/// Opens the store of `c`; with `migrate`, brings its schema up to date first. Prints the error
/// and returns nothing when it cannot.
std::optional<Store> openStore(const Config &c, bool migrate)
{
    auto db = store::Database::open(c.dbUrl);
    if (!db) {
        err(db.error().message);
        return std::nullopt;
    }
    auto conn = db.value()->acquire();
    if (!conn) {
        err(conn.error().message);
        return std::nullopt;
    }
    Store s{db.value(), conn.value(), 0};
    if (migrate) {
        auto applied = store::Migrator::migrate(*s.conn);
        if (!applied) {
            err(applied.error().message);
            return std::nullopt;
        }
        s.migrationsApplied = applied.value();
    }
    return s;
}

int serve(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("listen"), QStringLiteral("HOST:PORT to listen on"), QStringLiteral("HOST:PORT")});
    p.addOption({QStringLiteral("workers"), QStringLiteral("worker threads"), QStringLiteral("N")});
    p.addOption({QStringLiteral("role"), QStringLiteral("all, api or worker"), QStringLiteral("ROLE")});
    if (!parse(p, args))
        return 2;
    installJsonLogHandler();
    LocalEngine::Options o;
    o.config = configFrom(p);
    if (p.isSet(QStringLiteral("listen")))
        o.config.listen = p.value(QStringLiteral("listen"));
    if (p.isSet(QStringLiteral("workers"))) {
        bool ok = false;
        o.config.workers = p.value(QStringLiteral("workers")).toInt(&ok);
        if (!ok || o.config.workers < 0 || o.config.workers > 256) {
            err(QStringLiteral("--workers takes a number from 0 to 256"));
            return 2;
        }
    }
    const QString role = p.value(QStringLiteral("role")).isEmpty() ? QStringLiteral("all") : p.value(QStringLiteral("role"));
    if (role != QLatin1String("all") && role != QLatin1String("api") && role != QLatin1String("worker")) {
        err(QStringLiteral("--role is all, api or worker (got '%1')").arg(role));
        return 2;
    }
    o.runWorkers = role != QLatin1String("api");
    o.acceptIngest = role != QLatin1String("worker");
    // The stages built so far; jobs of later stages (plan, write) wait in the queue.
    if (o.runWorkers) {
        auto stages = pipeline::builtStages(o.config);
        if (!stages) {
            err(stages.error().message);
            return 2;
        }
        o.stages = stages.value();
    }
    auto engine = LocalEngine::open(o);
    if (!engine) {
        err(engine.error().message);
        return 1;
    }
    std::unique_ptr<http::ApiListener> listener;
    if (role != QLatin1String("worker")) {
        const QString listen = o.config.listen;
        const int colon = int(listen.lastIndexOf(QLatin1Char(':')));
        bool ok = false;
        const int port = listen.mid(colon + 1).toInt(&ok);
        const QHostAddress host(listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
        if (colon < 0 || !ok || port < 0 || port > 65535 || host.isNull()) {
            err(QStringLiteral("--listen takes HOST:PORT with a numeric host, e.g. 127.0.0.1:8765 (got '%1')").arg(listen));
            return 2;
        }
        listener = std::make_unique<http::ApiListener>(engine.value().get(),
                                                       http::ApiServer::Options{o.config.maxBodyBytes, o.config.hubspotClientSecret});
        auto bound = listener->listen(host, quint16(port), o.config.httpThreads);
        if (!bound) {
            err(bound.error().message);
            return 1;
        }
        // Scripts and tests read the bound port from this line (port 0 picks a free one).
        out(QStringLiteral("listening on %1:%2").arg(host.toString()).arg(bound.value()));
    }
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0) {
        err(QStringLiteral("socketpair failed"));
        return 1;
    }
    QSocketNotifier notifier(g_signalFd[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [] {
        qCInfo(lcEngine) << "stopping: finishing current work";
        QCoreApplication::quit();
    });
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    const int rc = QCoreApplication::exec();
    if (listener)
        listener->stop(); // no new requests
    engine.value()->stop();
    qCInfo(lcEngine) << "stopped";
    return rc;
}

int migrate(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    if (!parse(p, args))
        return 2;
    const auto s = openStore(configFrom(p), true);
    if (!s)
        return 1;
    out(QStringLiteral("schema at version %1 (%2 migration(s) applied)").arg(store::Migrator::latestVersion()).arg(s->migrationsApplied));
    return 0;
}

int token(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("name"), QStringLiteral("token name"), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("role"), QStringLiteral("role"), QStringLiteral("ROLE")});
    p.addPositionalArgument(QStringLiteral("create"), QStringLiteral("create a token"));
    if (!parse(p, args))
        return 2;
    if (p.positionalArguments() != QStringList{QStringLiteral("create")}) {
        err(QStringLiteral("usage: salesflowd token create --name NAME --role ingest|viewer|reviewer|admin"));
        return 2;
    }
    const auto role = roleFromName(p.value(QStringLiteral("role")));
    if (!role || p.value(QStringLiteral("name")).isEmpty()) {
        err(QStringLiteral("token create needs --name NAME and --role ingest|viewer|reviewer|admin"));
        return 2;
    }
    const auto s = openStore(configFrom(p), true);
    if (!s)
        return 1;
    auto t = store::TokenRepository::create(*s->conn, p.value(QStringLiteral("name")), *role, nowMs());
    if (!t) {
        err(t.error().message);
        return 1;
    }
    out(QString::fromLatin1(t.value())); // alone on stdout: scripts capture it
    return 0;
}

int import(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("source"), QStringLiteral("source of every line"), QStringLiteral("SOURCE")});
    p.addPositionalArgument(QStringLiteral("file"), QStringLiteral("JSON lines, one event a line"));
    if (!parse(p, args))
        return 2;
    if (p.positionalArguments().size() != 1 || p.value(QStringLiteral("source")).isEmpty()) {
        err(QStringLiteral("usage: salesflowd import FILE --source SOURCE"));
        return 2;
    }
    QFile f(p.positionalArguments().first());
    if (!f.open(QIODevice::ReadOnly)) {
        err(QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        return 1;
    }
    LocalEngine::Options o;
    o.config = configFrom(p);
    o.runWorkers = false;
    auto engine = LocalEngine::open(o);
    if (!engine) {
        err(engine.error().message);
        return 1;
    }
    qint64 added = 0, dups = 0, bad = 0, line = 0;
    QList<IngestItem> chunk;
    QList<qint64> lineNos;
    auto flush = [&]() -> bool {
        if (chunk.isEmpty())
            return true;
        auto fut = engine.value()->ingestAs(QStringLiteral("import"), chunk);
        fut.waitForFinished();
        const auto r = fut.result();
        if (!r) {
            err(r.error().message);
            return false;
        }
        for (qsizetype i = 0; i < r->size(); ++i) {
            const auto &one = r->at(i);
            if (!one) {
                ++bad;
                err(QStringLiteral("line %1: %2").arg(lineNos.value(i, 0)).arg(one.error().message));
            } else {
                one->duplicate ? ++dups : ++added;
            }
        }
        chunk.clear();
        lineNos.clear();
        return true;
    };
    while (!f.atEnd()) {
        const QByteArray l = f.readLine().trimmed();
        ++line;
        if (l.isEmpty())
            continue;
        chunk.append(IngestItem{p.value(QStringLiteral("source")), "application/json", l, {}, {}});
        lineNos.append(line);
        if (chunk.size() >= 500 && !flush())
            return 1;
    }
    if (!flush())
        return 1;
    engine.value()->stop();
    out(QStringLiteral("imported %1 new, %2 duplicate, %3 rejected").arg(added).arg(dups).arg(bad));
    return bad ? 1 : 0;
}

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
    if (!parse(p, args))
        return 2;
    int promptVersion = 0;
    if (p.isSet(QStringLiteral("prompt-version"))) {
        bool ok = false;
        promptVersion = p.value(QStringLiteral("prompt-version")).toInt(&ok);
        if (!ok || promptVersion <= 0) {
            err(QStringLiteral("--prompt-version takes a version number of the enrich prompt, e.g. 2 (got '%1')").arg(p.value(QStringLiteral("prompt-version"))));
            return 2;
        }
    }
    store::ReplaySelection sel;
    sel.eventIds = p.values(QStringLiteral("event"));
    auto time = [&](const char *name, qint64 *out) {
        const QString v = p.value(QString::fromLatin1(name));
        if (v.isEmpty())
            return true;
        const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
        if (!t.isValid()) {
            err(QStringLiteral("--%1 takes an ISO 8601 time, e.g. 2026-11-26T09:00:00Z (got '%2')").arg(QString::fromLatin1(name), v));
            return false;
        }
        *out = t.toMSecsSinceEpoch();
        return true;
    };
    if (!time("since", &sel.sinceMs) || !time("until", &sel.untilMs))
        return 2;
    sel.status = p.value(QStringLiteral("status"));
    if (!sel.status.isEmpty() && !EventStatus::all().contains(sel.status)) {
        err(QStringLiteral("unknown --status '%1'; one of: %2").arg(sel.status, EventStatus::all().join(QStringLiteral(", "))));
        return 2;
    }
    if (!sel.eventIds.isEmpty() && (sel.sinceMs || sel.untilMs || !sel.status.isEmpty())) {
        err(QStringLiteral("use either --event ID... or --since/--until/--status, not both"));
        return 2;
    }
    const Config config = configFrom(p);
    const auto s = openStore(config, true);
    if (!s)
        return 1;
    const bool dry = p.isSet(QStringLiteral("dry-run"));
    auto plan = store::ReplayRepository::replay(*s->conn, sel, p.value(QStringLiteral("from")), QStringLiteral("cli:replay"),
                                                config.maxAttempts, dry, nowMs(), promptVersion);
    if (!plan) {
        err(plan.error().message);
        return plan.error().httpStatus == 400 ? 2 : 1;
    }
    QTextStream ts(stdout);
    ts << (dry ? "would replay: " : "replayed: ") << plan->queued.size() << "\n";
    for (const QString &id : plan->queued)
        ts << "  " << id << "\n";
    if (!plan->alreadyQueued.isEmpty())
        ts << "left alone (a job is still waiting): " << plan->alreadyQueued.join(QStringLiteral(" ")) << "\n";
    if (!plan->missing.isEmpty())
        ts << "no such event: " << plan->missing.join(QStringLiteral(" ")) << "\n";
    ts.flush();
    return plan->missing.isEmpty() ? 0 : 1;
}

int status(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    if (!parse(p, args))
        return 2;
    const Config config = configFrom(p);
    const auto st = openStore(config, false);
    if (!st)
        return 1;
    if (Status s = store::Migrator::check(*st->conn); !s) {
        err(s.error().message);
        return 1;
    }
    auto s = store::EventRepository::stats(*st->conn, nowMs());
    if (!s) {
        err(s.error().message);
        return 1;
    }
    QTextStream ts(stdout);
    ts << "store: " << st->db->displayUrl() << "\n";
    ts << "events: " << s->total << "\n";
    for (auto it = s->byStatus.cbegin(); it != s->byStatus.cend(); ++it)
        ts << "  " << it.key() << ": " << it.value() << "\n";
    qint64 depth = 0;
    for (qint64 n : s->queueByStage)
        depth += n;
    ts << "queue depth: " << depth << "\n";
    for (auto it = s->queueByStage.cbegin(); it != s->queueByStage.cend(); ++it)
        ts << "  " << it.key() << ": " << it.value() << "\n";
    ts << "enrichments: " << s->enrichments << " (LLM tokens in " << s->llmInputTokens << ", out " << s->llmOutputTokens
       << ", estimated cost " << QString::number(s->llmCostUsd, 'f', 4) << " USD)\n";
    ts << "hubspot actions:";
    if (s->actionsByStatus.isEmpty())
        ts << " none";
    ts << "\n";
    for (auto it = s->actionsByStatus.cbegin(); it != s->actionsByStatus.cend(); ++it)
        ts << "  " << it.key() << ": " << it.value() << "\n";
    ts << "hubspot calls today (UTC, all writers): " << s->hubspotCallsToday << "\n";
    if (s->hubspotPausedUntilMs > nowMs())
        ts << "hubspot writers paused until " << QDateTime::fromMSecsSinceEpoch(s->hubspotPausedUntilMs, Qt::UTC).toString(Qt::ISODateWithMs) << "\n";
    ts << "writeback from this environment: " << (config.hubspotAccessToken.isEmpty() ? "dry run (HUBSPOT_ACCESS_TOKEN is not set)" : "HUBSPOT_ACCESS_TOKEN is set") << "\n";
    return 0;
}

int hubspotSetup(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addPositionalArgument(QStringLiteral("setup"), QStringLiteral("the hubspot subcommand"));
    if (!parse(p, args))
        return 2;
    if (p.positionalArguments() != QStringList{QStringLiteral("setup")}) {
        err(QStringLiteral("usage: salesflowd hubspot setup [--db URL]"));
        return 2;
    }
    const Config config = configFrom(p);
    // The shared rate budget lives in the store, so setup counts against it like the writers.
    const auto st = openStore(config, true);
    if (!st)
        return 1;
    hubspot::ClientConfig hc = hubspot::clientConfigFrom(config);
    hc.maxRetries = 2;
    hubspot::Client client(hc);
    auto lines = hubspot::setup(client, *st->conn);
    if (!lines) {
        err(lines.error().message);
        return lines.error().httpStatus == 400 ? 2 : 1;
    }
    QTextStream ts(stdout);
    ts << "HubSpot at " << hc.baseUrl << ": token accepted\n";
    for (const QString &l : lines.value())
        ts << "  " << l << "\n";
    return 0;
}

} // namespace

int run(const QStringList &all)
{
    const QString cmd = all.value(1);
    // QCommandLineParser wants the program name first.
    QStringList rest = all.mid(2);
    rest.prepend(all.value(0));
    if (cmd == QLatin1String("serve"))
        return serve(rest);
    if (cmd == QLatin1String("migrate"))
        return migrate(rest);
    if (cmd == QLatin1String("token"))
        return token(rest);
    if (cmd == QLatin1String("import"))
        return import(rest);
    if (cmd == QLatin1String("status"))
        return status(rest);
    if (cmd == QLatin1String("replay"))
        return replay(rest);
    if (cmd == QLatin1String("hubspot"))
        return hubspotSetup(rest);
    if (cmd == QLatin1String("--version")) {
        out(QStringLiteral("salesflowd %1").arg(QCoreApplication::applicationVersion()));
        return 0;
    }
    std::fputs(kUsage, cmd == QLatin1String("--help") || cmd == QLatin1String("help") ? stdout : stderr);
    return cmd == QLatin1String("--help") || cmd == QLatin1String("help") ? 0 : 2;
}

} // namespace salesflow::cli
