#include "benchpipeline.h"

#include "engine/core/config.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/istage.h"
#include "engine/pipeline/runner.h"
#include "engine/store/database.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/llmemulator.h"
#include "tests/support/pgserver.h"
#include "tests/support/testbackend.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QThread>

namespace salesflow::bench {

namespace {

struct Mode
{
    QString name;
    bool llm = false; ///< the OpenAI emulator answering at once, else the offline analyser
    bool hubspot = false; ///< the HubSpot emulator, else a dry run
    int llmConcurrency = 0; ///< SALESFLOW_LLM_CONCURRENCY (0: the default, 4), i.e. the enrich batch
};

/// `events` chat events stored as received (ingest is measured elsewhere), none processed yet.
QString storeBacklog(test::PgServer &pg, const QString &tag, int events)
{
    const QString url = pg.createDatabase(tag);
    QList<IngestItem> items;
    for (int j = 0; j < events; ++j)
        items.append(IngestItem{
            QStringLiteral("chat"),
            "application/json",
            QStringLiteral(
                R"({"id":"p-%1","participants":[{"id":"v","name":"Pat Kim","email":"pat%1@firm-%2.com","role":"visitor"}],"messages":[{"author":"v","role":"visitor","text":"We need pricing for 40 seats and a demo next week; is there SSO? Our security team needs the SOC 2 report.","sent_at":"2026-11-26T10:00:00Z"}]})")
                .arg(j)
                .arg(j % 500)
                .toUtf8(),
            {}});
    storeReceived(url, items);
    return url;
}

/// Hands its event on and writes nothing of its own. Four of these are the queue's share of the
/// pipeline (lease, status and audit, the next job, commit) without any stage's work.
class HandOnStage : public pipeline::IStage
{
public:
    HandOnStage(QString name, QString status, QString next)
        : m_name(std::move(name)), m_status(std::move(status)), m_next(std::move(next))
    { }
    QString name() const override { return m_name; }
    Result<pipeline::StageOutput> run(const queue::Job &, store::Connection &) override
    {
        pipeline::StageOutput out;
        out.newStatus = m_status;
        out.nextStage = m_next;
        return out;
    }

private:
    QString m_name, m_status, m_next;
};

/// The baseline under every mode: the same backlog handed through normalise, enrich, plan and
/// write by stages that do nothing, on a Runner with 2 workers in this process (its CPU).
QString queueFloor(test::PgServer &pg, int events)
{
    const QString url = storeBacklog(pg, QStringLiteral("pipeline_floor"), events);
    auto db = store::Database::open(url);
    if (!db)
        qFatal("pipeline bench: %s", qPrintable(db.error().message));
    std::vector<std::shared_ptr<pipeline::IStage>> stages{
        std::make_shared<HandOnStage>(QStringLiteral("normalise"), EventStatus::Normalised, QStringLiteral("enrich")),
        std::make_shared<HandOnStage>(QStringLiteral("enrich"), EventStatus::Enriched, QStringLiteral("plan")),
        std::make_shared<HandOnStage>(QStringLiteral("plan"), EventStatus::Planned, QStringLiteral("write")),
        std::make_shared<HandOnStage>(QStringLiteral("write"), EventStatus::Done, QString())};
    pipeline::Runner runner(db.value(), stages, pipeline::Runner::Options{2, QStringLiteral("bench")});
    const qint64 pid = QCoreApplication::applicationPid();
    const qint64 cpuBefore = cpuMsOf(pid);
    QElapsedTimer clock;
    clock.start();
    runner.start();
    while (runner.completed.load() < 4LL * events && clock.elapsed() < 3600000)
        QThread::msleep(20);
    const qint64 ms = clock.elapsed();
    const qint64 cpu = cpuMsOf(pid) - cpuBefore;
    runner.stop();
    return QStringLiteral("baseline, the queue's floor (the backlog handed through four stages that do nothing, "
                          "%1 jobs): %2 events in %3 s = %4 events/s; CPU %5 ms per event")
        .arg(runner.completed.load())
        .arg(events)
        .arg(double(ms) / 1000, 0, 'f', 1)
        .arg(double(events) * 1000 / double(qMax<qint64>(1, ms)), 0, 'f', 0)
        .arg(double(cpu) / qMax(1, events), 0, 'f', 2);
}

/// The postmaster of `c`'s server: the parent of its backend.
qint64 postmasterOf(store::Connection &c)
{
    const qint64 backend = c.exec("SELECT pg_backend_pid()")->int64(0, 0);
    QFile stat(QStringLiteral("/proc/%1/stat").arg(backend));
    stat.open(QIODevice::ReadOnly);
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
}

bool profilingStatements()
{
    return qEnvironmentVariableIntValue("SALESFLOW_BENCH_PG_PROFILE") == 1;
}

/// With SALESFLOW_BENCH_PG_PROFILE=1: forgets what pg_stat_statements has seen so far.
void resetStatementProfile(store::Connection &c)
{
    if (!profilingStatements())
        return;
    if (auto r = c.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"); !r)
        qFatal("pipeline bench: %s", qPrintable(r.error().message));
    c.exec("SELECT pg_stat_statements_reset()");
}

/// The statements that took most of this database's time (planning and execution) since the
/// reset, one line each; empty without SALESFLOW_BENCH_PG_PROFILE=1.
QString statementProfile(store::Connection &c, int events)
{
    if (!profilingStatements())
        return {};
    auto r = c.exec("SELECT calls, total_plan_time + total_exec_time, rows, sum(total_plan_time + total_exec_time) "
                    "OVER (), regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements WHERE dbid = (SELECT "
                    "oid FROM pg_database WHERE datname = current_database()) ORDER BY 2 DESC LIMIT 6");
    if (!r)
        return QStringLiteral("\n  statement profile failed: %1").arg(r.error().message);
    QString out = QStringLiteral("\n  PostgreSQL statements, planning and execution: %1 ms per event in all; the top:")
                      .arg(r->size() ? r->real(0, 3) / events : 0.0, 0, 'f', 3);
    for (int i = 0; i < r->size(); ++i)
        out += QStringLiteral("\n    %1 ms per event, %2 calls, %3 rows per call: %4")
                   .arg(r->real(i, 1) / events, 0, 'f', 3)
                   .arg(r->int64(i, 0))
                   .arg(double(r->int64(i, 2)) / qMax<qint64>(1, r->int64(i, 0)), 0, 'f', 1)
                   .arg(r->text(i, 4).left(110));
    return out;
}

QProcessEnvironment workerEnv(const Mode &m, const test::LlmEmulator &llm, const test::HubSpotEmulator &hs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("salesflow.*.info=false"));
    env.insert(QStringLiteral("SALESFLOW_REVIEW_THRESHOLD"), QStringLiteral("0")); // nothing waits for a person
    env.remove(QStringLiteral("HUBSPOT_ACCESS_TOKEN"));
    if (m.llm) {
        env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("openai"));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), llm.openaiBaseUrl());
        env.insert(QStringLiteral("OPENAI_API_KEY"), QString::fromLatin1(llm.openaiKey));
        if (m.llmConcurrency > 0)
            env.insert(QStringLiteral("SALESFLOW_LLM_CONCURRENCY"), QString::number(m.llmConcurrency));
    } else {
        env.insert(QStringLiteral("SALESFLOW_LLM"), QStringLiteral("offline"));
    }
    if (m.hubspot) {
        env.insert(QStringLiteral("HUBSPOT_ACCESS_TOKEN"), QString::fromLatin1(hs.token));
        env.insert(QStringLiteral("HUBSPOT_BASE_URL"), hs.baseUrl());
        env.insert(QStringLiteral("SALESFLOW_HUBSPOT_BURST"), QString::number(hs.burstLimit));
    }
    return env;
}

