// The blocking HTTP client under the LLM providers and HubSpot (engine/core/blockinghttp.h),
// against a real HTTP server on loopback: what reaches the server, what comes back, the
// connection kept between calls, and each way a call ends without an answer.
#include "tst_suites.h"

#include "engine/core/blockinghttp.h"
#include "engine/core/stoptoken.h"
#include "tests/support/emulatorserver.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QtTest>

#include <mutex>
#include <thread>

using namespace salesflow;
using test::EmulatorServer;

namespace {

/// A server that answers by path, and remembers what it was sent.
struct Recorder
{
    std::mutex mutex;
    QList<EmulatorServer::Request> requests;
    QList<quint16> peerPorts; ///< the client's port for each request: the same port, the same connection
    EmulatorServer server{[this](const EmulatorServer::Request &r, const EmulatorServer::Reply &reply) {
        {
            std::lock_guard lock(mutex);
            requests.append(r);
            peerPorts.append(reply.socket ? reply.socket->peerPort() : 0);
        }
        answer(r, reply);
    }};

    static void answer(const EmulatorServer::Request &r, const EmulatorServer::Reply &reply)
    {
        if (r.path == "/hang")
            return; // never answered
        if (r.path == "/drop")
            return reply.drop();
        if (r.path == "/moved")
            return reply.send(302, "text/plain", "elsewhere", {{"Location", "/echo"}});
        if (r.path == "/deflated")
            return reply.send(200, "application/json", qCompress(QByteArray(4000, 'a')).mid(4),
                              {{"Content-Encoding", "deflate"}});
        reply.send(201, "application/json", "{\"ok\":true}", {{"X-RateLimit-Remaining", "41"}});
    }
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.port()).arg(path));
    }
};

} // namespace

void TestHttpClient::sendsTheRequestAndReadsTheAnswerOnOneKeptConnection()
{
    Recorder rec;
    QVERIFY(rec.server.start());
    const QByteArray body = "{\"model\":\"m\",\"text\":\"" + QByteArray(5000, 'x') + "\"}";
    const net::Answer a
        = net::send("POST", rec.url(QStringLiteral("/echo")), {{"Authorization", "Bearer k"}}, body, 5000);
    QCOMPARE(a.status, 201);
    QCOMPARE(a.body, QByteArray("{\"ok\":true}"));
    QCOMPARE(a.headers.value("x-ratelimit-remaining"), QByteArray("41")); // names lower-cased
    QVERIFY(a.failure.isEmpty());
    const net::Answer b = net::send("PATCH", rec.url(QStringLiteral("/echo")), {}, "{}", 5000);
    const net::Answer c = net::send("GET", rec.url(QStringLiteral("/echo")), {}, {}, 5000);
    QCOMPARE(b.status, 201);
    QCOMPARE(c.status, 201);
    std::lock_guard lock(rec.mutex);
    QCOMPARE(rec.requests.size(), 3);
    QCOMPARE(rec.requests[0].method, QByteArray("POST"));
    QCOMPARE(rec.requests[0].body, body); // above 1 KiB: sent at once, no 100-continue wait
    QCOMPARE(rec.requests[0].header("content-type"), QByteArray("application/json"));
    QCOMPARE(rec.requests[0].header("authorization"), QByteArray("Bearer k"));
    QCOMPARE(rec.requests[1].method, QByteArray("PATCH"));
    QCOMPARE(rec.requests[2].method, QByteArray("GET"));
    QVERIFY(rec.requests[2].body.isEmpty());
    QCOMPARE(rec.peerPorts[1], rec.peerPorts[0]);
    QCOMPARE(rec.peerPorts[2], rec.peerPorts[0]);
}

void TestHttpClient::decodesCompressedAnswersAndFollowsNoRedirect()
{
    Recorder rec;
    QVERIFY(rec.server.start());
    const net::Answer deflated = net::send("GET", rec.url(QStringLiteral("/deflated")), {}, {}, 5000);
    QCOMPARE(deflated.status, 200);
    QCOMPARE(deflated.body, QByteArray(4000, 'a'));
    const net::Answer moved = net::send("POST", rec.url(QStringLiteral("/moved")), {}, "{}", 5000);
    QCOMPARE(moved.status, 302);
    QCOMPARE(moved.headers.value("location"), QByteArray("/echo"));
    std::lock_guard lock(rec.mutex);
    QCOMPARE(rec.requests.size(), 2);
}

