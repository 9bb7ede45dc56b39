// Store: migrations, raw-first batch insert with dedup, queries — on SQLite and PostgreSQL.
#include "tst_suites.h"

#include "engine/core/clock.h"
#include "engine/core/ids.h"
#include "engine/store/database.h"
#include "engine/store/enrichmentrepository.h"
#include "engine/store/eventrepository.h"
#include "engine/store/migrator.h"
#include "engine/store/tokenrepository.h"
#include "tests/support/engines.h"
#include "tests/support/testbackend.h"

#include <QtTest>

using namespace salesflow;
using namespace salesflow::store;

namespace {
using test::openDb;

NewRawEvent ev(const QString &key, const QString &source = QStringLiteral("form"))
{
    return NewRawEvent{ids::newEventId(),
                       source,
                       "application/json",
                       "{\"k\":\"" + key.toUtf8() + "\"}",
                       source + QStringLiteral(":key:") + key,
                       QStringLiteral("test")};
}

Result<QList<IngestReceipt>> insert(Connection &c, const QList<NewRawEvent> &events)
{
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto r = EventRepository::insertBatch(c, events, QStringLiteral("normalise"), 5, nowMs());
    if (!r)
        return r;
    if (Status s = tx.commit(); !s)
        return s.error();
    return r;
}

QStringList tables(Connection &c)
{
    auto r = c.dialect() == Dialect::Postgres
        ? c.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        : c.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1");
    QStringList out;
    for (int i = 0; i < r->size(); ++i)
        out << r->text(i, 0);
    return out;
}
} // namespace

void TestStore::migrationCreatesTheDataModel()
{
    auto db = openDb(QStringLiteral("mig"), false);
    auto c = db->acquire();
    QCOMPARE(Migrator::currentVersion(*c.value()).value(), 0);
    QVERIFY(!Migrator::check(*c.value()).ok());
    auto applied = Migrator::migrate(*c.value());
    QVERIFY2(applied.ok(), qPrintable(applied.error().message));
    QCOMPARE(applied.value(), Migrator::latestVersion());
    QVERIFY(Migrator::check(*c.value()).ok());
    // Golden: the tables of the data model (PRODUCT.md) plus the writers' shared rate budget,
    // sessions, throttled logins, review claims and the events each replay takes.
    const QStringList expected{
        QStringLiteral("api_tokens"),     QStringLiteral("audit_logs"),        QStringLiteral("crm_action_results"),
        QStringLiteral("crm_actions"),    QStringLiteral("crm_entities"),      QStringLiteral("enrichment_outputs"),
        QStringLiteral("hubspot_calls"),  QStringLiteral("hubspot_state"),     QStringLiteral("jobs"),
        QStringLiteral("login_failures"), QStringLiteral("normalised_events"), QStringLiteral("prompt_versions"),
        QStringLiteral("raw_events"),     QStringLiteral("replay_items"),      QStringLiteral("replays"),
        QStringLiteral("review_claims"),  QStringLiteral("schema_migrations"), QStringLiteral("sessions"),
        QStringLiteral("users")};
    QStringList got = tables(*c.value());
    got.removeAll(QStringLiteral("sqlite_sequence"));
    QCOMPARE(got, expected);
    if (c.value()->dialect() == Dialect::Postgres) {
        // PostgreSQL-only lines ran: ANALYZE skips the payload; keys compare bytewise.
        QCOMPARE(c.value()
                     ->exec("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'raw_events'::regclass"
                            " AND attname = 'payload'")
                     ->int64(0, 0),
                 0);
        QCOMPARE(c.value()
                     ->exec("SELECT collation_name FROM information_schema.columns WHERE table_name = 'raw_events'"
                            " AND column_name = 'dedup_key'")
                     ->text(0, 0),
                 QStringLiteral("C"));
    }
    // Migrating again is a no-op.
    QCOMPARE(Migrator::migrate(*c.value()).value(), 0);
}

