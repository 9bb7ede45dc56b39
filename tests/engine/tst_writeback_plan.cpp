// Planning for the write stage: a batch's actions in the ledger (ActionRepository::planAll)
// equal to planning its events one by one, and the lead score a contact's answers add up to.
#include "tst_suites.h"

#include "engine/pipeline/plan/planstage.h"
#include "engine/store/actionrepository.h"
#include "engine/store/database.h"
#include "engine/store/enrichmentrepository.h"
#include "engine/store/entityrepository.h"
#include "engine/store/migrator.h"
#include "tests/support/testbackend.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace salesflow;

namespace {

store::PlannedAction planned(const QString &kind, const QString &key, const QString &body)
{
    return {kind, QStringLiteral("notes"), QStringLiteral("event:x"), key,
            QJsonObject{{QStringLiteral("id"), key},
                        {QStringLiteral("properties"), QJsonObject{{QStringLiteral("body"), body}}}}};
}

/// A ledger with a history: a dry-run upsert, a note done and read back, a failed task.
void seedLedger(store::Connection &c)
{
    for (const char *id : {"e0", "e1", "e2", "e3"})
        QVERIFY(c.exec("INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at,"
                       " received_by, status, updated_at) VALUES ($1, 'chat', 'application/json', $1, $2, 2, 1, 't',"
                       " 'enriched', 1)",
                       {QString::fromLatin1(id), QByteArray("{}")})
                    .ok());
    QVERIFY(store::ActionRepository::plan(
                c, QStringLiteral("e0"),
                {planned(QStringLiteral("upsert_company"), QStringLiteral("company:acme"), QStringLiteral("acme")),
                 planned(QStringLiteral("note"), QStringLiteral("note:old"), QStringLiteral("old")),
                 planned(QStringLiteral("task"), QStringLiteral("task:x"), QStringLiteral("call"))},
                1)
                .ok());
    QVERIFY(c.exec("UPDATE crm_actions SET status = CASE idempotency_key WHEN 'company:acme' THEN 'dry_run'"
                   " WHEN 'note:old' THEN 'done' ELSE 'failed' END, verified = 'ok'")
                .ok());
}

/// Three events planned after seedLedger: keys shared between them and with the ledger, changed
/// and unchanged, new and old.
QList<store::ActionRepository::EventPlan> laterPlans()
{
    const auto company
        = planned(QStringLiteral("upsert_company"), QStringLiteral("company:acme"), QStringLiteral("acme"));
    return {{QStringLiteral("e1"),
             {company, planned(QStringLiteral("note"), QStringLiteral("note:e1"), QStringLiteral("one")),
              planned(QStringLiteral("note"), QStringLiteral("note:old"), QStringLiteral("old, edited"))}},
            {QStringLiteral("e2"),
             {company, planned(QStringLiteral("upsert_contact"), QStringLiteral("contact:bob"), QStringLiteral("v1")),
              planned(QStringLiteral("note"), QStringLiteral("note:e2"), QStringLiteral("two"))}},
            {QStringLiteral("e3"),
             {planned(QStringLiteral("upsert_contact"), QStringLiteral("contact:bob"), QStringLiteral("v2")),
              planned(QStringLiteral("task"), QStringLiteral("task:x"), QStringLiteral("call")),
              planned(QStringLiteral("note"), QStringLiteral("note:e1"), QStringLiteral("one"))}}};
}

QStringList ledger(store::Connection &c)
{
    QStringList rows;
    auto r = c.exec("SELECT idempotency_key, event_id, status, payload, payload_hash, COALESCE(verified, '-')"
                    " FROM crm_actions ORDER BY idempotency_key");
    for (int i = 0; i < r->size(); ++i)
        rows << QStringList{r->text(i, 0), r->text(i, 1), r->text(i, 2), r->text(i, 3), r->text(i, 4), r->text(i, 5)}
                    .join(QLatin1String(" | "));
    return rows;
}

} // namespace

