// HubSpot writeback: the plan and write stages against the HubSpot emulator
// (tests/support/hubspotemulator), exactly-once through faults and replays, the shared rate
// budget, dry run, a rejected token, and the emulator's own fidelity against the OpenAPI files.
#include "tst_suites.h"

#include "engine/core/clock.h"
#include "engine/core/config.h"
#include "engine/hubspot/setup.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/replay.h"
#include "engine/pipeline/runner.h"
#include "engine/pipeline/stages.h"
#include "engine/pipeline/write/writestage.h"
#include "engine/sources/intake.h"
#include "engine/store/actionrepository.h"
#include "engine/store/database.h"
#include "engine/store/migrator.h"
#include "engine/store/sharedratebudget.h"
#include "tests/support/engines.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/hubspotfixture.h"
#include "tests/support/testbackend.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

#include <functional>
#include <thread>

using namespace salesflow;
using test::HubSpotEmulator;

namespace {

std::unique_ptr<LocalEngine> openEngine(Config config, const QString &url)
{
    config.dbUrl = url;
    return test::openEngine(config, {}, test::allStages());
}

/// One call from the client with the store's shared budget, as a writer makes it.
Result<hubspot::Response> call(hubspot::Client &client, store::Connection &c, const QByteArray &method,
                               const QString &path, const QJsonDocument &body = {})
{
    store::SharedRateBudget budget(c);
    return client.call(budget, method, path, body);
}

using test::chat;
using test::count;
using test::hubspotConfig;
using test::runSetup;

/// A JSON-Schema check of the OpenAPI subset we use: types, required, properties, maps, items,
/// enums, nullable, oneOf/anyOf/allOf. `lenient` names required fields the live API does not
/// enforce on requests (reference/hubspot/README.md, "Caveats").
void checkSchema(const QJsonValue &v, const QJsonObject &schema, const QString &at, const QStringList &lenient,
                 QStringList *errors)
{
    if (schema.isEmpty())
        return;
    if (v.isNull() && schema.value(QLatin1String("nullable")).toBool())
        return;
    for (const char *any : {"oneOf", "anyOf"}) {
        if (schema.contains(QLatin1String(any))) {
            for (const QJsonValue &alt : schema.value(QLatin1String(any)).toArray()) {
                QStringList e;
                checkSchema(v, alt.toObject(), at, lenient, &e);
                if (e.isEmpty())
                    return;
            }
            errors->append(QStringLiteral("%1: matches none of %2").arg(at, QLatin1String(any)));
            return;
        }
    }
    for (const QJsonValue &part : schema.value(QLatin1String("allOf")).toArray())
        checkSchema(v, part.toObject(), at, lenient, errors);
    const QString type = schema.value(QLatin1String("type")).toString();
    if (type == QLatin1String("object") || schema.contains(QLatin1String("properties"))) {
        if (!v.isObject()) {
            errors->append(QStringLiteral("%1: expected an object").arg(at));
            return;
        }
        const QJsonObject o = v.toObject();
        for (const QJsonValue &r : schema.value(QLatin1String("required")).toArray())
            if (!o.contains(r.toString()) && !lenient.contains(r.toString()))
                errors->append(QStringLiteral("%1: missing required %2").arg(at, r.toString()));
        const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
        const QJsonValue extra = schema.value(QLatin1String("additionalProperties"));
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (props.contains(it.key()))
                checkSchema(it.value(), props.value(it.key()).toObject(), at + QLatin1Char('.') + it.key(), lenient,
                            errors);
            else if (extra.isObject())
                checkSchema(it.value(), extra.toObject(), at + QLatin1Char('.') + it.key(), lenient, errors);
            else if (!props.isEmpty() && extra == QJsonValue(false))
                errors->append(QStringLiteral("%1: unexpected %2").arg(at, it.key()));
        }
    } else if (type == QLatin1String("array")) {
        if (!v.isArray()) {
            errors->append(QStringLiteral("%1: expected an array").arg(at));
            return;
        }
        int i = 0;
        for (const QJsonValue &item : v.toArray())
            checkSchema(item, schema.value(QLatin1String("items")).toObject(),
                        QStringLiteral("%1[%2]").arg(at).arg(i++), lenient, errors);
    } else if (type == QLatin1String("string")) {
        if (!v.isString())
            errors->append(QStringLiteral("%1: expected a string").arg(at));
        else if (schema.contains(QLatin1String("enum")) && !schema.value(QLatin1String("enum")).toArray().contains(v))
            errors->append(QStringLiteral("%1: %2 is not one of the enum").arg(at, v.toString()));
    } else if (type == QLatin1String("integer")) {
        if (!v.isDouble() || v.toDouble() != double(qint64(v.toDouble())))
            errors->append(QStringLiteral("%1: expected an integer").arg(at));
    } else if (type == QLatin1String("number")) {
        if (!v.isDouble())
            errors->append(QStringLiteral("%1: expected a number").arg(at));
    } else if (type == QLatin1String("boolean")) {
        if (!v.isBool())
            errors->append(QStringLiteral("%1: expected a boolean").arg(at));
    }
}