QString drain(test::PgServer &pg, const Mode &m, int events, int round)
{
    test::LlmEmulator llm;
    llm.start();
    llm.setDefaultDelayMs(0);
    test::HubSpotEmulator hs;
    hs.burstLimit = 1000000; // the engine's work is measured here, not HubSpot's limit (writeback section)
    hs.dailyLimit = 100000000;
    hs.start();
    const QString url
        = storeBacklog(pg, QStringLiteral("pipeline_%1_%2").arg(round).arg(m.hubspot + 2 * m.llm), events);
    auto db = store::Database::open(url);
    auto c = db.value()->acquire();
    if (m.hubspot)
        setUpHubSpot(hs.baseUrl(), hs.token, *c.value());
    resetStatementProfile(*c.value());
    const qint64 postmaster = postmasterOf(*c.value());
    const qint64 dbCpuBefore = cpuMsOfServer(postmaster);
    QProcess worker;
    startWorker(worker, url, workerEnv(m, llm, hs));
    QElapsedTimer clock;
    clock.start();
    QStringList tenths;
    qint64 through = 0, last = 0;
    for (int tenth = 1; tenth <= 10 && clock.elapsed() < 3600000; ++tenth) {
        while (through < qint64(events) * tenth / 10 && clock.elapsed() < 3600000) {
            QThread::msleep(qBound(100, events / 1000, 1000)); // the count is a scan: rarer on a big backlog
            through = c.value()
                          ->exec("SELECT count(*) FROM raw_events WHERE status IN ('done', 'failed', "
                                 "'in_review')")
                          ->int64(0, 0);
        }
        const qint64 ms = clock.elapsed();
        tenths << QString::number(double(events) / 10 * 1000 / double(qMax<qint64>(1, ms - last)), 'f', 0);
        last = ms;
    }
    const qint64 cpu = cpuMsOf(worker.processId());
    const qint64 dbCpu = cpuMsOfServer(postmaster) - dbCpuBefore;
    worker.terminate();
    worker.waitForFinished(20000);
    const auto st = c.value()->exec("SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status "
                                    "= 'failed'), (SELECT count(*) FROM crm_actions) FROM raw_events");
    return QStringLiteral("%1: %2 events in %3 s = %4 events/s (target >= 2,000); engine CPU %5 ms per event (target "
                          "<= 0.5), PostgreSQL "
                          "%10 ms; per tenth of the backlog: %6 events/s; %7 done, %8 failed, %9 HubSpot actions")
               .arg(m.name)
               .arg(events)
               .arg(double(last) / 1000, 0, 'f', 1)
               .arg(double(events) * 1000 / double(qMax<qint64>(1, last)), 0, 'f', 0)
               .arg(double(cpu) / qMax(1, events), 0, 'f', 2)
               .arg(tenths.join(QLatin1Char(' ')))
               .arg(st->int64(0, 0))
               .arg(st->int64(0, 1))
               .arg(st->int64(0, 2))
               .arg(double(dbCpu) / qMax(1, events), 0, 'f', 2)
        + statementProfile(*c.value(), events);
}

} // namespace

