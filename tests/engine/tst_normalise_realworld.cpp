// Files as real tools export them (tests/data/realworld/<source>/, written for this project after
// what the tools write): each beside FILE.expect.json, what SalesFlow must read from it — parsed
// directly, then through ingest and the normalise stage on the suite's store.
#include "tst_suites.h"

#include "engine/hubspot/client.h"
#include "engine/local/localengine.h"
#include "engine/pipeline/normalise/normalisestage.h"
#include "engine/sources/intake.h"
#include "engine/sources/normalised.h"
#include "engine/store/database.h"
#include "tests/support/await.h"
#include "tests/support/engines.h"
#include "tests/support/hubspotemulator.h"
#include "tests/support/hubspotfixture.h"
#include "tests/support/testbackend.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace salesflow;

namespace {

struct RealFile
{
    QString source;
    QString name;
    QByteArray payload;
    QJsonObject expect;
};

QList<RealFile> realFiles()
{
    QList<RealFile> out;
    const QDir root(QStringLiteral(SALESFLOW_REALWORLD_DIR));
    for (const QString &source : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir dir(root.filePath(source));
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
            if (name.endsWith(QLatin1String(".expect.json")))
                continue;
            QFile data(dir.filePath(name)), expect(dir.filePath(name + QStringLiteral(".expect.json")));
            if (!data.open(QIODevice::ReadOnly) || !expect.open(QIODevice::ReadOnly))
                qFatal("%s has no readable .expect.json", qPrintable(name));
            out.append({source, name, data.readAll(), QJsonDocument::fromJson(expect.readAll()).object()});
        }
    }
    return out;
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out << s.toString();
    return out;
}

/// Where `n` differs from what `f` expects; empty when it matches.
QString mismatch(const RealFile &f, const sources::Normalised &n)
{
    const QJsonObject &e = f.expect;
    QStringList why;
    if (e.contains(QLatin1String("text")) && n.text != e.value(QLatin1String("text")).toString())
        why << QStringLiteral("text is\n%1").arg(n.text);
    for (const QString &part : strings(e.value(QLatin1String("contains"))))
        if (!n.text.contains(part))
            why << QStringLiteral("text lacks \"%1\": %2").arg(part, n.text);
    for (const QString &part : strings(e.value(QLatin1String("not_contains"))))
        if (n.text.contains(part))
            why << QStringLiteral("text has \"%1\": %2").arg(part, n.text);
    if (e.contains(QLatin1String("speakers"))
        && strings(n.attributes.value(QStringLiteral("speakers"))) != strings(e.value(QLatin1String("speakers"))))
        why << QStringLiteral("speakers are %1")
                   .arg(strings(n.attributes.value(QStringLiteral("speakers"))).join(QStringLiteral(", ")));
    const QJsonObject attrs = e.value(QLatin1String("attributes")).toObject();
    if (e.contains(QLatin1String("turns")))
        if (n.attributes.value(QStringLiteral("turns")).toInt() != e.value(QLatin1String("turns")).toInt())
            why << QStringLiteral("turns: %1").arg(n.attributes.value(QStringLiteral("turns")).toInt());
    for (auto it = attrs.begin(); it != attrs.end(); ++it)
        if (n.attributes.value(it.key()) != it.value())
            why << QStringLiteral("attribute %1 is %2")
                       .arg(it.key(), n.attributes.value(it.key()).toVariant().toString());
    const std::pair<const char *, QString> fields[]
        = {{"actor", n.actor}, {"contact_email", n.contactEmail}, {"subject", n.subject},
           {"kind", n.kind},   {"company", n.companyName},        {"company_domain", n.companyDomain}};
    for (const auto &[key, value] : fields)
        if (e.contains(QLatin1String(key)) && value != e.value(QLatin1String(key)).toString())
            why << QStringLiteral("%1 is \"%2\"").arg(QLatin1String(key), value);
    return why.join(QLatin1String("; "));
}

/// The file as the door splits it (a HubSpot delivery or a Segment batch is one event per
/// element), its first event normalised; "events" in the expectation says how many there are.
Result<sources::Normalised> throughTheDoor(const RealFile &f)
{
    const QByteArray type = f.expect.value(QLatin1String("content_type")).toString().toUtf8();
    auto items = sources::explode(IngestItem{f.source, type, f.payload, {}});
    if (!items)
        return items.error();
    const int events = f.expect.value(QLatin1String("events")).toInt(1);
    if (items->size() != events)
        return makeError("test", QStringLiteral("the door made %1 events, expected %2").arg(items->size()).arg(events));
    return sources::normalise(f.source, items->first().contentType, items->first().payload);
}

} // namespace