/// One call the writer or setup makes and the status HubSpot documents for it.
struct RouteCall
{
    QString path;
    QByteArray body;
    int status;
};

/// "path: got X, expected Y" for each call whose answer differs from the documented one.
QStringList callAll(const std::function<int(const QString &, const QByteArray &)> &post, const QList<RouteCall> &calls)
{
    QStringList wrong;
    for (const RouteCall &call : calls) {
        if (const int got = post(call.path, call.body); got != call.status)
            wrong << QStringLiteral("%1: got %2, expected %3").arg(call.path).arg(got).arg(call.status);
    }
    return wrong;
}

/// Upserts, one with a missing timestamp (207) and one with an unknown property (400).
QList<RouteCall> upsertCalls()
{
    return {
        {QStringLiteral("/crm/v3/objects/contacts/batch/upsert"),
         R"({"inputs":[{"idProperty":"email","id":"ann@acme.io","properties":{"email":"ann@acme.io","firstname":"Ann"},"objectWriteTraceId":"1"}]})",
         200},
        {QStringLiteral("/crm/v3/objects/notes/batch/upsert"),
         R"({"inputs":[{"idProperty":"salesflow_action_key","id":"note:x","properties":{"hs_timestamp":"2026-11-27T10:00:00.000Z","hs_note_body":"hi","salesflow_action_key":"note:x"}},
                           {"idProperty":"salesflow_action_key","id":"note:y","properties":{"hs_note_body":"no timestamp"},"objectWriteTraceId":"9"}]})",
         207},
        {QStringLiteral("/crm/v3/objects/notes/batch/upsert"),
         R"({"inputs":[{"idProperty":"salesflow_action_key","id":"a","properties":{"nope":"x"}}]})", 400}};
}

/// A search with six filter groups: one more than HubSpot allows.
QByteArray sixFilterGroups()
{
    QJsonArray groups;
    for (int i = 0; i < 6; ++i)
        groups.append(
            QJsonObject{{QStringLiteral("filters"),
                         QJsonArray{QJsonObject{{QStringLiteral("propertyName"), QStringLiteral("email")},
                                                {QStringLiteral("operator"), QStringLiteral("HAS_PROPERTY")}}}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("filterGroups"), groups}}).toJson();
}

/// Calls on the note and contact the upserts made: associations, reads, updates, a conflict, search.
QList<RouteCall> callsOn(const QString &note, const QString &contact)
{
    return {
        {QStringLiteral("/crm/v4/associations/notes/contacts/batch/create"),
         QStringLiteral(
             R"({"inputs":[{"from":{"id":"%1"},"to":{"id":"%2"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":202}]}]})")
             .arg(note, contact)
             .toUtf8(),
         201},
        {QStringLiteral("/crm/v4/associations/notes/contacts/batch/read"),
         QStringLiteral(R"({"inputs":[{"id":"%1"}]})").arg(note).toUtf8(), 200},
        {QStringLiteral("/crm/v3/objects/notes/batch/read"),
         QStringLiteral(R"({"inputs":[{"id":"%1"},{"id":"999999"}],"properties":["hs_note_body"]})").arg(note).toUtf8(),
         207},
        {QStringLiteral("/crm/v3/objects/contacts/batch/update"),
         QStringLiteral(R"({"inputs":[{"id":"%1","properties":{"salesflow_lead_score":"60"}}]})").arg(contact).toUtf8(),
         200},
        {QStringLiteral("/crm/v3/objects/contacts/batch/create"),
         R"({"inputs":[{"properties":{"email":"bo@acme.io"}}]})", 201},
        {QStringLiteral("/crm/v3/objects/contacts"), R"({"properties":{"email":"ann@acme.io"}})", 409},
        {QStringLiteral("/crm/v3/objects/contacts/search"),
         R"({"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"ann@acme.io"}]}],"limit":10})",
         200},
        {QStringLiteral("/crm/v3/objects/contacts/search"), sixFilterGroups(), 400}};
}

/// The OpenAPI operation ("POST /crm/v3/...") whose method and path template match, else empty.
QString operationFor(const QJsonObject &operations, const QByteArray &method, const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (auto it = operations.begin(); it != operations.end(); ++it) {
        const QString verb = it.key().section(QLatin1Char(' '), 0, 0);
        const QStringList tmpl = it.key().section(QLatin1Char(' '), 1).split(QLatin1Char('/'), Qt::SkipEmptyParts);
        if (verb.toUtf8().toUpper() != method || tmpl.size() != parts.size())
            continue;
        bool same = true;
        for (qsizetype i = 0; i < tmpl.size(); ++i)
            same = same && (tmpl[i].startsWith(QLatin1Char('{')) || tmpl[i] == parts[i]);
        if (same)
            return it.key();
    }
    return {};
}

