#include "benchfrontdoor.h"

#include "wrkoutput.h"

#include "engine/http/transport/mhdtransport.h"
#include "tests/support/rawhttp.h"

#include <QAbstractHttpServer>

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QThread>
#include <microhttpd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace salesflow::bench {

namespace {

const QByteArray kAccepted = R"({"id":"00000000-0000-7000-8000-000000000000","duplicate":false})";
constexpr int kHeadTimeoutMs = 2000;

/// Qt HttpServer 6.4: QAbstractHttpServer answering every request at once, on a thread of its own.
class QtProbe final : public QAbstractHttpServer
{
public:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        QHttpServerResponder r = makeResponder(request, socket);
        if (request.method() == QHttpServerRequest::Method::Post)
            r.write(kAccepted, "application/json", QHttpServerResponder::StatusCode(202));
        else
            r.write(QByteArray(R"({"status":"ok"})"), "application/json", QHttpServerResponder::StatusCode::Ok);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }
};

struct Server
{
    QString name;
    quint16 port = 0;
    std::function<void()> stop;
};

Server startQt()
{
    auto *thread = new QThread;
    auto *probe = new QtProbe;
    auto *tcp = new QTcpServer(probe);
    tcp->listen(QHostAddress::LocalHost, 0);
    probe->bind(tcp);
    const quint16 port = tcp->serverPort();
    probe->moveToThread(thread);
    thread->start();
    return {QStringLiteral("Qt HttpServer 6.4"), port, [thread, probe] {
                QMetaObject::invokeMethod(
                    probe, [probe] { delete probe; }, Qt::BlockingQueuedConnection);
                thread->quit();
                thread->wait();
                delete thread;
            }};
}

int loopbackListener(quint16 *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    ::listen(fd, 1024);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/// The transport salesflowd serves with, answering at once.
class MhdProbe final : public http::IHttpHandler
{
public:
    QFuture<std::optional<http::HttpResponse>> screen(const http::HttpHead &) override
    {
        return QtFuture::makeReadyFuture(std::optional<http::HttpResponse>());
    }
    void handle(http::HttpRequest request, http::ResponderPtr responder) override
    {
        const bool post = request.head.method == "POST";
        responder->respond(http::HttpResponse{
            post ? 202 : 200, post ? kAccepted : QByteArray(R"({"status":"ok"})"), "application/json", {}, false});
    }
};

Server startMhd()
{
    http::IHttpTransport::Options o;
    o.threads = 2;
    o.headTimeoutMs = kHeadTimeoutMs;
    auto transport = std::make_shared<http::MhdTransport>(o);
    auto handler = std::make_shared<MhdProbe>();
    quint16 port = 0;
    const int fd = loopbackListener(&port);
    if (!transport->start(fd, handler.get()))
        qFatal("libmicrohttpd probe did not start");
    return {QStringLiteral("libmicrohttpd 0.9.75 + our adapter"), port, [transport, handler] { transport->stop(); }};
}

MHD_Result rawMhdAnswer(void *, MHD_Connection *c, const char *, const char *method, const char *, const char *,
                        size_t *size, void **context)
{
    if (!*context) { // the head: no body limit of its own, so count what it would buffer
        *context = c;
        return MHD_YES;
    }
    if (*size > 0) {
        *size = 0;
        return MHD_YES;
    }
    const bool post = qstrcmp(method, "POST") == 0;
    const QByteArray body = post ? kAccepted : QByteArray(R"({"status":"ok"})");
    MHD_Response *r = MHD_create_response_from_buffer(size_t(body.size()), const_cast<char *>(body.constData()),
                                                      MHD_RESPMEM_MUST_COPY);
    const MHD_Result queued = MHD_queue_response(c, post ? 202 : 200, r);
    MHD_destroy_response(r);
    return queued;
}

/// libmicrohttpd with its own options only (idle timeout, thread pool), without our adapter:
/// which of the cases the library itself answers.
Server startRawMhd()
{
    quint16 port = 0;
    const int fd = loopbackListener(&port);
    MHD_Daemon *d
        = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, nullptr, nullptr, &rawMhdAnswer, nullptr,
                           MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_TIMEOUT,
                           unsigned(kHeadTimeoutMs / 1000), MHD_OPTION_END);
    if (!d)
        qFatal("plain libmicrohttpd probe did not start");
    return {QStringLiteral("libmicrohttpd alone"), port, [d] { MHD_stop_daemon(d); }};
}

