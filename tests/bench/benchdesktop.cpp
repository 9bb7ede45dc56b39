#include "benchdesktop.h"

#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "engine/store/eventrepository.h"
#include "engine/store/migrator.h"
#include "tests/support/pgserver.h"
#include "ui/models/eventlistmodel.h"
#include "ui/models/queuemodel.h"
#include "ui/views/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>
#include <cstdio>

namespace salesflow::bench {

namespace {

constexpr int kEvents = 1000000;
constexpr int kChunk = 100000;

/// One chunk of events [from, to): raw rows (5 % in review, 2 % failed, the rest done), their
/// normalised form and one enrichment each. Ids keep the engine's time-ordered layout.
QByteArray fillSql(int from, int to)
{
    const QByteArray range
        = "generate_series(" + QByteArray::number(from) + ", " + QByteArray::number(to - 1) + ") AS g";
    const QByteArray id = "substr(lpad(to_hex(t), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(t), 12, '0'), 9, 4) "
                          "|| '-7000-8000-' || lpad(to_hex(g), 12, '0')";
    const QByteArray withT = "SELECT g, 1764547200000 + g::bigint * 10 AS t FROM " + range;
    return "INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at, "
           "received_by, status, updated_at, failed_stage, last_error) SELECT "
        + id
        + ", (ARRAY['form','email','transcript','chat','product','hubspot'])[1 + g % 6], 'application/json', "
          "'bench:' || g, convert_to('{\"n\":' || g || '}', 'UTF8'), 12, t, 'token:bench', "
          "CASE WHEN g % 20 = 0 THEN 'in_review' WHEN g % 50 = 1 THEN 'failed' ELSE 'done' END, t, "
          "CASE WHEN g % 50 = 1 THEN 'enrich' END, CASE WHEN g % 50 = 1 THEN 'the model timed out' END FROM ("
        + withT
        + ") s;\n"
          "INSERT INTO normalised_events (event_id, kind, occurred_at, actor, company, subject, body_text, "
          "created_at) SELECT "
        + id
        + ", 'form_submission', t, 'Contact ' || g % 5000 || ' <c' || g % 5000 || '@example.com>', "
          "'Company ' || g % 700, 'Subject line number ' || g, 'The text of event ' || g || ' asks about "
          "pricing.', t FROM ("
        + withT
        + ") s;\n"
          "INSERT INTO enrichment_outputs (event_id, summary, intent, lead_quality, confidence, created_at) SELECT "
        + id
        + ", 'Asks about pricing', (ARRAY['high','medium','low','none'])[1 + g % 4], g % 100, "
          "(g % 100) / 100.0, t FROM ("
        + withT + ") s;\n";
}

/// The store's own time for the first page, all events and one queue: the floor for the app.
std::pair<double, double> storeFloor(store::Connection &c)
{
    QElapsedTimer t;
    EventQuery all;
    all.limit = 200;
    t.start();
    if (!store::EventRepository::list(c, all))
        qFatal("list failed");
    const double first = double(t.nsecsElapsed()) / 1e6;
    EventQuery review = all;
    review.status = QStringLiteral("in_review");
    t.restart();
    if (!store::EventRepository::list(c, review))
        qFatal("list failed");
    return {first, double(t.nsecsElapsed()) / 1e6};
}

QString fill(test::PgServer &pg)
{
    const QString url = pg.createDatabase(QStringLiteral("desktop"));
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    if (!store::Migrator::migrate(*c.value()))
        qFatal("migrate failed");
    for (int from = 0; from < kEvents; from += kChunk) {
        for (const QByteArray &statement : fillSql(from, from + kChunk).split(';')) {
            if (statement.trimmed().isEmpty())
                continue;
            if (auto r = c.value()->exec(statement, {}); !r)
                qFatal("filling the store failed: %s", qPrintable(r.error().message));
        }
    }
    c.value()->exec("ANALYZE", {});
    return url;
}

struct Probe
{
    double first = -1, counts = -1, switchQueue = -1, search = -1, scroll = -1, stall = -1, rssMb = -1;
};

Probe runProbe(const QString &url)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    p.setProcessEnvironment(env);
    p.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--desktop-probe"), url});
    if (!p.waitForFinished(300000) || p.exitCode() != 0)
        qFatal("the desktop probe failed: %s", p.readAllStandardError().constData());
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    auto num = [&out](const char *key) {
        const auto m = QRegularExpression(QLatin1String(key) + QStringLiteral("=([0-9.]+)")).match(out);
        return m.hasMatch() ? m.captured(1).toDouble() : -1;
    };
    return Probe{num("first"), num("counts"), num("switch"), num("search"), num("scroll"), num("stall"), num("rss")};
}

} // namespace

