// The front door under hostile and broken clients (issue 10), over real sockets against the
// transport salesflowd serves with: framing and smuggling pairs, pipelining order, HEAD,
// HTTP/1.0, 100-continue, limits before reading, slow and idle connections, gzip and gzip bombs,
// control bytes in ids and text — on SQLite and PostgreSQL.
#include "tst_suites.h"

#include "engine/http/apilistener.h"
#include "engine/local/localengine.h"
#include "tests/support/engines.h"
#include "tests/support/rawhttp.h"
#include "tests/support/testbackend.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <zlib.h>

using namespace salesflow;
using test::HttpResponse;
using test::RawConnection;

namespace {

constexpr int kHeadTimeoutMs = 800;
constexpr int kBodyTimeoutMs = 1500;
constexpr qint64 kMaxBody = 256 * 1024;

QByteArray gzip(const QByteArray &plain)
{
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(plain.size()))), Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
    z.avail_in = uInt(plain.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray post(const QByteArray &path, const QByteArray &body, const QByteArray &token, const QByteArray &extra = {})
{
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extra
        + "\r\n" + body;
}

QByteArray get(const QByteArray &path, const QByteArray &token = {}, const QByteArray &method = "GET")
{
    return method + " " + path + " HTTP/1.1\r\nHost: t\r\n"
        + (token.isEmpty() ? QByteArray() : "Authorization: Bearer " + token + "\r\n") + "\r\n";
}

QJsonObject obj(const HttpResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

struct TestFrontDoor::Fixture
{
    std::unique_ptr<LocalEngine> engine;
    std::unique_ptr<http::ApiListener> listener;
    quint16 port = 0;
    QByteArray ingest, viewer;

    qint64 events() { return test::count(*engine, "SELECT count(*) FROM raw_events"); }
    /// One request on a fresh connection, the answer read whole.
    HttpResponse once(const QByteArray &bytes, bool head = false)
    {
        RawConnection c(port);
        c.send(bytes);
        const auto r = c.read(1, 10000, head ? QList<int>{0} : QList<int>{});
        return r.isEmpty() ? HttpResponse{} : r.first();
    }
};

TestFrontDoor::TestFrontDoor() = default;
TestFrontDoor::~TestFrontDoor() = default;

void TestFrontDoor::init()
{
    m_f = std::make_unique<Fixture>();
    m_f->engine = test::openEngine(Config{}, QStringLiteral("frontdoor"), {QStringLiteral("normalise")});
    m_f->ingest = test::createToken(*m_f->engine, QStringLiteral("in"), Role::Ingest);
    m_f->viewer = test::createToken(*m_f->engine, QStringLiteral("view"), Role::Viewer);
    m_f->listener = std::make_unique<http::ApiListener>(m_f->engine.get(), m_f->engine.get(),
                                                        http::ApiServer::Options{kMaxBody, {}, {}});
    m_f->listener->setLimits(kHeadTimeoutMs, kBodyTimeoutMs);
    auto port = m_f->listener->listen(QHostAddress::LocalHost, 0, 2);
    QVERIFY2(port.ok(), qPrintable(port.error().message));
    m_f->port = port.value();
}

void TestFrontDoor::cleanup()
{
    m_f.reset();
}

void TestFrontDoor::pipelinedRequestsAreAnsweredInOrder()
{
    // A durable POST (slow: a commit), an instant GET, another POST, in one write: the answers
    // come back in the order asked, each to its own request.
    RawConnection c(m_f->port);
    c.send(post("/v1/events/chat", R"({"id":"p1","messages":[]})", m_f->ingest) + get("/healthz")
           + post("/v1/events/chat", R"({"id":"p2","messages":[]})", m_f->ingest) + get("/nowhere"));
    const auto r = c.read(4);
    QCOMPARE(r.size(), 4);
    QCOMPARE(r[0].status, 202);
    QCOMPARE(r[1].status, 200);
    QCOMPARE(obj(r[1]).value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(r[2].status, 202);
    QCOMPARE(r[3].status, 404);
    QVERIFY(obj(r[0]).value(QStringLiteral("id")) != obj(r[2]).value(QStringLiteral("id")));
}

void TestFrontDoor::ambiguousFramingIsRefusedAndClosed()
{
    const QByteArray body = R"({"id":"s","messages":[]})";
    const QByteArray head = "POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_f->ingest
        + "\r\nContent-Type: application/json\r\n";
    const QList<QByteArray> smuggling{
        head + "Content-Length: " + QByteArray::number(body.size()) + "\r\nContent-Length: 5\r\n\r\n" + body,
        head + "Content-Length: " + QByteArray::number(body.size()) + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
        head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + body,
        // A space before the colon: not a header name a proxy would read the same way.
        head + "Content-Length : " + QByteArray::number(body.size()) + "\r\n\r\n" + body,
        head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
        head + "Content-Length: 99999999999999999999\r\n\r\n" + body, // past 64 bits: 413
        head + "Content-Length: 9223372036854775808\r\n\r\n" + body, // 2^63: past a signed count
        head + "Content-Length: -5\r\n\r\n" + body,
    };
    for (const QByteArray &bytes : smuggling) {
        RawConnection c(m_f->port);
        c.send(bytes + get("/healthz"));
        const auto r = c.read(2, 3000);
        QVERIFY2(!r.isEmpty() && (r[0].status == 400 || r[0].status == 413 || r[0].status == 501),
                 bytes.mid(100, 120).constData());
        QCOMPARE(r.size(), 1); // the smuggled request behind it is never read
        QVERIFY(c.closedWithin(2000));
    }
    QCOMPARE(m_f->events(), 0);
}

void TestFrontDoor::httpSemanticsAreFollowed()
{
    // HEAD: the GET route's headers, no body.
    const HttpResponse head = m_f->once(get("/healthz", {}, "HEAD"), true);
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    // 405 names what is allowed.
    const HttpResponse wrong = m_f->once(post("/healthz", "{}", m_f->viewer));
    QCOMPARE(wrong.status, 405);
    QCOMPARE(wrong.header("Allow"), QByteArray("GET, HEAD"));
    // A 1.1 request without Host is malformed (RFC 9112 §3.2).
    QCOMPARE(m_f->once("GET /healthz HTTP/1.1\r\n\r\n").status, 400);
    // An encoded slash is part of a segment: this is no event id and never the event list.
    QCOMPARE(m_f->once(get("/v1/events/%2F", m_f->viewer)).status, 404);
    // '+' in a query is a plus (RFC 3986), not a space: an offset in a time stays one.
    QCOMPARE(m_f->once(get("/v1/events?since=2024-05-01T10:00:00+02:00", m_f->viewer)).status, 200);
    // A cursor this server never gave out is not a position.
    QCOMPARE(m_f->once(get("/v1/events?after=zzz", m_f->viewer)).status, 400);
    QCOMPARE(m_f->once(get("/v1/audit?after=-1", m_f->viewer)).status, 400);
    // HTTP/1.0 and Connection: close are answered, then the connection is closed.
    for (const QByteArray &bytes : {QByteArray("GET /healthz HTTP/1.0\r\n\r\n"),
                                    QByteArray("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")}) {
        RawConnection c(m_f->port);
        c.send(bytes);
        const auto r = c.read(1);
        QVERIFY(!r.isEmpty() && r[0].status == 200);
        QVERIFY(c.closedWithin(2000));
    }
}

void TestFrontDoor::expectContinueWaitsForTheGoAhead()
{
    const QByteArray body = R"({"id":"e100","messages":[]})";
    RawConnection c(m_f->port);
    c.send("POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_f->ingest
           + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n");
    auto interim = c.read(1, 3000);
    QVERIFY(!interim.isEmpty());
    QCOMPARE(interim[0].status, 100);
    c.send(body);
    auto final = c.read(1);
    QVERIFY(!final.isEmpty());
    QCOMPARE(final[0].status, 202);
    // Refused by its head: no 100, the refusal at once, and the body never wanted.
    RawConnection d(m_f->port);
    d.send("POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
           "Content-Length: 200000\r\n\r\n");
    auto refused = d.read(1, 3000);
    QVERIFY(!refused.isEmpty());
    QCOMPARE(refused[0].status, 401);
}

void TestFrontDoor::limitsApplyBeforeReading()
{
    // 100 MiB announced: refused by its length, nothing read; the connection closes.
    RawConnection big(m_f->port);
    big.send("POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
             "104857600\r\n\r\n");
    auto r = big.read(1, 3000);
    QVERIFY(!r.isEmpty());
    QCOMPARE(r[0].status, 413);
    QVERIFY(big.closedWithin(2000));
    // A large body without a token: 401 before the body is sent.
    RawConnection anon(m_f->port);
    anon.send("POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
              "200000\r\n\r\n");
    r = anon.read(1, 3000);
    QVERIFY(!r.isEmpty());
    QCOMPARE(r[0].status, 401);
    // A chunked body that passes the limit is cut off there.
    RawConnection chunked(m_f->port);
    QByteArray chunks = "POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_f->ingest
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const QByteArray piece(64 * 1024, 'x');
    for (int i = 0; i < 6; ++i)
        chunks += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
    chunked.send(chunks + "0\r\n\r\n");
    r = chunked.read(1, 5000);
    QVERIFY(!r.isEmpty());
    QVERIFY2(r[0].status == 413, r[0].body.constData());
    // One that keeps streaming past the limit is cut off: not read to its end.
    RawConnection endless(m_f->port);
    bool cut = !endless.send(chunks);
    for (int i = 0; i < 64 && !cut; ++i)
        cut = !endless.send(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
    QVERIFY(cut || endless.closedWithin(2000));
    // The request line and the header are bounded.
    QCOMPARE(m_f->once(get("/v1/events?q=" + QByteArray(100 * 1024, 'a'), m_f->viewer)).status, 414);
    QCOMPARE(
        m_f->once("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(1024 * 1024, 'b') + "\r\n\r\n").status,
        431);
    QCOMPARE(m_f->events(), 0);
    QCOMPARE(m_f->once(get("/healthz")).status, 200);
}

void TestFrontDoor::slowAndIdleClientsAreCutOff()
{
    RawConnection idle(m_f->port);
    QVERIFY(idle.connected());
    // A head trickled a byte at a time, never finished: cut at the head deadline even though
    // bytes keep coming (an idle timeout alone would never fire).
    RawConnection slow(m_f->port);
    const QByteArray head = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ";
    QElapsedTimer t;
    t.start();
    bool cut = false;
    for (int i = 0; i < 40 && !cut; ++i) {
        cut = !slow.send(i < head.size() ? head.mid(i, 1) : QByteArray("a"));
        cut = cut || slow.closedWithin(100);
    }
    QVERIFY2(cut, "a head trickled byte by byte was never cut off");
    QVERIFY2(t.elapsed() < kHeadTimeoutMs + 1500, qPrintable(QString::number(t.elapsed())));
    QVERIFY(idle.closedWithin(kHeadTimeoutMs + 1000));
    // A body that stops short is cut at the body deadline.
    RawConnection stalled(m_f->port);
    stalled.send("POST /v1/events/chat HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_f->ingest
                 + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":");
    QVERIFY(stalled.closedWithin(kBodyTimeoutMs + 1500));
    // Keep-alive between requests counts as waiting for a head.
    RawConnection kept(m_f->port);
    kept.send(get("/healthz"));
    QCOMPARE(kept.read(1).value(0).status, 200);
    QVERIFY(kept.closedWithin(kHeadTimeoutMs + 1000));
    QCOMPARE(m_f->once(get("/healthz")).status, 200);
    QCOMPARE(m_f->events(), 0);
}

void TestFrontDoor::gzipBodiesAreDecodedWithinTheLimit()
{
    const QByteArray plain = R"({"id":"gz","messages":[{"from":"Ann","text":"hello from gzip"}]})";
    const HttpResponse ok = m_f->once(post("/v1/events/chat", gzip(plain), m_f->ingest, "Content-Encoding: gzip\r\n"));
    QCOMPARE(ok.status, 202);
    const QByteArray id = obj(ok).value(QStringLiteral("id")).toString().toUtf8();
    const HttpResponse lineage = m_f->once(get("/v1/events/" + id, m_f->viewer));
    QCOMPARE(lineage.status, 200);
    QVERIFY2(lineage.body.contains("hello from gzip"), lineage.body.constData()); // stored decoded
    // A bomb: 64 MiB of zeros in ~64 KB; refused once the output passes the limit.
    const QByteArray bomb = gzip("{\"id\":\"" + QByteArray(64 * 1024 * 1024, '0') + "\"}");
    QVERIFY(bomb.size() < kMaxBody);
    QCOMPARE(m_f->once(post("/v1/events/chat", bomb, m_f->ingest, "Content-Encoding: gzip\r\n")).status, 413);
    QCOMPARE(m_f->once(post("/v1/events/chat", plain, m_f->ingest, "Content-Encoding: gzip\r\n")).status, 400);
    QCOMPARE(m_f->once(post("/v1/events/chat", plain, m_f->ingest, "Content-Encoding: br\r\n")).status, 415);
    QCOMPARE(m_f->events(), 1);
}

void TestFrontDoor::controlBytesInIdsAndTextAreSafe()
{
    // Ids with control characters are refused at the door; text with them is kept, whole,
    // on both stores (PostgreSQL text cannot hold U+0000: it becomes U+FFFD, nothing after it
    // is lost) and normalises.
    QCOMPARE(
        m_f->once(post("/v1/events/form", R"({"submission_id":"a\u0000b","fields":{"email":"a@b.co"}})", m_f->ingest))
            .status,
        400);
    QCOMPARE(m_f->once(post("/v1/events/product", R"({"type":"track","event":"x","messageId":"m\u0000"})", m_f->ingest))
                 .status,
             400);
    const QByteArray mail = QByteArray("From: a@b.co\r\nMessage-ID: <x\0y@b.co>\r\nSubject: hi\r\n\r\nbody", 57);
    QCOMPARE(m_f->once("POST /v1/events/email HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m_f->ingest
                       + "\r\nContent-Type: message/rfc822\r\nContent-Length: " + QByteArray::number(mail.size())
                       + "\r\n\r\n" + mail)
                 .status,
             400);
    QCOMPARE(m_f->once(post("/v1/events/chat", "{}", m_f->ingest, "Idempotency-Key: a\x01b\r\n")).status, 400);
    // An id longer than an index entry holds (PostgreSQL refuses ~2.7 KB): still one event.
    const QByteArray longId = R"({"submission_id":")" + QByteArray(5000, 'z') + R"(","fields":{"email":"z@b.co"}})";
    const HttpResponse first = m_f->once(post("/v1/events/form", longId, m_f->ingest));
    QCOMPARE(first.status, 202);
    const HttpResponse again = m_f->once(post("/v1/events/form", longId, m_f->ingest));
    QCOMPARE(again.status, 200);
    QCOMPARE(obj(again).value(QStringLiteral("id")), obj(first).value(QStringLiteral("id")));
    const HttpResponse ok = m_f->once(
        post("/v1/events/chat",
             R"({"id":"nul","messages":[{"from":"A\u0000nn","text":"before\u0000after \u0007 bell"}]})", m_f->ingest));
    QCOMPARE(ok.status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(test::count(*m_f->engine, "SELECT count(*) FROM raw_events WHERE status = 'normalised'"),
                              2, 20000);
    const HttpResponse lineage
        = m_f->once(get("/v1/events/" + obj(ok).value(QStringLiteral("id")).toString().toUtf8(), m_f->viewer));
    QCOMPARE(lineage.status, 200);
    QVERIFY2(lineage.body.contains("after"), lineage.body.constData());
}