void TestWriteback::planningABatchEqualsPlanningItsEventsOneByOne()
{
    auto together = store::Database::open(test::freshDbUrl(QStringLiteral("plan_all")));
    auto oneByOne = store::Database::open(test::freshDbUrl(QStringLiteral("plan_each")));
    auto a = together.value()->acquire();
    auto b = oneByOne.value()->acquire();
    for (store::Connection *c : {a.value().get(), b.value().get()}) {
        QVERIFY(store::Migrator::migrate(*c).ok());
        seedLedger(*c);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(store::ActionRepository::planAll(*a.value(), laterPlans(), 2).ok());
    for (const auto &p : laterPlans())
        QVERIFY(store::ActionRepository::plan(*b.value(), p.eventId, p.actions, 2).ok());
    const QStringList rows = ledger(*a.value());
    QCOMPARE(rows, ledger(*b.value()));
    // What that is: the dry-run upsert and the failed task planned again, the edited note
    // planned again with its read-back cleared, a key two events share owned by the first and
    // carrying the later payload.
    auto row = [&rows](const char *key) {
        for (const QString &r : rows)
            if (r.startsWith(QLatin1String(key) + QLatin1String(" |")))
                return r.split(QLatin1String(" | "));
        return QStringList();
    };
    QCOMPARE(row("company:acme").mid(1, 2), (QStringList{QStringLiteral("e0"), QStringLiteral("planned")}));
    QCOMPARE(row("task:x").mid(1, 2), (QStringList{QStringLiteral("e0"), QStringLiteral("planned")}));
    QCOMPARE(row("note:old").at(2), QStringLiteral("planned"));
    QVERIFY(row("note:old").at(3).contains(QLatin1String("old, edited")));
    QCOMPARE(row("note:old").at(5), QStringLiteral("-"));
    QCOMPARE(row("contact:bob").at(1), QStringLiteral("e2"));
    QVERIFY(row("contact:bob").at(3).contains(QLatin1String("v2")));
    QCOMPARE(row("note:e1").at(1), QStringLiteral("e1"));
    QCOMPARE(rows.size(), 6);
}

namespace {

/// Three enriched chats of one contact with score changes +5, +10 (a first answer of +20 was
/// replaced) and -3; their jobs.
QList<queue::Job> seedScoredChats(store::Connection &c)
{
    const int changes[] = {5, 10, -3};
    QList<queue::Job> jobs;
    for (int i = 0; i < 3; ++i) {
        const QString id = QStringLiteral("ev%1").arg(i);
        c.exec("INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at,"
               " received_by, status, updated_at) VALUES ($1, 'chat', 'application/json', $1, $2, 2, 1, 't',"
               " 'enriched', 1)",
               {id, QByteArray("{}")});
        sources::Normalised n;
        n.kind = QStringLiteral("chat");
        n.contactEmail = QStringLiteral("pat@firm.example");
        n.occurredAtMs = 1000 + i;
        n.text = QStringLiteral("We need pricing.");
        store::EntityRepository::storeNormalised(c, id, n);
        EnrichmentInfo e;
        e.summary = QStringLiteral("wants pricing");
        e.intent = QStringLiteral("high");
        e.outcome = QStringLiteral("ok");
        e.reviewState = QStringLiteral("not_required");
        e.createdAtMs = 2000 + i;
        if (i == 1) {
            e.leadScoreChange = 20;
            store::EnrichmentRepository::insert(c, id, e);
        }
        e.leadScoreChange = changes[i];
        store::EnrichmentRepository::insert(c, id, e);
        queue::Job job;
        job.eventId = id;
        jobs << job;
    }
    return jobs;
}

/// The lead scores planned for seedScoredChats' events, in one batch or one by one (applied).
QStringList plannedScores(store::Connection &c, bool together)
{
    const QList<queue::Job> jobs = seedScoredChats(c);
    pipeline::PlanStage stage;
    QList<Result<pipeline::StageOutput>> outs;
    if (together)
        outs = stage.runBatch(jobs, c);
    else
        for (const queue::Job &job : jobs)
            outs << stage.run(job, c);
    for (const auto &out : outs) {
        if (!out || !out->batchWrite || !out->batchWrite->apply(c, {out->batchPart}))
            return {QStringLiteral("plan failed: ") + (out ? QString() : out.error().message)};
    }
    QStringList scores;
    auto r = c.exec("SELECT payload FROM crm_actions WHERE kind = 'update_contact' ORDER BY idempotency_key");
    for (int i = 0; i < r->size(); ++i)
        scores << QJsonDocument::fromJson(r->bytes(i, 0))
                      .object()
                      .value(QLatin1String("properties"))
                      .toObject()
                      .value(QLatin1String("salesflow_lead_score"))
                      .toString();
    return scores;
}

} // namespace

void TestWriteback::leadScoreAddsUpTheContactsLatestAnswersPlannedTogetherOrAlone()
{
    for (const bool together : {true, false}) {
        auto db = store::Database::open(
            test::freshDbUrl(together ? QStringLiteral("score_batch") : QStringLiteral("score_each")));
        auto c = db.value()->acquire();
        QVERIFY(store::Migrator::migrate(*c.value()).ok());
        // 50, plus the earlier events' latest answers, plus this one's.
        QCOMPARE(plannedScores(*c.value(), together),
                 (QStringList{QStringLiteral("55"), QStringLiteral("65"), QStringLiteral("62")}));
    }
}