/// What in one exchange differs from its operation: no operation, an undeclared success status,
/// or a request or response body outside the schema.
QStringList exchangeErrors(const QJsonObject &operations, const HubSpotEmulator::Exchange &x)
{
    const QString path = QString::fromUtf8(x.path);
    const QString key = operationFor(operations, x.method, path);
    if (key.isEmpty())
        return {QStringLiteral("%1 %2 is no operation of the OpenAPI files").arg(QString::fromUtf8(x.method), path)};
    const QJsonObject op = operations.value(key).toObject();
    QStringList errors;
    if (!x.body.isEmpty()) {
        checkSchema(QJsonDocument::fromJson(x.body).object(), op.value(QLatin1String("request")).toObject(),
                    QStringLiteral("request"),
                    {QStringLiteral("associations"), QStringLiteral("after"), QStringLiteral("sorts"),
                     QStringLiteral("properties"), QStringLiteral("filterGroups"), QStringLiteral("limit"),
                     QStringLiteral("propertiesWithHistory"), QStringLiteral("idProperty")},
                    &errors);
    }
    const QJsonObject responses = op.value(QLatin1String("responses")).toObject();
    const QString status = QString::number(x.status);
    if (!responses.contains(status) && x.status < 400)
        errors << QStringLiteral("answered %1, which its operation does not declare").arg(x.status);
    const QJsonValue schema
        = responses.contains(status) ? responses.value(status) : responses.value(QLatin1String("default"));
    if (!x.response.isEmpty())
        checkSchema(QJsonDocument::fromJson(x.response).object(), schema.toObject(),
                    QStringLiteral("response %1").arg(x.status), {}, &errors);
    for (QString &e : errors)
        e.prepend(key + QStringLiteral(": "));
    return errors;
}

/// The security email of the samples in HubSpot: its contact, company, the note with the objection and the
/// task with the draft, associated. Sets `eventId` and `noteId` for what follows.
void checkSecurityEmailWritten(HubSpotEmulator &emu, store::Connection &c, const QString &sampleId, QString &eventId,
                               qint64 &noteId)
{
    auto row = c.exec(
        "SELECT n.event_id, ce.local_key, ce.hubspot_id FROM normalised_events n JOIN raw_events r ON r.id = n.event_id"
        " JOIN crm_entities ce ON ce.id = n.contact_id WHERE r.id = $1",
        {sampleId});
    QCOMPARE(row->size(), 1);
    eventId = row->text(0, 0);
    const QString email = row->text(0, 1);
    const qint64 contactId = row->text(0, 2).toLongLong();
    QVERIFY(contactId > 0);
    bool contactFound = false;
    for (const auto &o : emu.objects(QStringLiteral("contacts"))) {
        if (o.id != contactId)
            continue;
        contactFound = true;
        QCOMPARE(o.properties.value(QStringLiteral("email")), email);
        QCOMPARE(o.properties.value(QStringLiteral("salesflow_intent")), QStringLiteral("high"));
        QVERIFY(!o.properties.value(QStringLiteral("salesflow_lead_score")).isEmpty());
        QVERIFY(!o.properties.value(QStringLiteral("salesflow_last_ai_summary_date")).isEmpty());
    }
    QVERIFY(contactFound);
    qint64 taskId = 0;
    for (const auto &n : emu.objects(QStringLiteral("notes")))
        if (n.properties.value(QStringLiteral("salesflow_action_key")) == QStringLiteral("note:") + eventId) {
            noteId = n.id;
            QVERIFY(n.properties.value(QStringLiteral("hs_note_body")).contains(QLatin1String("security")));
            QVERIFY(n.properties.value(QStringLiteral("hs_note_body")).contains(QLatin1String("Next action")));
        }
    for (const auto &t : emu.objects(QStringLiteral("tasks")))
        if (t.properties.value(QStringLiteral("salesflow_action_key")) == QStringLiteral("task:") + eventId) {
            taskId = t.id;
            QVERIFY(t.properties.value(QStringLiteral("hs_task_body")).contains(QLatin1String("Draft email")));
            QCOMPARE(t.properties.value(QStringLiteral("hs_task_status")), QStringLiteral("NOT_STARTED"));
        }
    QVERIFY(noteId && taskId);
    auto assoc = [&](const QString &from, qint64 fromId, const QString &to, int typeId) {
        for (const auto &a : emu.associations())
            if (a.fromType == from && a.fromId == fromId && a.toType == to && a.typeId == typeId)
                return true;
        return false;
    };
    QVERIFY(assoc(QStringLiteral("notes"), noteId, QStringLiteral("contacts"), 202));
    QVERIFY(assoc(QStringLiteral("notes"), noteId, QStringLiteral("companies"), 190));
    QVERIFY(assoc(QStringLiteral("tasks"), taskId, QStringLiteral("contacts"), 204));
    QVERIFY(assoc(QStringLiteral("tasks"), taskId, QStringLiteral("companies"), 192));
}