void runPipelineBenchmarks(test::PgServer &pg, const Say &say)
{
    const int backlog = qEnvironmentVariableIntValue("SALESFLOW_BENCH_BACKLOG") > 0
        ? qEnvironmentVariableIntValue("SALESFLOW_BENCH_BACKLOG")
        : 20000;
    say(QStringLiteral(
            "salesflowd serve --role worker --workers 2 draining %1 received chat events "
            "(SALESFLOW_BENCH_BACKLOG=%1; the issue's 1,000,000 takes about 20 minutes offline); engine CPU = "
            "salesflowd utime+stime over the whole drain, PostgreSQL = its server's processes (backends, "
            "autovacuum, checkpointer) over the same time; HubSpot emulator without rate limits")
            .arg(backlog));
    const Mode modes[]
        = {{QStringLiteral("offline analyser, dry run"), false, false},
           {QStringLiteral("instant LLM (OpenAI emulator), dry run"), true, false},
           {QStringLiteral("instant LLM, 16 calls at once (SALESFLOW_LLM_CONCURRENCY=16), dry run"), true, false, 16},
           {QStringLiteral("offline analyser, HubSpot emulator"), false, true}};
    say(queueFloor(pg, qMin(backlog, 20000)));
    int round = 0;
    for (const Mode &m : modes) {
        const int events = round == 0 ? backlog : qMin(backlog, 5000); // the first mode drains the whole backlog
        say(drain(pg, m, events, ++round));
    }
}

} // namespace salesflow::bench