void TestNormalise::realWorldFilesAsToolsExportThem()
{
    const QList<RealFile> files = realFiles();
    QVERIFY(files.size() >= 30);
    QMap<QString, int> read, all;
    QStringList wrong;
    for (const RealFile &f : files) {
        const auto r = throughTheDoor(f);
        ++all[f.source];
        const QString error = f.expect.value(QLatin1String("error")).toString();
        QString why;
        if (!error.isEmpty())
            why = r
                ? QStringLiteral("was read, expected the error \"%1\"").arg(error)
                : (r.error().message.contains(error) ? QString() : QStringLiteral("error is: ") + r.error().message);
        else
            why = r ? mismatch(f, r.value()) : QStringLiteral("refused: ") + r.error().message;
        if (why.isEmpty())
            ++read[f.source];
        else
            wrong << QStringLiteral("%1/%2: %3").arg(f.source, f.name, why);
    }
    for (auto it = all.cbegin(); it != all.cend(); ++it)
        qInfo().noquote() << it.key() << ":" << read.value(it.key()) << "of" << it.value() << "files read as expected";
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1String("\n"))));
}

void TestNormalise::realWorldFilesThroughTheStage()
{
    // The same files through ingest and the normalise stage: stored, normalised, and their
    // text (NUL, encodings, long lines) intact in the store; a refused file is `failed` with
    // the parser's error, not the database's.
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("realworld"));
    o.stages = {std::make_shared<pipeline::NormaliseStage>()};
    auto opened = LocalEngine::open(o);
    QVERIFY(opened.ok());
    auto &e = *opened.value();
    const QList<RealFile> files = realFiles();
    QStringList ids;
    qint64 events = 0;
    for (const RealFile &f : files) {
        const QByteArray type = f.expect.value(QLatin1String("content_type")).toString().toUtf8();
        auto receipts = e.ingest(test::caller(), {IngestItem{f.source, type, f.payload, {}}});
        receipts.waitForFinished();
        QVERIFY2(receipts.result().ok() && receipts.result()->first().ok(), qPrintable(f.name));
        ids << receipts.result()->first()->id;
        events += receipts.result()->size();
    }
    auto c = e.database()->acquire();
    QTRY_COMPARE_WITH_TIMEOUT(
        c.value()->exec("SELECT count(*) FROM raw_events WHERE status IN ('normalised', 'failed')")->int64(0, 0),
        events, 20000);
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString &id = ids[i];
        const auto row = c.value()->exec("SELECT r.status, r.last_error, n.body_text FROM raw_events r LEFT JOIN "
                                         "normalised_events n ON n.event_id = r.id WHERE r.id = $1",
                                         {id});
        QVERIFY(row.ok() && row->size() == 1);
        const QString error = files[i].expect.value(QLatin1String("error")).toString();
        const QString what = files[i].source + QLatin1Char('/') + files[i].name;
        if (!error.isEmpty()) {
            QVERIFY2(row->text(0, 0) == QLatin1String("failed") && row->text(0, 1).contains(error), qPrintable(what));
            continue;
        }
        QVERIFY2(row->text(0, 0) == QLatin1String("normalised"), qPrintable(what + QLatin1Char(' ') + row->text(0, 1)));
        const auto direct = throughTheDoor(files[i]);
        QVERIFY2(direct && row->text(0, 2) == direct->text, qPrintable(what));
    }
    e.stop();
}

namespace {

QByteArray conversationEvent(int eventId, const char *messageId)
{
    return QByteArray(R"([{"eventId":)") + QByteArray::number(eventId)
        + R"(,"subscriptionId":881,"portalId":44237313,"appId":4210286,"occurredAt":1796131000000,)"
          R"("subscriptionType":"conversation.newMessage","attemptNumber":0,"objectId":7301188221,"messageId":")"
        + messageId + R"(","messageType":"MESSAGE","changeFlag":"NEW_MESSAGE"}])";
}

} // namespace