/// Replays of the event from plan: unchanged actions send nothing; a changed one updates the note it made before.
void checkReplaysSendOnlyChanges(LocalEngine &engine, HubSpotEmulator &emu, store::Connection &c,
                                 const QString &eventId, qint64 noteId, qint64 planned)
{
    // A replay whose actions are unchanged sends nothing.
    const int before = emu.calls();
    auto plan = pipeline::Replay::replay(c, {{eventId}, 0, 0, {}, {}}, QStringLiteral("plan"), QStringLiteral("test"),
                                         5, false, nowMs());
    QVERIFY2(plan.ok() && plan->queued.size() == 1, plan.ok() ? "not queued" : qPrintable(plan.error().message));
    engine.runner()->waker().notify();
    QTRY_COMPARE_WITH_TIMEOUT(count(c, "SELECT count(*) FROM raw_events WHERE id = $1 AND status = 'done'", {eventId}),
                              1, 20000);
    QTest::qWait(300);
    QCOMPARE(emu.calls(), before);
    // A changed one updates the objects it made before: a new enrichment, same note and task.
    QVERIFY(c.exec("UPDATE enrichment_outputs SET summary = 'Changed summary for the replay' WHERE event_id = $1",
                   {eventId})
                .ok());
    plan = pipeline::Replay::replay(c, {{eventId}, 0, 0, {}, {}}, QStringLiteral("plan"), QStringLiteral("test"), 5,
                                    false, nowMs());
    QVERIFY(plan.ok() && plan->queued.size() == 1);
    engine.runner()->waker().notify();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto &n : emu.objects(QStringLiteral("notes")))
                if (n.id == noteId)
                    return n.properties.value(QStringLiteral("hs_note_body"))
                        .contains(QLatin1String("Changed summary for the replay"));
            return false;
        }(),
        20000);
    QCOMPARE(qint64(emu.objects(QStringLiteral("notes")).size()), planned);
    QCOMPARE(qint64(emu.objects(QStringLiteral("tasks")).size()), planned);
}

} // namespace

void TestWriteback::setupCreatesTheCustomPropertiesOnce()
{
    HubSpotEmulator emu;
    QVERIFY(emu.start());
    const Config cfg = hubspotConfig(emu);
    auto db = store::Database::open(test::freshDbUrl(QStringLiteral("setup")));
    auto c = db.value()->acquire();
    QVERIFY(store::Migrator::migrate(*c.value()).ok());
    QVERIFY(runSetup(cfg, *c.value()).ok());
    QVERIFY(emu.propertyDefinitions(QStringLiteral("notes"))
                .value(QStringLiteral("salesflow_action_key"))
                .value(QLatin1String("hasUniqueValue"))
                .toBool());
    QVERIFY(emu.propertyDefinitions(QStringLiteral("contacts")).contains(QStringLiteral("salesflow_lead_score")));
    const int calls = emu.calls();
    QVERIFY(runSetup(cfg, *c.value()).ok()); // again: everything exists, nothing created
    QCOMPARE(emu.calls() - calls, 11); // 4 group checks + 7 property reads
    // A wrong token is refused with HubSpot's message.
    Config bad = cfg;
    bad.hubspotAccessToken = "pat-na1-wrong";
    const Status s = runSetup(bad, *c.value());
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.contains(QLatin1String("401 (INVALID_AUTHENTICATION)")), qPrintable(s.error().message));
    QVERIFY(!s.error().message.contains(QLatin1String("pat-na1-wrong")));
}