void TestStore::newerDatabaseIsRefused()
{
    auto db = openDb(QStringLiteral("newer"));
    auto c = db->acquire();
    QVERIFY(
        c.value()->exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").ok());
    auto m = Migrator::migrate(*c.value());
    QVERIFY(!m.ok());
    QCOMPARE(m.error().code, QStringLiteral("store.schema_too_new"));
    QVERIFY(m.error().message.contains(QStringLiteral("999")));
    QVERIFY(m.error().message.contains(QStringLiteral("upgrade SalesFlow")));
    QCOMPARE(Migrator::check(*c.value()).error().code, QStringLiteral("store.schema_too_new"));
}

void TestStore::aSchemaOneVersionNewerServesTheRollingUpgrade()
{
    // The new release migrated; this (previous) binary keeps serving beside it.
    auto db = openDb(QStringLiteral("ahead"));
    auto c = db->acquire();
    const int next = Migrator::latestVersion() + 1;
    QVERIFY(c.value()
                ->exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'next', 0)", {next})
                .ok());
    QCOMPARE(Migrator::migrate(*c.value()).value(), 0);
    QVERIFY(Migrator::check(*c.value()).ok());
    QCOMPARE(Migrator::currentVersion(*c.value()).value(), next);
}

void TestStore::insertBatchDedupsByUniqueKey()
{
    auto db = openDb(QStringLiteral("dedup"));
    auto c = db->acquire();
    auto a = ev(QStringLiteral("a")), b = ev(QStringLiteral("b")), a2 = ev(QStringLiteral("a"));
    auto r = insert(*c.value(), {a, b, a2});
    QVERIFY2(r.ok(), qPrintable(r.error().message));
    QCOMPARE(r->size(), 3);
    QCOMPARE(r->at(0).id, a.id);
    QVERIFY(!r->at(0).duplicate);
    QVERIFY(!r->at(1).duplicate);
    QVERIFY(r->at(2).duplicate);
    QCOMPARE(r->at(2).id, a.id); // the first id
    // Across batches too.
    auto again = insert(*c.value(), {ev(QStringLiteral("b"))});
    QVERIFY(again->at(0).duplicate);
    QCOMPARE(again->at(0).id, b.id);
    // One raw row, one first job and one audit entry per new event.
    QCOMPARE(c.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0), 2);
    QCOMPARE(c.value()->exec("SELECT count(*) FROM jobs WHERE stage = 'normalise'")->int64(0, 0), 2);
    QCOMPARE(c.value()->exec("SELECT count(*) FROM raw_events WHERE received_by = 'test'")->int64(0, 0), 2);
}

void TestStore::payloadBytesAreKeptExactly()
{
    auto db = openDb(QStringLiteral("bytes"));
    auto c = db->acquire();
    NewRawEvent e = ev(QStringLiteral("bin"), QStringLiteral("email"));
    e.payload = QByteArray("\x00\xff\xfe\r\n\\x\"'{}", 11) + QByteArray(100000, 'z');
    e.contentType = "message/rfc822";
    QVERIFY(insert(*c.value(), {e}).ok());
    auto d = EventRepository::detail(*c.value(), e.id);
    QVERIFY(d.ok());
    QCOMPARE(d->payload, e.payload);
    QCOMPARE(d->summary.sizeBytes, e.payload.size());
    QCOMPARE(d->summary.status, QStringLiteral("received"));
    QCOMPARE(d->audit.size(), 1); // "received", by whom and when
    QCOMPARE(d->audit.first().action, QStringLiteral("received"));
    QCOMPARE(d->audit.first().actor, QStringLiteral("test"));
    QCOMPARE(d->jobs.size(), 1);
    QCOMPARE(d->jobs.first().stage, QStringLiteral("normalise"));
}

void TestStore::rolledBackBatchLeavesNothing()
{
    auto db = openDb(QStringLiteral("rollback"));
    auto c = db->acquire();
    {
        Tx tx(*c.value());
        QVERIFY(tx.begin(true).ok());
        QVERIFY(
            EventRepository::insertBatch(*c.value(), {ev(QStringLiteral("x"))}, QStringLiteral("normalise"), 5, nowMs())
                .ok());
        // no commit: the guard rolls back
    }
    QCOMPARE(c.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0), 0);
    QCOMPARE(c.value()->exec("SELECT count(*) FROM jobs")->int64(0, 0), 0);
}

