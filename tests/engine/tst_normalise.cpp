// Sources and the normalise stage: form, chat, product (Segment) and HubSpot webhook events
// into the internal model, linked to contacts, companies and deals — with malformed input.
#include "tst_suites.h"

#include "engine/local/localengine.h"
#include "engine/pipeline/normalise/normalisestage.h"
#include "engine/pipeline/runner.h"
#include "engine/sources/identity.h"
#include "engine/sources/intake.h"
#include "engine/sources/normalised.h"
#include "engine/store/database.h"
#include "tests/support/testbackend.h"

#include <QDir>

#include <QFile>
#include <QJsonArray>
#include <QtTest>
#include <functional>

using namespace salesflow;
using sources::Normalised;

namespace {
Normalised parse(const char *source, const QByteArray &payload, const QByteArray &type = "application/json")
{
    auto r = sources::normalise(QString::fromLatin1(source), type, payload);
    if (!r)
        qFatal("parse failed: %s", qPrintable(r.error().message));
    return r.value();
}

Error failure(const char *source, const QByteArray &payload, const QByteArray &type = "application/json")
{
    auto r = sources::normalise(QString::fromLatin1(source), type, payload);
    return r.ok() ? Error{} : r.error();
}

QByteArray sample(const QString &name)
{
    QFile f(QStringLiteral(SALESFLOW_SAMPLES_DIR "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no sample %s", qPrintable(name));
    return f.readAll();
}
/// The contacts and companies the stage linked: one entity per email and per domain, each link
/// to an entity of its own kind (the ids read ahead of the transaction are not mixed up, whether
/// the entity was new or known).
void checkEntityLinks(const std::function<qint64(const char *)> &scalar)
{
    // One contact per email across form, chat and product; companies by domain.
    QCOMPARE(
        scalar("SELECT count(*) FROM crm_entities WHERE kind = 'contact' AND local_key = 'lena.fischer@brightpath.de'"),
        1);
    QCOMPARE(scalar("SELECT count(*) FROM normalised_events n JOIN crm_entities e ON e.id = n.contact_id"
                    " WHERE e.local_key = 'lena.fischer@brightpath.de'"),
             2);
    QCOMPARE(scalar("SELECT count(*) FROM normalised_events n JOIN crm_entities e ON e.id = n.contact_id"
                    " WHERE e.kind <> 'contact'"),
             0);
    QCOMPARE(scalar("SELECT count(*) FROM normalised_events n JOIN crm_entities e ON e.id = n.company_id"
                    " WHERE e.kind <> 'company'"),
             0);
    QVERIFY(scalar("SELECT count(*) FROM normalised_events WHERE company_id IS NOT NULL") >= 2);
    QCOMPARE(
        scalar("SELECT count(*) FROM crm_entities WHERE kind = 'company' AND local_key = 'northwind-logistics.com'"),
        1);
}

} // namespace

void TestNormalise::identityRules()
{
    QCOMPARE(sources::normaliseEmail(QStringLiteral(" \"Dana O\" <Dana.Okafor@Northwind.COM> ")),
             QStringLiteral("dana.okafor@northwind.com"));
    QCOMPARE(sources::normaliseEmail(QStringLiteral("mailto:a@b.io")), QStringLiteral("a@b.io"));
    QCOMPARE(sources::normaliseEmail(QStringLiteral("not an email")), QString());
    QCOMPARE(sources::companyDomainOf(QStringLiteral("x@www.acme.io")), QStringLiteral("acme.io"));
    QCOMPARE(sources::companyDomainOf(QStringLiteral("marco@gmail.com")), QString()); // free mail says nothing
    QCOMPARE(sources::companyDomainOf(QStringLiteral("https://www.Brightpath.de/about")),
             QStringLiteral("brightpath.de"));
    QCOMPARE(sources::parseTimestamp(QStringLiteral("2026-11-24T14:12:09Z")), qint64(1795529529000));
    QCOMPARE(sources::parseTimestamp(QStringLiteral("1764001234")), qint64(1764001234000));
    QCOMPARE(sources::parseTimestamp(QStringLiteral("1764001234000")), qint64(1764001234000));
}

void TestNormalise::formsGenericHubspotAndUrlEncoded()
{
    const Normalised a = parse("form", sample(QStringLiteral("form-contact-sales.json")));
    QCOMPARE(a.kind, QStringLiteral("form_submission"));
    QCOMPARE(a.contactEmail, QStringLiteral("dana.okafor@northwind-logistics.com")); // "Work Email"
    QCOMPARE(a.actor, QStringLiteral("Dana Okafor <dana.okafor@northwind-logistics.com>"));
    QCOMPARE(a.companyName, QStringLiteral("Northwind Logistics"));
    QCOMPARE(a.companyDomain, QStringLiteral("northwind-logistics.com"));
    QVERIFY(a.text.startsWith(QStringLiteral("We're evaluating tools")));
    QVERIFY(a.text.contains(QStringLiteral("Team size: 250-500")));
    QCOMPARE(a.occurredAtMs, sources::parseTimestamp(QStringLiteral("2026-11-24T14:12:09Z")));

    const Normalised h = parse("form", sample(QStringLiteral("form-hubspot-submission.json")));
    QCOMPARE(h.contactEmail, QStringLiteral("marco.rossi@gmail.com"));
    QCOMPARE(h.companyDomain, QString()); // gmail.com is not a company
    QCOMPARE(h.companyName, QStringLiteral("Rossi Consulting"));
    QCOMPARE(h.occurredAtMs, qint64(1764001234000));

    const Normalised u = parse("form", "e-mail=Lee%40Example.org&first_name=Lee&comments=Call+me",
                               "application/x-www-form-urlencoded");
    QCOMPARE(u.contactEmail, QStringLiteral("lee@example.org"));
    QCOMPARE(u.text, QStringLiteral("Call me"));
}

void TestNormalise::chatAndProductAndHubspot()
{
    const Normalised c = parse("chat", sample(QStringLiteral("chat-website-widget.json")));
    QCOMPARE(c.kind, QStringLiteral("chat"));
    QCOMPARE(c.contactEmail, QStringLiteral("lena.fischer@brightpath.de")); // the visitor, not our agent
    QCOMPARE(c.companyDomain, QStringLiteral("brightpath.de"));
    QVERIFY(c.text.contains(QStringLiteral("Lena Fischer (visitor): Hi, does your product support GDPR")));
    QCOMPARE(c.text.count(QLatin1Char('\n')), 2);

    const Normalised t = parse("product", sample(QStringLiteral("product-track-signup.json")));
    QCOMPARE(t.kind, QStringLiteral("product_track"));
    QCOMPARE(t.subject, QStringLiteral("Workspace Created"));
    QCOMPARE(t.contactEmail, QStringLiteral("tom.becker@brightpath.de"));
    QCOMPARE(t.companyName, QStringLiteral("Brightpath GmbH"));
    QVERIFY(t.text.contains(QStringLiteral("seats=15")));
    QCOMPARE(t.attributes.value(QStringLiteral("userId")).toString(), QStringLiteral("usr_48211"));
    const Normalised g = parse(
        "product",
        R"({"type":"group","userId":"u1","groupId":"acct-9","traits":{"name":"Acme","website":"https://acme.io"}})");
    QCOMPARE(g.companyName, QStringLiteral("Acme"));
    QCOMPARE(g.companyDomain, QStringLiteral("acme.io"));
    const Normalised i
        = parse("product", R"({"type":"identify","anonymousId":"a1","traits":{"email":"Z@Zeta.io","name":"Zed"}})");
    QCOMPARE(i.actor, QStringLiteral("Zed <z@zeta.io>"));

    const Normalised e = parse(
        "hubspot",
        R"({"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":1764065400000,"subscriptionType":"contact.propertyChange","objectId":51,"propertyName":"lifecyclestage","propertyValue":"salesqualifiedlead","changeSource":"CRM_UI"})");
    QCOMPARE(e.kind, QStringLiteral("crm_change"));
    QCOMPARE(e.hubspotObjectType, QStringLiteral("contact"));
    QCOMPARE(e.hubspotObjectId, QStringLiteral("51"));
    QCOMPARE(e.propertyChanges.size(), 1);
    QCOMPARE(e.propertyChanges.first().value, QStringLiteral("salesqualifiedlead"));
    const Normalised d = parse(
        "hubspot", R"({"eventId":2,"occurredAt":1764065460000,"subscriptionType":"deal.creation","objectId":9001})");
    QCOMPARE(d.dealRef, QStringLiteral("9001"));
}

void TestNormalise::transcriptsInFourFormats()
{
    const Normalised v = parse("transcript", sample(QStringLiteral("transcript-discovery-call.vtt")), "text/vtt");
    QCOMPARE(v.kind, QStringLiteral("call_transcript"));
    QCOMPARE(v.attributes.value(QStringLiteral("speakers")).toArray().size(), 2);
    QCOMPARE(v.attributes.value(QStringLiteral("turns")).toInt(), 4); // Jordan's last two cues are one turn
    QCOMPARE(v.attributes.value(QStringLiteral("duration_seconds")).toInt(), 35);
    QVERIFY(v.text.startsWith(QStringLiteral("Sam Lee: Thanks for making the time, Jordan.")));
    QVERIFY(v.text.contains(QStringLiteral("Jordan Blake: Our VP of Sales signs off")));

    const Normalised s
        = parse("transcript", sample(QStringLiteral("transcript-demo-call.srt")), "application/x-subrip");
    QCOMPARE(s.attributes.value(QStringLiteral("format")).toString(), QStringLiteral("srt"));
    QVERIFY(s.text.contains(
        QStringLiteral("Priya Natarajan: Yes. Our CISO needs the SOC 2 report before the pilot, and we have")));
    QCOMPARE(s.attributes.value(QStringLiteral("turns")).toInt(), 4);

    const Normalised a = parse("transcript", sample(QStringLiteral("transcript-aws-transcribe.json")));
    QCOMPARE(a.attributes.value(QStringLiteral("format")).toString(), QStringLiteral("aws-transcribe"));
    QCOMPARE(a.text,
             QStringLiteral("spk_0: How many seats would you need?\nspk_1: About forty, maybe fifty next year."));

    qputenv("SALESFLOW_OWN_DOMAINS", "example-saas.com");
    const Normalised g = parse("transcript", sample(QStringLiteral("transcript-segments.json")));
    qunsetenv("SALESFLOW_OWN_DOMAINS");
    QCOMPARE(g.contactEmail, QStringLiteral("lena.fischer@brightpath.de")); // the prospect, not our rep
    QCOMPARE(g.companyDomain, QStringLiteral("brightpath.de"));
    QCOMPARE(g.attributes.value(QStringLiteral("turns")).toInt(), 2);

    // Overlapping cues are ordered by start, not refused; Teams-style "Name:" lines work in VTT.
    const Normalised o
        = parse("transcript", "WEBVTT\n\n00:05.000 --> 00:09.000\nBo: second\n\n00:01.000 --> 00:06.000\nAl: first\n",
                "text/vtt");
    QCOMPARE(o.text, QStringLiteral("Al: first\nBo: second"));
    QVERIFY(failure("transcript", "WEBVTT\n\n00:01.000 00:02.000\nhi\n", "text/vtt")
                .message.contains(QStringLiteral("line 3 has no \"start --> end\"")));
    QVERIFY(failure("transcript", "1\n00:00:01,000 --> 00:00:xx,000\nhi\n", "application/x-subrip")
                .message.contains(QStringLiteral("bad timestamp")));
    QVERIFY(failure("transcript", "1\n00:00:05,000 --> 00:00:01,000\nhi\n", "application/x-subrip")
                .message.contains(QStringLiteral("ends before it starts")));
    QVERIFY(failure("transcript", "NOT VTT\n", "text/vtt").message.contains(QStringLiteral("starts with \"WEBVTT\"")));
    QVERIFY(failure("transcript", "WEBVTT\n\nNOTE only a note\n", "text/vtt")
                .message.contains(QStringLiteral("no spoken text")));
    QVERIFY(failure("transcript", "{\"foo\":1}").message.contains(QStringLiteral("AWS Transcribe output")));
    QVERIFY(failure("transcript", "[{\"speaker\":\"a\",\"text\":3}]")
                .message.contains(QStringLiteral("segments[0].text must be a string")));
    QVERIFY(!parse("transcript", QByteArray("WEBVTT\n\n00:01.000 --> 00:02.000\nA: \xff\xfe ok\n"), "text/vtt")
                 .text.isEmpty());
}

void TestNormalise::emailsRawAndJson()
{
    qputenv("SALESFLOW_OWN_DOMAINS", "example-saas.com");
    const Normalised m = parse("email", sample(QStringLiteral("email-security-questions.eml")), "message/rfc822");
    QCOMPARE(m.kind, QStringLiteral("email"));
    QCOMPARE(m.subject, QStringLiteral("Re: Follow-up on our call - security review"));
    QCOMPARE(m.contactEmail, QStringLiteral("priya.natarajan@acme-fintech.io"));
    QCOMPARE(m.companyDomain, QStringLiteral("acme-fintech.io"));
    QVERIFY(m.text.contains(
        QStringLiteral("SOC 2 Type II report and a completed security questionnaire"))); // QP soft breaks joined
    QVERIFY(!m.text.contains(QStringLiteral("Great speaking with you today"))); // the quoted reply is trimmed
    QCOMPARE(m.attributes.value(QStringLiteral("in_reply_to")).toString(),
             QStringLiteral("<20261120.sam.lee.followup@example-saas.com>"));
    QCOMPARE(m.attributes.value(QStringLiteral("message_id")).toString(),
             QStringLiteral("CAF3x9k2mQ@mail.acme-fintech.io"));

    // HTML-only, base64, an encoded-word subject in ISO-8859-1, an attachment, our rep as sender.
    const QByteArray html
        = "<html><head><style>p{}</style></head><body><p>Hallo J&uuml;rgen,</p><p>Preis &amp; Vertrag "
          "anbei.<br>Gr&#252;&#xDF;e</p><blockquote>old quoted text</blockquote></body></html>";
    const QByteArray raw
        = "From: Sam Lee <sam.lee@example-saas.com>\r\nTo: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <jm@kunde.de>\r\n"
          "Subject: =?ISO-8859-1?Q?Angebot_f=FCr_M=FCller?=\r\nDate: Tue, 24 Nov 2026 09:41:17 +0100\r\n"
          "Message-ID: <x1@example-saas.com>\r\nMIME-Version: 1.0\r\n"
          "Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
          "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + html.toBase64()
        + "\r\n--B\r\nContent-Type: application/pdf\r\n"
          "Content-Disposition: attachment; filename=\"angebot.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + QByteArray(300, 'x').toBase64() + "\r\n--B--\r\n";
    const Normalised h = parse("email", raw, "message/rfc822");
    qunsetenv("SALESFLOW_OWN_DOMAINS");
    QCOMPARE(h.subject, QStringLiteral("Angebot für Müller"));
    QCOMPARE(h.contactEmail, QStringLiteral("jm@kunde.de")); // the recipient, since the sender is us
    QVERIFY2(h.text.contains(QStringLiteral("Preis & Vertrag anbei.")), qPrintable(h.text));
    QVERIFY(h.text.contains(QStringLiteral("Grüße")));
    QVERIFY(h.text.contains(QStringLiteral("Hallo Jürgen,")));
    QVERIFY(!h.text.contains(QStringLiteral("old quoted text")));
    QVERIFY(!h.text.contains(QStringLiteral("p{}")));
    const QJsonArray att = h.attributes.value(QStringLiteral("attachments")).toArray();
    QCOMPARE(att.size(), 1);
    QCOMPARE(att.first().toObject().value(QStringLiteral("filename")).toString(), QStringLiteral("angebot.pdf"));
    QCOMPARE(att.first().toObject().value(QStringLiteral("size")).toInt(), 300);
    QVERIFY(!h.text.contains(QStringLiteral("xxxx"))); // attachments are listed, not enriched

    // A broken boundary still yields the text GMime can find; a message without a usable From
    // is normalised unlinked (PRODUCT.md: nobody to link), not refused.
    const Normalised b = parse("email",
                               "From: a@b-corp.com\r\nContent-Type: multipart/alternative; boundary=\"Q\"\r\n\r\n"
                               "--Q\r\nContent-Type: text/plain\r\n\r\nstill readable\r\n",
                               "message/rfc822");
    QCOMPARE(b.text, QStringLiteral("still readable"));
    const Normalised anonymous = parse("email", "Subject: x\r\n\r\nbody", "message/rfc822");
    QVERIFY(anonymous.contactEmail.isEmpty() && anonymous.text == QLatin1String("body"));
    QCOMPARE(
        sources::trimReply(QStringLiteral("Yes please.\n\nOn Mon, 2 Nov 2026 at 10:00, Sam <s@x.io> wrote:\n> hi")),
        QStringLiteral("Yes please."));
    QCOMPARE(sources::trimReply(QStringLiteral("Thanks!\n-- \nDana\nVP Ops")), QStringLiteral("Thanks!"));

    const Normalised j = parse(
        "email",
        R"({"from":"\"Ann\" <ann@acme.io>","to":["s@example-saas.com"],"subject":"Pricing","date":"2026-11-24T10:00:00Z","message_id":"<j1@acme.io>","html":"<p>Can we talk &amp; decide?</p>"})");
    QCOMPARE(j.actor, QStringLiteral("Ann <ann@acme.io>"));
    QCOMPARE(j.text, QStringLiteral("Can we talk & decide?"));
    QVERIFY(parse("email", R"({"from":"nobody","text":"x"})").contactEmail.isEmpty()); // unlinked, kept
    QVERIFY(failure("email", R"({"from":"a@b.io"})").message.contains(QStringLiteral("\"text\" or \"html\"")));
}

void TestNormalise::malformedInputGivesPreciseErrors()
{
    QVERIFY(failure("form", "{\"fields\": {\"a\": 1,}}").message.contains(QStringLiteral("invalid JSON at byte")));
    QVERIFY(failure("form", "[]").message.contains(QStringLiteral("expected a JSON object")));
    QVERIFY(failure("form", "{\"id\":1}").message.contains(QStringLiteral("no \"fields\"")));
    QVERIFY(failure("form", "{\"fields\":{\"email\":{\"x\":1}}}")
                .message.contains(QStringLiteral("field \"email\" must be text")));
    QVERIFY(failure("form", "{\"values\":[{\"value\":\"x\"}]}")
                .message.contains(QStringLiteral("fields[0] needs a \"name\"")));
    QVERIFY(failure("chat", "{\"messages\":\"hi\"}").message.contains(QStringLiteral("\"messages\" must be an array")));
    QVERIFY(failure("chat", "{\"messages\":[{\"author\":\"a\",\"text\":5}]}")
                .message.contains(QStringLiteral("messages[0].text must be a string")));
    QVERIFY(failure("chat", "{\"messages\":[]}").message.contains(QStringLiteral("no messages")));
    QVERIFY(failure("product", "{\"type\":\"purchase\",\"userId\":\"u\"}")
                .message.contains(QStringLiteral("\"type\" must be one of")));
    QVERIFY(failure("product", "{\"type\":\"track\",\"event\":\"x\"}")
                .message.contains(QStringLiteral("userId or an anonymousId")));
    QVERIFY(failure("product", "{\"type\":\"track\",\"userId\":\"u\"}")
                .message.contains(QStringLiteral("needs an \"event\"")));
    QVERIFY(failure("hubspot", "{\"subscriptionType\":\"contact.creation\",\"occurredAt\":1}")
                .message.contains(QStringLiteral("\"objectId\" is missing")));
    QVERIFY(failure("hubspot", "{\"subscriptionType\":\"x\",\"objectId\":1}")
                .message.contains(QStringLiteral("subscriptionType")));
    QVERIFY(failure("form", "   ").message.contains(QStringLiteral("empty")));
    // Hostile sizes and shapes: deep nesting, 10 MB of text, invalid UTF-8 — errors, not crashes.
    QVERIFY(!failure("chat", QByteArray(100000, '[') + QByteArray(100000, ']')).message.isEmpty());
    const QByteArray big = "{\"messages\":[{\"author\":\"a\",\"text\":\"" + QByteArray(10 * 1024 * 1024, 'x') + "\"}]}";
    QCOMPARE(parse("chat", big).text.size(), 10 * 1024 * 1024 + 3); // "a: " + the text
    QVERIFY(!failure("form", QByteArray("{\"fields\":{\"m\":\"\xff\xfe\"}}")).message.isEmpty());
    // Every parse error is permanent: retrying cannot fix a payload.
    QCOMPARE(failure("form", "{").code, QStringLiteral("permanent.parse"));
    QCOMPARE(failure("email", "From: nobody\r\n\r\n", "message/rfc822").code, QStringLiteral("permanent.parse"));
}

void TestNormalise::stageNormalisesAndLinks()
{
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("normalise"));
    o.config.workers = 2;
    o.stages = {std::make_shared<pipeline::NormaliseStage>()};
    auto opened = LocalEngine::open(o);
    QVERIFY(opened.ok());
    auto &e = *opened.value();
    auto db = e.database();
    // Two HubSpot changes of one property delivered newest first: the older must not win.
    const QByteArray newer
        = R"({"eventId":7,"subscriptionId":1,"portalId":3,"occurredAt":1764065500000,"subscriptionType":"contact.propertyChange","objectId":51,"propertyName":"lifecyclestage","propertyValue":"customer"})";
    const QByteArray older
        = R"({"eventId":6,"subscriptionId":1,"portalId":3,"occurredAt":1764065400000,"subscriptionType":"contact.propertyChange","objectId":51,"propertyName":"lifecyclestage","propertyValue":"lead"})";
    // A sensitive property: HubSpot says it changed and withholds the value.
    const QByteArray redacted
        = R"({"eventId":8,"subscriptionId":1,"portalId":3,"occurredAt":1764065600000,"subscriptionType":"contact.propertyChange","objectId":51,"propertyName":"date_of_birth","propertyValue":"REDACTED","isSensitive":true})";
    QList<IngestItem> items{
        {QStringLiteral("form"), "application/json", sample(QStringLiteral("form-contact-sales.json")), {}},
        {QStringLiteral("chat"), "application/json", sample(QStringLiteral("chat-website-widget.json")), {}},
        {QStringLiteral("product"),
         "application/json",
         R"({"batch":[{"type":"track","messageId":"m1","userId":"u1","event":"Invited Teammate"},{"type":"identify","messageId":"m2","userId":"u1","traits":{"email":"lena.fischer@brightpath.de"}}],"context":{"library":{"name":"analytics.js"}}})",
         {}},
        {QStringLiteral("hubspot"), "application/json", "[" + newer + "]", {}},
        {QStringLiteral("hubspot"), "application/json", "[" + redacted + "]", {}},
        {QStringLiteral("form"),
         "application/json",
         R"({"submission_id":"anon","fields":{"message":"no identity here"}})",
         {}},
        {QStringLiteral("chat"), "application/json", R"({"messages":"broken"})", {}},
    };
    auto f = e.ingest(test::caller(), items);
    f.waitForFinished();
    QVERIFY(f.result().ok());
    QCOMPARE(f.result()->size(), 8); // the Segment batch became two events
    auto f2 = e.ingest(test::caller(), {{QStringLiteral("hubspot"), "application/json", "[" + older + "]", {}}});
    f2.waitForFinished();
    auto c = db->acquire();
    auto scalar = [&](const char *sql) { return c.value()->exec(sql)->int64(0, 0); };
    QTRY_COMPARE(scalar("SELECT count(*) FROM raw_events WHERE status IN ('normalised', 'failed')"), 9);
    QCOMPARE(scalar("SELECT count(*) FROM raw_events WHERE status = 'normalised'"), 8);
    QCOMPARE(scalar("SELECT count(*) FROM jobs WHERE stage = 'enrich'"), 8); // waiting for the enrich stage
    // The broken chat failed at once, with the parser's words, and is kept raw.
    auto failed = c.value()->exec("SELECT failed_stage, last_error FROM raw_events WHERE status = 'failed'");
    QCOMPARE(failed->text(0, 0), QStringLiteral("normalise"));
    QVERIFY(failed->text(0, 1).contains(QStringLiteral("\"messages\" must be an array")));
    checkEntityLinks(scalar);
    if (QTest::currentTestFailed())
        return;
    // Unlinked but normalised: the anonymous form, and the Segment track with only a userId.
    QCOMPARE(scalar("SELECT count(*) FROM normalised_events WHERE attributes LIKE '%\"linked\":false%'"), 2);
    // The newer HubSpot value stands although the older one arrived later.
    auto props
        = c.value()->exec("SELECT properties FROM crm_entities WHERE kind = 'contact' AND local_key = 'hubspot:51'");
    QCOMPARE(props->size(), 1);
    QVERIFY2(props->text(0, 0).contains(QStringLiteral("\"value\":\"customer\"")), qPrintable(props->text(0, 0)));
    const QJsonObject dob
        = QJsonDocument::fromJson(props->bytes(0, 0)).object().value(QLatin1String("date_of_birth")).toObject();
    QVERIFY2(dob.value(QLatin1String("redacted")).toBool() && !dob.contains(QLatin1String("value")),
             qPrintable(props->text(0, 0))); // the change is recorded, never "REDACTED" as a value
    // The lineage shows the internal model and what it is linked to.
    auto detail = e.event(test::caller(), f.result()->at(0)->id);
    detail.waitForFinished();
    QVERIFY(detail.result().ok());
    QVERIFY(detail.result()->normalised.has_value());
    QCOMPARE(detail.result()->normalised->kind, QStringLiteral("form_submission"));
    QCOMPARE(detail.result()->normalised->contactKey, QStringLiteral("dana.okafor@northwind-logistics.com"));
    QCOMPARE(detail.result()->normalised->companyKey, QStringLiteral("northwind-logistics.com"));
    e.stop();
}