void TestWriteback::samplesEndToEndMakeWhatARepExpects()
{
    HubSpotEmulator emu;
    QVERIFY(emu.start());
    const Config cfg = hubspotConfig(emu);
    const QString url = test::freshDbUrl(QStringLiteral("e2e"));
    // As a real team would configure it: our reps write from example-saas.com, so the other
    // people in emails and transcripts are the prospects.
    qputenv("SALESFLOW_OWN_DOMAINS", "example-saas.com");
    auto engine = openEngine(cfg, url);
    auto c = engine->database()->acquire();
    QVERIFY(runSetup(cfg, *c.value()).ok());
    const QHash<QString, QString> ids = test::ingestSamples(*engine);
    const qint64 total = count(*c.value(), "SELECT count(*) FROM raw_events");
    QTRY_COMPARE_WITH_TIMEOUT(
        count(*c.value(), "SELECT count(*) FROM raw_events WHERE status IN ('done', 'failed', 'in_review')"), total,
        60000);
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM raw_events WHERE status = 'failed'"), 0);
    const qint64 planned = count(*c.value(), "SELECT count(DISTINCT event_id) FROM crm_actions");
    qInfo() << planned << "of" << total << "sample events planned (the others are unlinked, CRM changes or in review)";
    QVERIFY(planned >= 8);
    // Every action done, none left over; every write read back and found.
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM crm_actions WHERE status NOT IN ('done', 'superseded')"), 0);
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM crm_actions WHERE verified IS NOT NULL AND verified <> 'ok'"), 0);
    QVERIFY(count(*c.value(), "SELECT count(*) FROM crm_actions WHERE verified = 'ok'") > 0);
    // One note and one task per planned event, each with its key; no duplicates.
    const auto notes = emu.objects(QStringLiteral("notes"));
    const auto tasks = emu.objects(QStringLiteral("tasks"));
    QCOMPARE(qint64(notes.size()), planned);
    QCOMPARE(qint64(tasks.size()), planned);
    QString eventId;
    qint64 noteId = 0;
    checkSecurityEmailWritten(emu, *c.value(), ids.value(QStringLiteral("email-security-questions.eml")), eventId,
                              noteId);
    if (QTest::currentTestFailed())
        return;
    // Writes go through the batch endpoints only (how many inputs a call carries depends on how
    // events arrive together; the benchmark measures it at volume).
    const qint64 actions = count(*c.value(), "SELECT count(*) FROM crm_actions");
    qInfo() << "writeback of the samples:" << actions << "actions," << emu.calls()
            << "HubSpot calls (setup and read-back included)";
    for (const auto &x : emu.exchanges())
        if (!x.path.startsWith("/crm/v3/properties/"))
            QVERIFY2(x.path.contains("/batch/"), x.path.constData());
    QCOMPARE(emu.tooManyRequests(), 0);

    if (QTest::currentTestFailed())
        return;
    checkReplaysSendOnlyChanges(*engine, emu, *c.value(), eventId, noteId, planned);
    engine->stop();
    qunsetenv("SALESFLOW_OWN_DOMAINS");
}

void TestWriteback::dryRunPlansAndSendsNothing()
{
    Config cfg; // no HUBSPOT_ACCESS_TOKEN
    cfg.reviewThreshold = 0.0;
    cfg.hubspotBaseUrl = QStringLiteral("http://127.0.0.1:9"); // would refuse, if anything were sent
    auto engine = openEngine(cfg, test::freshDbUrl(QStringLiteral("dry")));
    auto c = engine->database()->acquire();
    auto f = engine->ingest(test::caller(), {IngestItem{QStringLiteral("chat"), "application/json", chat(1), {}}});
    f.waitForFinished();
    const QString id = f.result().value().first().value().id;
    QTRY_COMPARE_WITH_TIMEOUT(
        count(*c.value(), "SELECT count(*) FROM raw_events WHERE id = $1 AND status = 'done'", {id}), 1, 20000);
    const qint64 planned = count(*c.value(), "SELECT count(*) FROM crm_actions WHERE event_id = $1", {id});
    QVERIFY2(
        planned >= 4,
        qPrintable(c.value()
                       ->exec("SELECT status || ' ' || COALESCE(last_error, '') FROM raw_events WHERE id = $1", {id})
                       ->text(0, 0)
                   + QString::number(planned)));
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM crm_actions WHERE event_id = $1 AND status <> 'dry_run'", {id}),
             0);
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM crm_action_results"), 0);
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM hubspot_calls"), 0);
    const QString detail
        = c.value()
              ->exec("SELECT detail FROM audit_logs WHERE event_id = $1 ORDER BY id DESC LIMIT 1", {id})
              ->text(0, 0);
    QVERIFY2(detail.contains(QLatin1String("dry run")), qPrintable(detail));
    engine->stop();
}