void runDesktopBenchmarks(test::PgServer &pg, const std::function<void(const QString &)> &say)
{
    QElapsedTimer t;
    t.start();
    const QString url = fill(pg);
    say(QStringLiteral("store: %1 events (5 % in review, 2 % failed), each normalised and enriched, filled in %2 s")
            .arg(kEvents)
            .arg(double(t.elapsed()) / 1000, 0, 'f', 1));
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    say(QStringLiteral("baseline: the same first page (200 rows) read straight from the store; app: salesflow "
                       "--db <that store>, a fresh process per round (offscreen). Goals: first rows < 1000 ms, "
                       "queue switch < 500 ms, RSS < 300 MB"));
    for (int round = 1; round <= 3; ++round) {
        const auto [floorAll, floorQueue] = storeFloor(*c.value());
        const Probe p = runProbe(url);
        say(QStringLiteral("round %1: first rows %2 ms (store %3 ms) | counts %4 ms | switch to In review %5 ms "
                           "(store %6 ms) | text search %7 ms | scroll 10,000 rows %8 ms, longest GUI stall %9 ms | "
                           "RSS %10 MB")
                .arg(round)
                .arg(p.first, 0, 'f', 0)
                .arg(floorAll, 0, 'f', 1)
                .arg(p.counts, 0, 'f', 0)
                .arg(p.switchQueue, 0, 'f', 0)
                .arg(floorQueue, 0, 'f', 1)
                .arg(p.search, 0, 'f', 0)
                .arg(p.scroll, 0, 'f', 0)
                .arg(p.stall, 0, 'f', 0)
                .arg(p.rssMb, 0, 'f', 0));
    }
}

namespace {

double residentMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    f.open(QIODevice::ReadOnly);
    const auto m = QRegularExpression(QStringLiteral("VmRSS:\\s+([0-9]+) kB")).match(QString::fromLatin1(f.readAll()));
    return m.hasMatch() ? m.captured(1).toDouble() / 1024 : -1;
}

/// Runs the event loop until `done`, keeping the longest single pass (a GUI stall) in `stall`;
/// fatal, naming `what`, after two minutes.
double waitFor(const char *what, const std::function<bool()> &done, double *stall)
{
    QElapsedTimer t, pass;
    t.start();
    while (!done()) {
        if (t.elapsed() > 120000)
            qFatal("the desktop probe gave up waiting for %s", what);
        pass.start();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        *stall = std::max(*stall, double(pass.nsecsElapsed()) / 1e6);
    }
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int desktopProbe(int argc, char *argv[])
{
    QElapsedTimer opened;
    opened.start();
    QApplication app(argc, argv);
    LocalEngine::Options o;
    o.config.dbUrl = QString::fromLocal8Bit(argv[2]);
    o.runWorkers = o.runReplays = false; // a viewer's app: nothing left to work in this store
    auto engine = LocalEngine::open(o);
    if (!engine)
        qFatal("%s", qPrintable(engine.error().message));
    ui::MainWindow w(engine.value().get(), Caller::desktop(QStringLiteral("bench")));
    w.resize(1280, 800);
    w.show();
    double stall = 0;
    waitFor(
        "the first rows", [&] { return w.eventModel()->rowCount() > 0; }, &stall);
    const double first = double(opened.nsecsElapsed()) / 1e6;
    waitFor(
        "the counts", [&] { return w.queueModel()->count(QStringLiteral("done")) > 0; }, &stall);
    const double counts = double(opened.nsecsElapsed()) / 1e6;
    QElapsedTimer t;
    t.start();
    w.setStatusFilter(QStringLiteral("in_review"));
    waitFor(
        "the In review rows", [&] { return w.eventModel()->rowCount() > 0 && !w.eventModel()->isLoading(); }, &stall);
    const double switched = double(t.nsecsElapsed()) / 1e6;
    w.setStatusFilter(QString());
    waitFor(
        "all events again", [&] { return w.eventModel()->rowCount() > 0 && !w.eventModel()->isLoading(); }, &stall);
    stall = 0; // what follows is the scroll
    t.restart();
    QScrollBar *bar = w.eventTable()->verticalScrollBar();
    int laidOut = -1;
    while (w.eventModel()->rowCount() < 10000) {
        // As a user does: drag to the end once the view has taken the rows that came (the range
        // grows on the view's next layout; setting the value it already has would ask nothing).
        waitFor(
            "the view to lay out the new rows", [&] { return bar->maximum() > laidOut; }, &stall);
        laidOut = bar->maximum();
        const int had = w.eventModel()->rowCount();
        bar->setValue(laidOut);
        waitFor(
            "more rows on scrolling", [&] { return w.eventModel()->rowCount() > had; }, &stall);
    }
    const double scrolled = double(t.nsecsElapsed()) / 1e6;
    const double scrollStall = stall;
    const double rss = residentMb();
    EventQuery search;
    search.text = QStringLiteral("Subject line number 999990");
    t.restart();
    w.eventModel()->setFilter(search);
    waitFor(
        "the search", [&] { return !w.eventModel()->isLoading(); }, &stall);
    const double searched = double(t.nsecsElapsed()) / 1e6;
    std::printf("first=%.1f counts=%.1f switch=%.1f search=%.1f scroll=%.1f stall=%.1f rss=%.1f\n", first, counts,
                switched, searched, scrolled, scrollStall, rss);
    return 0;
}

} // namespace salesflow::bench