void evAnswer(evhttp_request *req, void *)
{
    evbuffer *out = evbuffer_new();
    const bool post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
    const QByteArray body = post ? kAccepted : QByteArray(R"({"status":"ok"})");
    evbuffer_add(out, body.constData(), size_t(body.size()));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evhttp_send_reply(req, post ? 202 : 200, post ? "Accepted" : "OK", out);
    evbuffer_free(out);
}

Server startEvhttp()
{
    quint16 port = 0;
    const int fd = loopbackListener(&port);
    event_base *base = event_base_new();
    evhttp *h = evhttp_new(base);
    evhttp_set_max_headers_size(h, 32 * 1024);
    evhttp_set_max_body_size(h, 1024 * 1024);
    evhttp_set_timeout(h, kHeadTimeoutMs / 1000);
    evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(h, &evAnswer, nullptr);
    evhttp_accept_socket(h, fd);
    auto *loop = new std::thread([base] { event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY); });
    return {QStringLiteral("libevent 2.1.12 evhttp"), port, [base, h, loop] {
                event_base_loopbreak(base);
                loop->join();
                delete loop;
                evhttp_free(h);
                event_base_free(base);
            }};
}

using test::RawConnection;

QByteArray postForm(const QByteArray &extra = {}, const QByteArray &body = R"({"a":1})")
{
    return "POST /v1/events/form HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + extra
        + (extra.contains("Content-Length") || extra.contains("Transfer-Encoding")
               ? QByteArray()
               : "Content-Length: " + QByteArray::number(body.size()) + "\r\n")
        + "\r\n" + body;
}

int statusOf(quint16 port, const QByteArray &bytes, int timeoutMs = 3000)
{
    RawConnection c(port);
    c.send(bytes);
    return c.read(1, timeoutMs).value(0).status;
}