void TestWriteback::rejectedTokenStopsTheWriterWithoutAStorm()
{
    HubSpotEmulator emu;
    QVERIFY(emu.start());
    Config cfg = hubspotConfig(emu);
    cfg.hubspotAccessToken = "pat-na1-revoked";
    auto engine = openEngine(cfg, test::freshDbUrl(QStringLiteral("revoked")));
    auto c = engine->database()->acquire();
    QList<IngestItem> items;
    for (int i = 0; i < 5; ++i)
        items.append(IngestItem{QStringLiteral("chat"), "application/json", chat(i), {}});
    auto f = engine->ingest(test::caller(), items);
    f.waitForFinished();
    // Each write job tries once, is told 401, and holds for a minute: no retries, no storm. (Jobs
    // leased before the first 401 each make their one call, so wait until every one holds.)
    QTRY_VERIFY_WITH_TIMEOUT(count(*c.value(), "SELECT count(*) FROM jobs WHERE stage = 'write'") == items.size()
                                 && count(*c.value(),
                                          "SELECT count(*) FROM jobs WHERE stage = 'write'"
                                          " AND (last_error IS NULL OR last_error NOT LIKE '%401%')")
                                     == 0,
                             20000);
    const qint64 jobs = count(*c.value(), "SELECT count(*) FROM jobs WHERE stage = 'write'");
    const int calls = emu.calls();
    QVERIFY2(calls <= jobs, qPrintable(QStringLiteral("%1 calls for %2 write jobs").arg(calls).arg(jobs)));
    QTest::qWait(2000);
    QCOMPARE(emu.calls(), calls); // nothing more while they hold
    const QString why
        = c.value()
              ->exec("SELECT last_error FROM jobs WHERE stage = 'write' AND last_error IS NOT NULL LIMIT 1")
              ->text(0, 0);
    QVERIFY2(why.contains(QLatin1String("INVALID_AUTHENTICATION"))
                 && why.contains(QLatin1String("HUBSPOT_ACCESS_TOKEN")),
             qPrintable(why));
    // Nothing failed: the events wait for a fixed token, with their attempts untouched.
    QCOMPARE(count(*c.value(), "SELECT count(*) FROM raw_events WHERE status = 'failed'"), 0);
    QCOMPARE(count(*c.value(), "SELECT max(attempts) FROM jobs WHERE stage = 'write'"), 0);
    engine->stop();
}

void TestWriteback::faultsAndRetriesEndExactlyOnce()
{
    HubSpotEmulator emu;
    QVERIFY(emu.start());
    Config cfg = hubspotConfig(emu);
    cfg.hubspotTimeoutMs = 400;
    cfg.maxAttempts = 50;
    auto engine = openEngine(cfg, test::freshDbUrl(QStringLiteral("faults")));
    auto c = engine->database()->acquire();
    QVERIFY(runSetup(cfg, *c.value()).ok());
    // The faults that matter most first (the write lands, the answer does not), then 20% at random.
    emu.script(HubSpotEmulator::Fault::DropAfterCommit);
    emu.script(HubSpotEmulator::Fault::TimeoutAfterCommit);
    emu.script(HubSpotEmulator::Fault::Status503);
    emu.script(HubSpotEmulator::Fault::TenSecondly429);
    emu.setFaultRate(0.2, 7);
    QList<IngestItem> items;
    for (int i = 0; i < 40; ++i)
        items.append(IngestItem{QStringLiteral("chat"), "application/json", chat(i), {}});
    auto f = engine->ingest(test::caller(), items);
    f.waitForFinished();
    QTRY_COMPARE_WITH_TIMEOUT(count(*c.value(), "SELECT count(*) FROM raw_events WHERE status = 'done'"), 40, 120000);
    QVERIFY(emu.faultsInjected() >= 4);
    // Exactly once: one note and one task per event, whatever was dropped or timed out.
    QCOMPARE(emu.objects(QStringLiteral("notes")).size(), 40);
    QCOMPARE(emu.objects(QStringLiteral("tasks")).size(), 40);
    QCOMPARE(emu.objects(QStringLiteral("contacts")).size(), 40);
    QCOMPARE(emu.objects(QStringLiteral("companies")).size(), 7);
    QSet<QString> keys;
    for (const auto &n : emu.objects(QStringLiteral("notes")))
        keys.insert(n.properties.value(QStringLiteral("salesflow_action_key")));
    QCOMPARE(keys.size(), 40);
    // Every action that was sent has its attempts in the ledger (retries inside one call after a
    // timeout or 5xx are counted by the client, not as separate rows).
    QCOMPARE(
        count(*c.value(),
              "SELECT count(*) FROM crm_actions a WHERE a.status = 'done' AND a.kind <> 'note' AND a.kind <> 'task'"
              " AND NOT EXISTS (SELECT 1 FROM crm_action_results r WHERE r.action_id = a.id)"),
        0);
    qInfo() << "faults injected:" << emu.faultsInjected() << "of" << emu.calls() << "calls";
    engine->stop();
}