void TestNormalise::everySampleComesOutNormalised()
{
    // The samples the desktop app seeds, one per source format, through ingest and the stage.
    LocalEngine::Options o;
    o.config.dbUrl = test::freshDbUrl(QStringLiteral("samples"));
    o.stages = {std::make_shared<pipeline::NormaliseStage>()};
    auto opened = LocalEngine::open(o);
    QVERIFY(opened.ok());
    auto &e = *opened.value();
    const QDir dir(QStringLiteral(SALESFLOW_SAMPLES_DIR));
    QList<IngestItem> items;
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        items.append(
            IngestItem{name.section(QLatin1Char('-'), 0, 0), sources::contentTypeForFile(name), sample(name), {}});
    }
    QVERIFY(items.size() >= 13);
    auto f = e.ingest(test::caller(), items);
    f.waitForFinished();
    const auto receipts = f.result();
    QVERIFY(receipts.ok());
    int events = 0;
    for (const auto &one : receipts.value()) {
        const QString why = one.ok() ? QString() : one.error().message;
        QVERIFY2(one.ok(), qPrintable(why));
        ++events;
    }
    auto c = e.database()->acquire();
    QTRY_COMPARE(c.value()->exec("SELECT count(*) FROM raw_events WHERE status = 'normalised'")->int64(0, 0),
                 qint64(events));
    // Every source kind is there, and almost every sample names a person we can link.
    QCOMPARE(c.value()
                 ->exec("SELECT count(DISTINCT kind) FROM normalised_events WHERE kind NOT LIKE 'product_%'")
                 ->int64(0, 0),
             5);
    // Unlinked to a contact: three transcripts without emails, the Segment track and group
    // messages without one, the HubSpot deal; the transcript with participants too, because
    // SALESFLOW_OWN_DOMAINS is not set here (we do not guess who is the prospect).
    QCOMPARE(c.value()->exec("SELECT count(*) FROM normalised_events WHERE contact_id IS NULL")->int64(0, 0), 7);
    e.stop();
}