void TestStore::aTransactionIsOpenFromItsFirstStatement()
{
    // PostgreSQL sends BEGIN with the first statement (one round trip): that statement and the
    // ones after it are still invisible to others until COMMIT, and an empty one commits nothing.
    auto db = openDb(QStringLiteral("txfirst"));
    auto writer = db->connect();
    auto reader = db->connect();
    QVERIFY(writer && reader);
    {
        Tx empty(*writer.value());
        QVERIFY(empty.begin(true));
        QVERIFY(empty.commit());
    }
    Tx tx(*writer.value());
    QVERIFY(tx.begin(true));
    QVERIFY(EventRepository::insertBatch(*writer.value(), {ev(QStringLiteral("a"))}, QStringLiteral("normalise"), 5,
                                         nowMs()));
    QCOMPARE(reader.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0), 0);
    QVERIFY(tx.commit());
    QCOMPARE(reader.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0), 1);
    QCOMPARE(reader.value()->exec("SELECT count(*) FROM jobs")->int64(0, 0), 1);
}

void TestStore::aFailedStatementRollsBackItsWholeTransaction()
{
    auto db = openDb(QStringLiteral("txfail"));
    auto c = db->connect();
    QVERIFY(c);
    {
        Tx tx(*c.value());
        QVERIFY(tx.begin(true));
        QVERIFY(EventRepository::insertBatch(*c.value(), {ev(QStringLiteral("a"))}, QStringLiteral("normalise"), 5,
                                             nowMs()));
        auto bad = c.value()->exec("INSERT INTO no_such_table VALUES (1)");
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, QStringLiteral("store.error"));
    }
    {
        Tx tx(*c.value()); // the first statement of a transaction fails: nothing is left open
        QVERIFY(tx.begin(true));
        auto bad = c.value()->exec("SELECT * FROM no_such_table");
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QLatin1String("no_such_table")), qPrintable(bad.error().message));
    }
    QCOMPARE(c.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0), 0);
    QVERIFY(insert(*c.value(), {ev(QStringLiteral("b"))})); // the connection goes on
    QCOMPARE(c.value()->exec("SELECT count(*) FROM raw_events")->int64(0, 0), 1);
}

void TestStore::keysetPagesCoverEverythingOnce()
{
    auto db = openDb(QStringLiteral("pages"));
    auto c = db->acquire();
    QList<NewRawEvent> batch;
    for (int i = 0; i < 25; ++i)
        batch << ev(QStringLiteral("p%1").arg(i), i % 2 ? QStringLiteral("chat") : QStringLiteral("form"));
    QVERIFY(insert(*c.value(), batch).ok());
    QStringList seen;
    EventQuery q;
    q.limit = 10;
    int pages = 0;
    for (;;) {
        auto page = EventRepository::list(*c.value(), q);
        QVERIFY(page.ok());
        ++pages;
        for (const EventSummary &s : page->items)
            seen << s.id;
        if (page->next.isEmpty())
            break;
        q.after = page->next;
    }
    QCOMPARE(pages, 3);
    QCOMPARE(seen.size(), 25);
    QStringList sorted = seen;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    QCOMPARE(seen, sorted); // newest first, no overlap
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()).size(), 25);

    EventQuery chat;
    chat.source = QStringLiteral("chat");
    QCOMPARE(EventRepository::list(*c.value(), chat)->items.size(), 12);
    EventQuery failed;
    failed.status = QStringLiteral("failed");
    QCOMPARE(EventRepository::list(*c.value(), failed)->items.size(), 0);
    EventQuery text;
    text.text = QStringLiteral("p1");
    QCOMPARE(EventRepository::list(*c.value(), text)->items.size(), 11); // p1, p10..p19
    EventQuery future;
    future.sinceMs = nowMs() + 60000;
    QCOMPARE(EventRepository::list(*c.value(), future)->items.size(), 0);
    EventQuery past;
    past.sinceMs = nowMs() - 60000;
    past.untilMs = nowMs() + 1;
    QCOMPARE(EventRepository::list(*c.value(), past)->items.size(), 25);
    past.untilMs = nowMs() - 30000;
    QCOMPARE(EventRepository::list(*c.value(), past)->items.size(), 0);
}