void TestWriteback::partialBatchRetriesOnlyTheFailedItems()
{
    HubSpotEmulator emu;
    QVERIFY(emu.start());
    const Config cfg = hubspotConfig(emu);
    auto db = store::Database::open(test::freshDbUrl(QStringLiteral("partial")));
    auto c = db.value()->acquire();
    QVERIFY(store::Migrator::migrate(*c.value()).ok());
    QVERIFY(runSetup(cfg, *c.value()).ok());
    // Three notes in one batch; the second lacks hs_timestamp, which HubSpot requires.
    QVERIFY(c.value()
                ->exec("INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at, "
                       "received_by, status, updated_at)"
                       " VALUES ('ev1', 'chat', 'application/json', 'k1', $1, 2, 1, 't', 'planned', 1)",
                       {QByteArray("{}")})
                .ok());
    QList<store::PlannedAction> actions;
    for (int i = 0; i < 3; ++i) {
        QJsonObject props{{QStringLiteral("hs_note_body"), QStringLiteral("note %1").arg(i)},
                          {QStringLiteral("salesflow_action_key"), QStringLiteral("note:p%1").arg(i)}};
        if (i != 1)
            props.insert(QStringLiteral("hs_timestamp"), QStringLiteral("2026-11-27T10:00:00.000Z"));
        actions.append({QStringLiteral("note"), QStringLiteral("notes"), QStringLiteral("event:ev1"),
                        QStringLiteral("note:p%1").arg(i),
                        QJsonObject{{QStringLiteral("idProperty"), QStringLiteral("salesflow_action_key")},
                                    {QStringLiteral("id"), QStringLiteral("note:p%1").arg(i)},
                                    {QStringLiteral("properties"), props}}});
    }
    QVERIFY(store::ActionRepository::plan(*c.value(), QStringLiteral("ev1"), actions, 1).ok());
    hubspot::ClientConfig hc;
    hc.baseUrl = cfg.hubspotBaseUrl;
    hc.token = cfg.hubspotAccessToken;
    pipeline::WriteStage stage(std::make_shared<hubspot::Client>(hc), pipeline::WriteStage::Options{1, 0.0});
    queue::Job job;
    job.eventId = QStringLiteral("ev1");
    auto out = stage.runBatch({job}, *c.value());
    QVERIFY(!out.first().ok());
    QVERIFY2(out.first().error().message.contains(QLatin1String("hs_timestamp is required")),
             qPrintable(out.first().error().message));
    QCOMPARE(emu.objects(QStringLiteral("notes")).size(), 2);
    auto failed = c.value()->exec("SELECT idempotency_key, last_error FROM crm_actions WHERE status = 'failed'");
    QCOMPARE(failed->size(), 1);
    QCOMPARE(failed->text(0, 0), QStringLiteral("note:p1"));
    QVERIFY(failed->text(0, 1).contains(QLatin1String("correlationId")));
    const QString code
        = c.value()
              ->exec("SELECT response_code FROM crm_action_results r JOIN crm_actions a ON a.id = r.action_id"
                     " WHERE a.idempotency_key = 'note:p1'")
              ->text(0, 0);
    QCOMPARE(code, QStringLiteral("207"));
    // Each attempt records what was sent for its own action: its input, not the batch's body.
    auto sent = c.value()->exec("SELECT a.idempotency_key, r.request FROM crm_action_results r"
                                " JOIN crm_actions a ON a.id = r.action_id ORDER BY a.idempotency_key");
    QCOMPARE(sent->size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject input = QJsonDocument::fromJson(sent->text(i, 1).toUtf8()).object();
        QCOMPARE(input.value(QLatin1String("id")).toString(), sent->text(i, 0));
        QCOMPARE(input.value(QLatin1String("properties")).toObject().value(QLatin1String("hs_note_body")).toString(),
                 QStringLiteral("note %1").arg(i));
    }
    // Run again: the two done notes are not sent; nothing is left to do but the failed one.
    const int calls = emu.calls();
    out = stage.runBatch({job}, *c.value());
    QCOMPARE(emu.calls(), calls);
}