void TestHttpClient::aCallWithoutAnAnswerSaysWhy()
{
    Recorder rec;
    QVERIFY(rec.server.start());
    QElapsedTimer clock;
    clock.start();
    const net::Answer hung = net::send("POST", rec.url(QStringLiteral("/hang")), {}, "{}", 400);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(hung.status, 0);
    QVERIFY(hung.timedOut);
    QCOMPARE(hung.failure, QStringLiteral("no answer within 400 ms"));

    const net::Answer dropped = net::send("POST", rec.url(QStringLiteral("/drop")), {}, "{}", 5000);
    QCOMPARE(dropped.status, 0);
    QVERIFY(!dropped.timedOut && !dropped.stopped);
    QVERIFY(!dropped.failure.isEmpty());

    QTcpServer closed; // a port nobody listens on
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    const net::Answer refused = net::send("GET", QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)), {}, {}, 5000);
    QCOMPARE(refused.status, 0);
    QVERIFY2(refused.failure.contains(QLatin1String("connect"), Qt::CaseInsensitive), qPrintable(refused.failure));
    QVERIFY(!refused.timedOut);
}

void TestHttpClient::aStopRequestEndsAWaitingCall()
{
    Recorder rec;
    QVERIFY(rec.server.start());
    StopToken token;
    StopToken::Scope scope(&token);
    std::thread stopper([&token] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        token.request();
    });
    QElapsedTimer clock;
    clock.start();
    const net::Answer a = net::send("POST", rec.url(QStringLiteral("/hang")), {}, "{}", 60000);
    const qint64 took = clock.elapsed();
    stopper.join();
    QCOMPARE(a.status, 0);
    QVERIFY(a.stopped);
    QVERIFY(!a.timedOut);
    QVERIFY2(took >= 250 && took < 2000, qPrintable(QString::number(took))); // 300 ms, then within 100 ms
    // A stopped thread's next call does not leave at all.
    const net::Answer next = net::send("POST", rec.url(QStringLiteral("/echo")), {}, "{}", 5000);
    QVERIFY(next.stopped);
    std::lock_guard lock(rec.mutex);
    QCOMPARE(rec.requests.size(), 1);
}

void TestHttpClient::sendAllSendsTogetherAndAnswersInRequestOrder()
{
    // The server answers nothing until three calls wait at once, then answers the last first:
    // calls sent one after the other would each time out.
    std::vector<std::pair<QByteArray, EmulatorServer::Reply>> waiting; // server thread only
    EmulatorServer server([&](const EmulatorServer::Request &r, const EmulatorServer::Reply &reply) {
        if (r.path == "/drop")
            return reply.drop();
        waiting.emplace_back(r.body, reply);
        if (waiting.size() < 3)
            return;
        for (auto it = waiting.rbegin(); it != waiting.rend(); ++it)
            it->second.send(200, "application/json", "{\"echo\":" + it->first + "}");
        waiting.clear();
    });
    QVERIFY(server.start());
    const auto url = [&](const char *path) {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.port()).arg(QLatin1String(path)));
    };
    QList<net::Request> requests;
    for (int i = 0; i < 3; ++i)
        requests.append({"POST", url("/gate"), {{"Authorization", "Bearer k"}}, QByteArray::number(i), 5000});
    requests.insert(1, {"POST", url("/drop"), {}, "{}", 5000});
    const QList<net::Answer> answers = net::sendAll(requests);
    QCOMPARE(answers.size(), 4);
    for (int i : {0, 2, 3}) {
        QCOMPARE(answers[i].status, 200);
        QCOMPARE(answers[i].body, "{\"echo\":" + requests[i].body + "}");
    }
    QCOMPARE(answers[1].status, 0); // the dropped one fails alone
    QVERIFY(!answers[1].failure.isEmpty());
    // The thread's next calls still work, together and alone.
    const QList<net::Answer> again = net::sendAll({requests[0], requests[2], requests[3]});
    QCOMPARE(again.size(), 3);
    QCOMPARE(again[2].body, QByteArray("{\"echo\":2}"));
    QCOMPARE(net::send("POST", url("/drop"), {}, "{}", 5000).status, 0);
}