void TestStore::tokensAreStoredHashed()
{
    auto db = openDb(QStringLiteral("tokens"));
    auto c = db->acquire();
    auto t = TokenRepository::create(*c.value(), QStringLiteral("ci"), Role::Reviewer, QStringLiteral("cli:test"),
                                     nowMs());
    QVERIFY(t.ok());
    QVERIFY(t->startsWith("sft_"));
    auto rows = c.value()->exec("SELECT token_hash FROM api_tokens");
    QCOMPARE(rows->size(), 1);
    QVERIFY(!rows->text(0, 0).contains(QString::fromLatin1(t.value())));
    auto p = TokenRepository::lookup(*c.value(), t.value());
    QVERIFY(p.ok());
    QCOMPARE(p->name, QStringLiteral("ci"));
    QCOMPARE(p->role, Role::Reviewer);
    auto bad = TokenRepository::lookup(*c.value(), "sft_wrong");
    QCOMPARE(bad.error().httpStatus, 401);
}

void TestStore::keysWithQuotesAndBracesRoundTrip()
{
    auto db = openDb(QStringLiteral("oddkeys"));
    auto c = db->acquire();
    const QStringList keys{QStringLiteral("a\"b"), QStringLiteral("back\\slash"), QStringLiteral("{x,y}"),
                           QStringLiteral("NULL"), QStringLiteral("  spaced  "),  QStringLiteral("größe ✓")};
    QList<NewRawEvent> batch;
    for (const QString &k : keys)
        batch << ev(k);
    auto r = insert(*c.value(), batch);
    QVERIFY2(r.ok(), qPrintable(r.error().message));
    for (qsizetype i = 0; i < keys.size(); ++i) {
        auto d = EventRepository::detail(*c.value(), r->at(i).id);
        QVERIFY(d.ok());
        QCOMPARE(d->summary.dedupKey, QStringLiteral("form:key:") + keys[i]);
    }
    auto again = insert(*c.value(), {ev(keys[0]), ev(keys[5])});
    QVERIFY(again->at(0).duplicate && again->at(1).duplicate);
}

void TestStore::rowsWrittenAsJsonKeepTheirTextExactly()
{
    auto db = openDb(QStringLiteral("jsonrows"));
    auto c = db->acquire();
    auto r = insert(*c.value(), {ev(QStringLiteral("j1"))});
    QVERIFY(r.ok());
    const QString id = r->at(0).id;
    // Backslashes, quotes, an escape written out as text, a real NUL (kept visible as U+FFFD,
    // as text parameters keep it), control bytes, non-BMP characters.
    EnrichmentInfo e;
    e.summary = QStringLiteral("a\\u0000b \\\"q\" ") + QChar(0) + QStringLiteral(" \t\x01 \U0001F600 größe");
    e.intent = QStringLiteral("high");
    e.outcome = QStringLiteral("ok");
    e.costUsd = 0.000125;
    e.createdAtMs = 7;
    QVERIFY(store::EnrichmentRepository::insertAll(*c.value(), {{id, e}}).ok());
    auto stored = store::EnrichmentRepository::forEvent(*c.value(), id);
    QVERIFY(stored.ok());
    QCOMPARE(stored->size(), 1);
    QString expected = e.summary;
    expected.replace(QChar(0), QChar::ReplacementCharacter);
    QCOMPARE(stored->first().summary, expected);
    QCOMPARE(stored->first().costUsd, std::optional<double>(0.000125));
    QVERIFY(stored->first().reviewedBy.isEmpty()); // null, not "null"
}
