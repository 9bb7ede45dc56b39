// Files as real tools export them (tests/data/realworld/<source>/, written for this project after
// what the tools write): each beside FILE.expect.json, what SalesFlow must read from it — parsed
// directly, then through ingest and the normalise stage on the suite's store.
#include "tst_suites.h"

#include "engine/local/localengine.h"
#include "engine/pipeline/normalise/normalisestage.h"
#include "engine/sources/intake.h"
#include "engine/sources/normalised.h"
#include "engine/store/database.h"
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
