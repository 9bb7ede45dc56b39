// Senders that cannot be changed, pointed at a salesflowd started by the test, on SQLite and
// PostgreSQL (`senders_tests sqlite|postgres`): the inbound-mail services' webhooks and the chat
// platforms' signed webhooks, with the payloads of tests/data/realworld, as the services post
// them — each event stored once, normalised, and answered with the codes the sender's retry
// logic expects.
#include "engine/hubspot/webhooksignature.h"
#include "tests/support/httpclient.h"
#include "tests/support/salesflowd.h"
#include "tests/support/testbackend.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QtTest>

using namespace salesflow;
using test::runSalesflowd;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QByteArray kIntercomSecret = "intercom client secret 41f0";
const QByteArray kFrontSecret = "front signing key 77ac";
const QByteArray kZendeskSecret = "zendesk webhook secret 09d2";
const QByteArray kHubspotSecret = "hubspot client secret 5e1b";

QByteArray corpus(const char *path)
{
    QFile f(QStringLiteral(SALESFLOW_REALWORLD_DIR "/") + QLatin1String(path));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing corpus file %s", path);
    return f.readAll();
}

/// The Content-Type the corpus file is posted with (from its .expect.json).
QByteArray typeOf(const char *path)
{
    const QByteArray expect = QByteArray(path) + ".expect.json";
    const QJsonObject e = QJsonDocument::fromJson(corpus(expect.constData())).object();
    return e.value(QLatin1String("content_type")).toString().toUtf8();
}

QByteArray hmacBase64(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256).toBase64();
}

} // namespace

class TestSenders : public QObject
{
    Q_OBJECT

private:
    QString m_db;
    QProcess m_server;
    quint16 m_port = 0;
    QByteArray m_token; ///< ingest
    QByteArray m_viewer;

    QByteArray createToken(const QString &name, const QString &role) const
    {
        return runSalesflowd({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--name"), name,
                              QStringLiteral("--role"), role, QStringLiteral("--db"), m_db})
            .out.trimmed();
    }

    test::HttpResponse post(const QByteArray &path, const QByteArray &body, Headers headers) const
    {
        return test::HttpClient("127.0.0.1", m_port).request("POST", path, body, headers);
    }

    /// How the mail services are told the token: in the URL, so as the Basic user name.
    Headers mailService(const QByteArray &contentType) const
    {
        return {{"Content-Type", contentType}, {"Authorization", "Basic " + QByteArray(m_token + ":").toBase64()}};
    }

    QJsonObject get(const QByteArray &path) const
    {
        return QJsonDocument::fromJson(test::HttpClient("127.0.0.1", m_port)
                                           .request("GET", path, {}, {{"Authorization", "Bearer " + m_viewer}})
                                           .body)
            .object();
    }

    /// The event's normalised attributes once the pipeline has read it.
    QJsonObject normalisedAttributes(const QString &id) const
    {
        QJsonObject n;
        for (int i = 0; i < 200 && n.isEmpty(); ++i, QTest::qWait(50))
            n = get("/v1/events/" + id.toUtf8()).value(QLatin1String("normalised")).toObject();
        return n.value(QLatin1String("attributes")).toObject();
    }

