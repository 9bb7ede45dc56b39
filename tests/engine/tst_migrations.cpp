// Migration goldens (Mumble's src/tests): a database written by each earlier schema version,
// with rows, is migrated to the latest and its rows compared with tests/migrations/vN_expected.txt;
// then the engine of today reads it. SALESFLOW_WRITE_GOLDENS=1 rewrites the expected files.
#include "tst_suites.h"

#include "engine/local/localengine.h"
#include "engine/store/database.h"
#include "engine/store/migrator.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/testbackend.h"

#include <QFile>
#include <QtTest>

using namespace salesflow;

namespace {

struct Dump
{
    const char *table;
    const char *columns;
    const char *orderBy;
};

// Every column a migration added is in here, so a change of its default shows.
const Dump kDumps[] = {
    {"raw_events",
     "id, source, content_type, dedup_key, size_bytes, received_at, received_by, status, failed_stage, "
     "last_error, updated_at",
     "id"},
    {"normalised_events",
     "event_id, kind, occurred_at, actor, company, deal_ref, subject, body_text, attributes, "
     "contact_id, company_id, deal_id",
     "event_id"},
    {"crm_entities", "kind, local_key, hubspot_id, properties", "kind, local_key"},
    {"enrichment_outputs",
     "event_id, summary, intent, lead_quality, objections, confidence, prompt_version, provider, "
     "model, request_id, cached_tokens, cost_usd, llm_calls, http_retries, outcome, "
     "review_reasons, validation_notes, raw_output, review_state, reviewed_by, review_comment",
     "event_id, id"},
    {"crm_actions",
     "event_id, kind, idempotency_key, status, hubspot_id, object_type, payload_hash, sent_hash, "
     "attempts, last_error, verified",
     "idempotency_key"},
    {"crm_action_results", "attempt, response_code, hubspot_id, error", "id"},
    {"jobs", "event_id, stage, attempts, max_attempts, run_after, last_error, args", "event_id, stage"},
    {"audit_logs", "event_id, actor, action, before_state, after_state, detail", "id"},
    {"api_tokens", "name, role, revoked_at", "name"},
    {"hubspot_state", "name, value", "name"},
    {"users", "name, role, disabled_at", "name"},
    {"sessions", "token_hash, user_name, expires_at", "token_hash"},
    {"review_claims", "event_id, holder, until", "event_id"},
    {"prompt_versions", "name, version, author, active, settings, notes", "name, version"},
    {"replays",
     "requested_by, request, status, total, done, dry_run, from_stage, prompt_version, failed, changed, "
     "started_at, finished_at, error, lease_owner, lease_until, resumed, input_tokens, output_tokens, "
     "CASE WHEN cost_usd > 0 THEN 1 ELSE 0 END",
     "id"},
    {"replay_items", "replay_id, seq, event_id, state, changed, diff, error", "replay_id, seq"},
};

QByteArray dump(store::Connection &c)
{
    QByteArray out;
    for (const Dump &d : kDumps)
        out += test::dump(c, d.table,
                          QByteArray("SELECT ") + d.columns + " FROM " + d.table + " ORDER BY " + d.orderBy);
    return out;
}

QString goldenPath(int version, const char *what)
{
    return QStringLiteral(SALESFLOW_MIGRATION_GOLDENS "/v%1_%2").arg(version).arg(QLatin1String(what));
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

} // namespace

void TestMigrations::everyOldSchemaMigratesWithItsRows_data()
{
    QTest::addColumn<int>("version");
    for (int v = 1; v < store::Migrator::latestVersion(); ++v)
        QTest::newRow(qPrintable(QStringLiteral("v%1").arg(v))) << v;
}

void TestMigrations::everyOldSchemaMigratesWithItsRows()
{
    QFETCH(int, version);
    const QString url = test::freshDbUrl(QStringLiteral("golden_v%1").arg(version));
    {
        auto db = store::Database::open(url);
        QVERIFY2(db.ok(), qPrintable(db.error().message));
        auto c = db.value()->acquire();
        QCOMPARE(store::Migrator::migrate(*c.value(), version).value(), version);
        for (int v = 1; v <= version; ++v) // what each version wrote, older rows first
            QVERIFY(c.value()->execScript(readFile(goldenPath(v, "rows.sql"))).ok());
        auto applied = store::Migrator::migrate(*c.value());
        QVERIFY2(applied.ok(), qPrintable(applied.error().message));
        QCOMPARE(applied.value(), store::Migrator::latestVersion() - version);
        const QByteArray rows = dump(*c.value());
        if (qEnvironmentVariableIsSet("SALESFLOW_WRITE_GOLDENS")) {
            QFile f(goldenPath(version, "expected.txt"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(rows);
        }
        QCOMPARE(rows, readFile(goldenPath(version, "expected.txt")));
    }
    // Today's engine opens it and reads the old events' lineage.
    LocalEngine::Options o;
    o.config.dbUrl = url;
    auto engine = LocalEngine::open(o);
    QVERIFY2(engine.ok(), qPrintable(engine.error().message));
    QVERIFY(test::await(engine.value()->ready()).ok());
    auto d = test::await(engine.value()->event(test::caller(), QStringLiteral("0191a000-0000-7000-8000-000000000001")));
    QVERIFY2(d.ok(), qPrintable(d.error().message));
    QCOMPARE(d->enrichments.size(), 1);
    QCOMPARE(d->enrichments.first().summary, QStringLiteral("Asks for SSO before buying"));
    QCOMPARE(d->enrichments.first().objections.first().category, QStringLiteral("security"));
    QCOMPARE(d->actions.size(), version >= 3 ? 2 : 1); // v3 wrote the contact's upsert too
    QCOMPARE(d->actions.first().hubspotId, QStringLiteral("9001"));
    QCOMPARE(d->normalised->contactKey, QStringLiteral("dana@northwind.example"));
    auto stats = test::await(engine.value()->stats(test::caller()));
    QCOMPARE(stats->total, version >= 2 ? 4 : 3);
    // What the newest migration added works on the old rows: nobody holds a review item yet.
    QVERIFY(test::await(engine.value()->reviewQueue(test::caller(), 10, QString())).ok());
}