void TestWriteback::rateBudgetKeepsUnderTheLimit()
{
    HubSpotEmulator emu;
    emu.burstLimit = 10;
    emu.windowMs = 1000; // a fast-forward HubSpot: 10 calls a second
    QVERIFY(emu.start());
    auto db = store::Database::open(test::freshDbUrl(QStringLiteral("budget")));
    auto c = db.value()->acquire();
    QVERIFY(store::Migrator::migrate(*c.value()).ok());
    hubspot::ClientConfig hc;
    hc.baseUrl = emu.baseUrl();
    hc.token = emu.token;
    hc.burstLimit = 10;
    hc.windowMs = 1000;
    // Two clients (as two worker processes would) share the budget through the database.
    hubspot::Client a(hc), b(hc);
    auto c2 = db.value()->acquire();
    QElapsedTimer t;
    t.start();
    std::thread other([&] {
        for (int i = 0; i < 20; ++i)
            (void)call(b, *c2.value(), "GET", QStringLiteral("/crm/v3/properties/contacts/email"));
    });
    for (int i = 0; i < 20; ++i)
        QVERIFY(call(a, *c.value(), "GET", QStringLiteral("/crm/v3/properties/contacts/email")).ok());
    other.join();
    QCOMPARE(emu.calls(), 40);
    QCOMPARE(emu.tooManyRequests(), 0);
    // 40 calls at 9 a window (one kept as headroom): at least 4 windows.
    QVERIFY2(t.elapsed() >= 3000, qPrintable(QString::number(t.elapsed())));
    // The daily share: with a tiny quota and a reserve, the writer holds instead of calling.
    hc.dailyLimit = 50;
    hc.dailyReserve = 0.1;
    hubspot::Client daily(hc);
    auto r = call(daily, *c.value(), "GET", QStringLiteral("/crm/v3/properties/contacts/email"));
    int made = 0;
    while (r.ok() && made < 100) {
        ++made;
        r = call(daily, *c.value(), "GET", QStringLiteral("/crm/v3/properties/contacts/email"));
    }
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("hold.daily"));
    QVERIFY(r.error().retryAfterMs > 0);
    // 90% of 50, all processes together (the day's counter; old rows of hubspot_calls are pruned).
    QCOMPARE(count(*c.value(), "SELECT CAST(value AS BIGINT) FROM hubspot_state WHERE name LIKE 'daily:%'"),
             qint64(45));
}

void TestWriteback::emulatorMatchesTheOpenApiFiles()
{
    QFile f(QStringLiteral(SALESFLOW_HUBSPOT_SUBSET));
    QVERIFY2(f.open(QIODevice::ReadOnly), "tests/support/hubspot/openapi-subset.json is missing");
    const QJsonObject operations
        = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("operations")).toObject();
    QVERIFY(operations.size() >= 11);
    // Every route the writer and setup use, errors included, through the real client.
    HubSpotEmulator emu;
    QVERIFY(emu.start());
    const Config cfg = hubspotConfig(emu);
    auto db = store::Database::open(test::freshDbUrl(QStringLiteral("openapi")));
    auto c = db.value()->acquire();
    QVERIFY(store::Migrator::migrate(*c.value()).ok());
    QVERIFY(runSetup(cfg, *c.value()).ok());
    hubspot::ClientConfig hc;
    hc.baseUrl = cfg.hubspotBaseUrl;
    hc.token = cfg.hubspotAccessToken;
    hubspot::Client client(hc);
    auto post = [&](const QString &path, const QByteArray &json) {
        auto r = call(client, *c.value(), "POST", path, QJsonDocument::fromJson(json));
        return r.ok() ? r->status : 0;
    };
    QStringList wrong = callAll(post, upsertCalls());
    const QString contact = QString::number(emu.objects(QStringLiteral("contacts")).first().id);
    const QString note = QString::number(emu.objects(QStringLiteral("notes")).first().id);
    wrong += callAll(post, callsOn(note, contact));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1String("; "))));
    // Search lags behind writes, as HubSpot's index does.
    emu.indexDelayMs = 400;
    QCOMPARE(post(QStringLiteral("/crm/v3/objects/contacts/batch/upsert"),
                  R"({"inputs":[{"idProperty":"email","id":"cy@acme.io","properties":{"email":"cy@acme.io"}}]})"),
             200);
    auto found = [&] {
        auto r = call(
            client, *c.value(), "POST", QStringLiteral("/crm/v3/objects/contacts/search"),
            QJsonDocument::fromJson(
                R"({"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"cy@acme.io"}]}]})"));
        return r.ok() ? r->json.object().value(QLatin1String("total")).toInt() : -1;
    };
    QCOMPARE(found(), 0);
    QTest::qWait(500);
    QCOMPARE(found(), 1);
    // The inspection route answers without a token.
    hubspot::ClientConfig anon = hc;
    anon.token = "x";
    hubspot::Client inspector(anon);
    auto state = call(inspector, *c.value(), "GET", QStringLiteral("/__emulator/state"));
    QVERIFY(state.ok() && state->status == 200);
    QCOMPARE(state->json.object()
                 .value(QLatin1String("objects"))
                 .toObject()
                 .value(QLatin1String("contacts"))
                 .toArray()
                 .size(),
             3);
    // Now every exchange against the operation it matches.
    int checked = 0;
    for (const auto &x : emu.exchanges()) {
        if (x.status == 0 || x.path.startsWith("/__emulator"))
            continue;
        const QStringList errors = exchangeErrors(operations, x);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1String("; "))));
        ++checked;
    }
    QVERIFY(checked >= 25);
    qInfo() << checked << "emulator exchanges match the OpenAPI files";
}