    static QString idOf(const test::HttpResponse &r)
    {
        return QJsonDocument::fromJson(r.body).object().value(QLatin1String("id")).toString();
    }

private Q_SLOTS:
    void init()
    {
        m_db = test::freshDbUrl(QStringLiteral("senders"));
        QVERIFY(runSalesflowd({QStringLiteral("migrate"), QStringLiteral("--db"), m_db}).exitCode == 0);
        m_token = createToken(QStringLiteral("mail"), QStringLiteral("ingest"));
        m_viewer = createToken(QStringLiteral("look"), QStringLiteral("viewer"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERCOM_CLIENT_SECRET"), QString::fromLatin1(kIntercomSecret));
        env.insert(QStringLiteral("FRONT_APP_SECRET"), QString::fromLatin1(kFrontSecret));
        env.insert(QStringLiteral("ZENDESK_WEBHOOK_SECRET"), QString::fromLatin1(kZendeskSecret));
        env.insert(QStringLiteral("HUBSPOT_CLIENT_SECRET"), QString::fromLatin1(kHubspotSecret));
        m_port = test::startServe(m_server, {QStringLiteral("--db"), m_db}, env);
        QVERIFY2(m_port, m_server.readAllStandardError().constData());
    }

    void cleanup()
    {
        m_server.terminate();
        QVERIFY(m_server.waitForFinished(30000));
        const QByteArray log = m_server.readAllStandardError();
        for (const QByteArray &secret : {m_token, kIntercomSecret, kFrontSecret, kZendeskSecret, kHubspotSecret})
            QVERIFY2(!log.contains(secret), "a secret reached the log");
    }

    void mailServicesPostUnchanged_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<int>("accepted");
        QTest::addColumn<QString>("via");
        QTest::newRow("SendGrid raw") << QByteArray("email/sendgrid-inbound-parse-raw.multipart") << 202
                                      << QStringLiteral("sendgrid");
        QTest::newRow("SendGrid fields") << QByteArray("email/sendgrid-inbound-parse-fields.multipart") << 202
                                         << QStringLiteral("sendgrid");
        QTest::newRow("Mailgun mime") << QByteArray("email/mailgun-route-mime.multipart") << 200
                                      << QStringLiteral("mailgun");
        QTest::newRow("Mailgun fields") << QByteArray("email/mailgun-route-fields.urlencoded") << 200
                                        << QStringLiteral("mailgun");
        QTest::newRow("Postmark") << QByteArray("email/postmark-inbound.json") << 200 << QStringLiteral("postmark");
    }

    void mailServicesPostUnchanged()
    {
        QFETCH(QByteArray, file);
        QFETCH(int, accepted);
        QFETCH(QString, via);
        const QByteArray body = corpus(file.constData());
        const auto first = post("/v1/events/email", body, mailService(typeOf(file.constData())));
        QCOMPARE(first.status, accepted); // Mailgun and Postmark count only a 200 as delivered
        const auto retry = post("/v1/events/email", body, mailService(typeOf(file.constData())));
        QCOMPARE(retry.status, 200);
        QCOMPARE(idOf(retry), idOf(first)); // the service's retry is the same event
        QVERIFY(QJsonDocument::fromJson(retry.body).object().value(QLatin1String("duplicate")).toBool());
        const QJsonObject attrs = normalisedAttributes(idOf(first));
        QCOMPARE(attrs.value(QLatin1String("received_via")).toString(), via);
        QCOMPARE(get("/v1/events?source=email").value(QLatin1String("items")).toArray().size(), 1);
    }

    void mailServicesGetTheRefusalTheyDoNotRetry()
    {
        // Mailgun stops retrying on 406, Postmark on 403; a missing token stays 401 (retried:
        // fixing the token lets the mail in). SendGrid has no such code: a plain 400.
        auto r = post("/v1/events/email", "body-plain=&recipient=a", mailService("application/x-www-form-urlencoded"));
        QCOMPARE(r.status, 406);
        QVERIFY2(r.body.contains("Mailgun"), r.body.constData());
        QJsonObject postmark = QJsonDocument::fromJson(corpus("email/postmark-inbound.json")).object();
        postmark.insert(QStringLiteral("HtmlBody"), QString());
        postmark.insert(QStringLiteral("Attachments"), QJsonArray());
        r = post("/v1/events/email", QJsonDocument(postmark).toJson(), mailService("application/json"));
        QCOMPARE(r.status, 403);
        r = post("/v1/events/email", "--x\r\nbroken", mailService("multipart/form-data"));
        QCOMPARE(r.status, 400); // no boundary: what SendGrid would be told
        r = post("/v1/events/email", corpus("email/postmark-inbound.json"), {{"Content-Type", "application/json"}});
        QCOMPARE(r.status, 401);
        QCOMPARE(get("/v1/events?source=email").value(QLatin1String("items")).toArray().size(), 0);
    }

    void chatPlatformsSignTheirWebhooks()
    {
        const QByteArray intercom = corpus("chat/intercom-conversation-user-replied.json");
        const QByteArray hub
            = "sha1=" + QMessageAuthenticationCode::hash(intercom, kIntercomSecret, QCryptographicHash::Sha1).toHex();
        const Headers json{{"Content-Type", "application/json"}};
        auto r = post("/v1/events/chat", intercom, json + Headers{{"X-Hub-Signature", hub}});
        QCOMPARE(r.status, 202);
        const QString intercomId = idOf(r);
        r = post("/v1/events/chat", intercom, json + Headers{{"X-Hub-Signature", hub}});
        QCOMPARE(r.status, 200); // Intercom's retry of the notification
        QCOMPARE(idOf(r), intercomId);
        r = post("/v1/events/chat", intercom + " ", json + Headers{{"X-Hub-Signature", hub}});
        QCOMPARE(r.status, 401); // a body changed on the way
        QVERIFY(!r.body.contains(kIntercomSecret));

        const QByteArray front = corpus("chat/front-inbound-message-event.json");
        const QByteArray ts = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const Headers frontSigned{{"X-Front-Request-Timestamp", ts},
                                  {"X-Front-Signature", hmacBase64(kFrontSecret, ts + ":" + front)}};
        r = post("/v1/events/chat", front, json + frontSigned);
        QCOMPARE(r.status, 202);
        const QString frontId = idOf(r);
        const QByteArray challenge = "{\"type\":\"sync\",\"payload\":{}}";
        r = post("/v1/events/chat", challenge,
                 json
                     + Headers{{"X-Front-Request-Timestamp", ts},
                               {"X-Front-Signature", hmacBase64(kFrontSecret, ts + ":" + challenge)},
                               {"X-Front-Challenge", "c7f2a19e"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("c7f2a19e")); // Front's subscription check, echoed

        const QByteArray zendesk = corpus("chat/zendesk-event-comment-added.json");
        const QByteArray zts = "2026-12-01T09:30:03Z";
        r = post("/v1/events/chat", zendesk,
                 json
                     + Headers{{"X-Zendesk-Webhook-Signature-Timestamp", zts},
                               {"X-Zendesk-Webhook-Signature", hmacBase64(kZendeskSecret, zts + zendesk)}});
        QCOMPARE(r.status, 202);
        const QString zendeskId = idOf(r);

        // A HubSpot Conversations delivery sent here: v3-signed, stored as HubSpot events (the
        // message text is read from HubSpot at normalise time: without a token it waits, failed).
        const QByteArray hubspotDelivery
            = R"([{"eventId":41,"subscriptionId":881,"portalId":44237313,"appId":4210286,"occurredAt":)"
              R"(1796131000000,"subscriptionType":"conversation.newMessage","attemptNumber":0,"objectId":)"
              R"(7301188221,"messageId":"f3b1c2d4e5","messageType":"MESSAGE","changeFlag":"NEW_MESSAGE"}])";
        const QByteArray hts = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const QByteArray uri = "http://127.0.0.1:" + QByteArray::number(m_port) + "/v1/events/chat";
        r = post("/v1/events/chat", hubspotDelivery,
                 json
                     + Headers{{"X-HubSpot-Request-Timestamp", hts},
                               {"X-HubSpot-Signature-v3",
                                hubspot::signatureV3(kHubspotSecret, "POST", uri, hubspotDelivery, hts)}});
        QCOMPARE(r.status, 202);
        QCOMPARE(get("/v1/events?source=hubspot").value(QLatin1String("items")).toArray().size(), 1);
        r = post("/v1/events/chat", hubspotDelivery,
                 json + Headers{{"X-HubSpot-Request-Timestamp", hts}, {"X-HubSpot-Signature-v3", "forged"}});
        QCOMPARE(r.status, 401);

        QCOMPARE(post("/v1/events/chat", zendesk, json).status, 401); // neither signed nor a token
        // Our own chat form with a token, as before.
        const Headers token{{"Content-Type", "application/json"}, {"Authorization", "Bearer " + m_token}};
        QCOMPARE(post("/v1/events/chat",
                      R"({"id":"c1","messages":[{"author":"ann@acme.example","role":"visitor","text":"Hi"}]})", token)
                     .status,
                 202);
        const std::pair<QString, const char *> expected[]
            = {{intercomId, "intercom"}, {frontId, "front"}, {zendeskId, "zendesk"}};
        for (const auto &[id, via] : expected)
            QCOMPARE(normalisedAttributes(id).value(QLatin1String("received_via")).toString(), QLatin1String(via));
        QCOMPARE(get("/v1/events?source=chat").value(QLatin1String("items")).toArray().size(), 4);
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    test::setBackend(args.size() > 1 && !args[1].startsWith(QLatin1Char('-')) ? args.takeAt(1)
                                                                              : QStringLiteral("sqlite"));
    TestSenders senders;
    return QTest::qExec(&senders, args);
}

#include "tst_senders.moc"