/// Refused (4xx/5xx) and the connection closed: nothing after it is read as a request.
bool refusedAndClosed(quint16 port, const QByteArray &bytes)
{
    RawConnection c(port);
    c.send(bytes + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto r = c.read(2, 3000);
    return r.size() == 1 && r[0].status >= 400 && c.closedWithin(2000);
}

struct Case
{
    const char *what;
    std::function<bool(quint16)> passes;
};

/// RFC 9112 framing and connection handling.
QList<Case> framingCases()
{
    return {
        {"two different Content-Lengths refused, connection closed",
         [](quint16 p) { return refusedAndClosed(p, postForm("Content-Length: 7\r\nContent-Length: 3\r\n")); }},
        {"Transfer-Encoding with Content-Length refused, closed",
         [](quint16 p) {
             return refusedAndClosed(
                 p, postForm("Content-Length: 12\r\nTransfer-Encoding: chunked\r\n", "7\r\n{\"a\":1}\r\n0\r\n\r\n"));
         }},
        {"pipelined POST then GET answered in order",
         [](quint16 p) {
             RawConnection c(p);
             c.send(postForm() + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
             const auto r = c.read(2);
             return r.size() == 2 && r[0].status == 202 && r[1].status == 200;
         }},
        {"HEAD answered without a body",
         [](quint16 p) {
             RawConnection c(p);
             c.send("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
             const auto r = c.read(2, 3000, {0});
             return r.size() == 2 && r[0].status == 200 && r[0].body.isEmpty() && r[1].status == 200;
         }},
        {"HTTP/1.0 answered, then closed",
         [](quint16 p) {
             RawConnection c(p);
             c.send("GET /healthz HTTP/1.0\r\n\r\n");
             return c.read(1).value(0).status == 200 && c.closedWithin(2000);
         }},
        {"Connection: close honoured",
         [](quint16 p) {
             RawConnection c(p);
             c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
             return c.read(1).value(0).status == 200 && c.closedWithin(2000);
         }},
        {"Expect: 100-continue gets 100 before the body",
         [](quint16 p) {
             RawConnection c(p);
             c.send("POST /v1/events/form HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n");
             return c.read(1, 2000).value(0).status == 100;
         }},
    };
}

/// Limits and time limits: what a server refuses or cuts off before it has read everything.
QList<Case> limitCases()
{
    return {
        {"HTTP/1.1 without Host refused (400)",
         [](quint16 p) { return statusOf(p, "GET /healthz HTTP/1.1\r\n\r\n") == 400; }},
        {"100 MiB Content-Length refused (413) before reading",
         [](quint16 p) { return statusOf(p, postForm("Content-Length: 104857600\r\n", {})) == 413; }},
        {"chunked body of 1.5 MiB refused (413), not buffered",
         [](quint16 p) {
             QByteArray chunks;
             const QByteArray piece(256 * 1024, 'x');
             for (int i = 0; i < 6; ++i)
                 chunks += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
             return statusOf(p, postForm("Transfer-Encoding: chunked\r\n", chunks + "0\r\n\r\n"), 5000) == 413;
         }},
        {"100 KB request line refused (414)",
         [](quint16 p) {
             return statusOf(p, "GET /healthz?q=" + QByteArray(100 * 1024, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n")
                 == 414;
         }},
        {"1 MiB header refused (431)",
         [](quint16 p) {
             return statusOf(p,
                             "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(1024 * 1024, 'b') + "\r\n\r\n")
                 == 431;
         }},
        {"idle connection closed (2 s timeout where settable)",
         [](quint16 p) {
             RawConnection c(p);
             return c.closedWithin(kHeadTimeoutMs + 2000);
         }},
        {"head trickled a byte every 0.5 s cut off",
         [](quint16 p) {
             RawConnection c(p);
             const QByteArray head = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa";
             for (int i = 0; i < head.size(); ++i) {
                 if (!c.send(head.mid(i, 1)) || c.closedWithin(500))
                     return true;
             }
             return false;
         }},
    };
}

QString wrk(quint16 port, const QString &script)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SALESFLOW_BENCH_TOKEN"), QStringLiteral("unused"));
    env.insert(QStringLiteral("SALESFLOW_BENCH_RUN"), QStringLiteral("frontdoor"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("wrk"),
            {QStringLiteral("-t2"), QStringLiteral("-c32"), QStringLiteral("-d5s"), QStringLiteral("--latency"),
             QStringLiteral("-s"), script, QStringLiteral("http://127.0.0.1:%1").arg(port)});
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

} // namespace

void runFrontDoorBenchmarks(const std::function<void(const QString &)> &say)
{
    evthread_use_pthreads();
    std::vector<Server> servers{startQt(), startRawMhd(), startMhd(), startEvhttp()};
    say(QStringLiteral("hostile and broken clients (tests/support/rawhttp against each library's server, trivial "
                       "handler; PASS = answered as RFC 9110/9112 and the contract say):"));
    for (const Case &c : framingCases() + limitCases()) {
        QStringList row;
        for (const Server &s : servers)
            row << QStringLiteral("%1 %2").arg(s.name,
                                               c.passes(s.port) ? QStringLiteral("PASS") : QStringLiteral("fail"));
        say(QStringLiteral("  %1: %2").arg(QLatin1String(c.what), row.join(QStringLiteral(" | "))));
    }
    const QString script = QStringLiteral(SALESFLOW_BENCH_DIR "/post.lua");
    say(QStringLiteral("throughput, ingest-sized POST answered 202 at once (wrk -t2 -c32 -d5s --latency -s "
                       "tests/bench/post.lua), 3 rounds alternating:"));
    for (int round = 1; round <= 3; ++round) {
        QStringList row;
        for (const Server &s : servers) {
            const QString out = wrk(s.port, script);
            row << QStringLiteral("%1 %2 req/s p99 %3 ms")
                       .arg(s.name)
                       .arg(grab(out, QStringLiteral("Requests/sec:\\s+([0-9.]+)")), 0, 'f', 0)
                       .arg(wrkMs(out, QStringLiteral("99%")), 0, 'f', 2);
        }
        say(QStringLiteral("  round %1: %2").arg(round).arg(row.join(QStringLiteral(" | "))));
    }
    for (Server &s : servers)
        s.stop();
}

} // namespace salesflow::bench