void TestNormalise::hubspotConversationMessagesAreReadFromHubSpot()
{
    // A conversation.newMessage event names a thread and a message; the message (its text and
    // who wrote it) is read from HubSpot's Conversations API, here the emulator.
    test::HubSpotEmulator emu;
    emu.start();
    emu.addThreadMessage(QStringLiteral("7301188221"),
                         QJsonDocument::fromJson(R"({"type":"MESSAGE","id":"f3b1c2d4e5","conversationsThreadId":
            "7301188221","createdAt":"2026-12-01T11:02:03Z","createdBy":"V-58811","client":{"clientType":"HUBSPOT"},
            "senders":[{"actorId":"V-58811","name":"Ada Novak","senderField":"FROM"}],"recipients":[],
            "archived":false,"text":"","richText":"<div>Do you offer <b>SSO</b> on the Starter plan?</div>",
            "attachments":[],"subject":null,"direction":"INCOMING","channelId":"1000","channelAccountId":"2001"})")
                             .object());
    emu.addActor(QJsonDocument::fromJson(
                     R"({"type":"VISITOR","id":"V-58811","name":"Ada Novak","email":"ada.novak@kovac-bau.hr"})")
                     .object());
    LocalEngine::Options o;
    o.config = test::hubspotConfig(emu);
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("conversations"));
    o.stages = {std::make_shared<pipeline::NormaliseStage>(
        std::make_shared<hubspot::Client>(hubspot::clientConfigFrom(o.config)))};
    auto opened = LocalEngine::open(o);
    QVERIFY(opened.ok());
    auto &e = *opened.value();
    const auto ingest = [&](const QByteArray &body) {
        return test::await(e.ingest(test::caller(), {{QStringLiteral("hubspot"), "application/json", body, {}}}))
            ->first()
            ->id;
    };
    const QString read = ingest(conversationEvent(1, "f3b1c2d4e5"));
    const QString gone = ingest(conversationEvent(2, "deleted0001"));
    auto c = e.database()->acquire();
    const auto row = [&](const QString &id) {
        return c.value()->exec("SELECT r.status, r.last_error, n.body_text, n.kind FROM raw_events r LEFT JOIN "
                               "normalised_events n ON n.event_id = r.id WHERE r.id = $1",
                               {id});
    };
    QTRY_COMPARE_WITH_TIMEOUT(row(read)->text(0, 0), QStringLiteral("normalised"), 20000);
    QCOMPARE(row(read)->text(0, 3), QStringLiteral("chat"));
    QCOMPARE(row(read)->text(0, 2), QStringLiteral("Ada Novak (customer): Do you offer SSO on the Starter plan?"));
    QCOMPARE(test::count(e, "SELECT count(*) FROM crm_entities WHERE local_key = 'ada.novak@kovac-bau.hr'"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(row(gone)->text(0, 0), QStringLiteral("failed"), 20000);
    QVERIFY2(row(gone)->text(0, 1).contains(QStringLiteral("HubSpot no longer has")),
             qPrintable(row(gone)->text(0, 1)));
    e.stop();

    // Without a HubSpot token the message cannot be read: failed in words, kept for a replay.
    LocalEngine::Options dry;
    dry.config.dbUrl = test::freshDbUrl(QStringLiteral("conversations_dry"));
    dry.stages
        = {std::make_shared<pipeline::NormaliseStage>(std::make_shared<hubspot::Client>(hubspot::ClientConfig{}))};
    auto dryEngine = LocalEngine::open(dry);
    QVERIFY(dryEngine.ok());
    const QString waiting
        = test::await(dryEngine.value()->ingest(
                          test::caller(),
                          {{QStringLiteral("hubspot"), "application/json", conversationEvent(3, "f3b1c2d4e5"), {}}}))
              ->first()
              ->id;
    auto d = dryEngine.value()->database()->acquire();
    QTRY_COMPARE_WITH_TIMEOUT(d.value()->exec("SELECT status FROM raw_events WHERE id = $1", {waiting})->text(0, 0),
                              QStringLiteral("failed"), 20000);
    QVERIFY(d.value()
                ->exec("SELECT last_error FROM raw_events WHERE id = $1", {waiting})
                ->text(0, 0)
                .contains(QStringLiteral("HUBSPOT_ACCESS_TOKEN is not set")));
    dryEngine.value()->stop();
}
