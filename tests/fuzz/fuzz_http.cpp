// libFuzzer target for the HTTP front door: any bytes sent on a connection to the transport
// salesflowd serves with (libmicrohttpd and our adapter: framing checks, head reading, body
// limits, early answers) must end in an answer or a closed connection, never a crash, hang or
// leak. One server for the whole run; each input is one connection. Built by tests/fuzz/run.
#include "engine/http/transport/mhdtransport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

using namespace salesflow::http;

/// Answers at once; refuses /deny at the head and anything with a body over 4 KiB by limit.
class Handler final : public IHttpHandler
{
public:
    QFuture<std::optional<HttpResponse>> screen(const HttpHead &head) override
    {
        if (head.path.startsWith("/deny"))
            return QtFuture::makeReadyFuture(
                std::optional<HttpResponse>(HttpResponse{403, "{}", "application/json", {}, false}));
        return QtFuture::makeReadyFuture(std::optional<HttpResponse>());
    }
    void handle(HttpRequest request, ResponderPtr responder) override
    {
        responder->respond(HttpResponse{
            200, QByteArray::number(request.body.size()) + request.head.query.left(64), "text/plain", {}, false});
    }
};

quint16 g_port = 0;

quint16 startServer()
{
    static Handler handler;
    IHttpTransport::Options o;
    o.threads = 1;
    o.maxBodyBytes = 4096;
    o.headTimeoutMs = 1000;
    o.bodyTimeoutMs = 1000;
    static MhdTransport transport(o);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), len) != 0 || ::listen(fd, 128) != 0)
        __builtin_trap();
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    if (!transport.start(fd, &handler))
        __builtin_trap();
    return ntohs(a.sin_port);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    g_port = startServer();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(g_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        std::fprintf(stderr, "cannot connect to the server: %s\n", std::strerror(errno));
        __builtin_trap(); // the server is gone
    }
    size_t sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; // the server closed early (a refusal): fine
        sent += size_t(n);
    }
    ::shutdown(fd, SHUT_WR);
    // Read what the server answers until it closes or falls quiet for 5 ms (a complete request
    // on a kept-alive connection is answered and then held until the head deadline: waiting for
    // that would make each run take a second). Crashes and sanitizer reports are what count.
    char buffer[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 5) > 0 && ::recv(fd, buffer, sizeof buffer, 0) > 0) { }
    // Reset rather than close: thousands of runs a minute would otherwise use up the ephemeral
    // ports in TIME_WAIT and fail to connect (seen once as "cannot connect").
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
    return 0;
}
