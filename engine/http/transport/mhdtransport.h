#pragma once

#include "httptransport.h"

#include <memory>

namespace salesflow::http {

/// IHttpTransport on GNU libmicrohttpd (Debian's libmicrohttpd12): a pool of epoll threads, each
/// request suspended while the application works on it and resumed with its answer, so a slow
/// engine call never holds a thread. libmicrohttpd does the RFC 9112 framing, pipelining in order,
/// HEAD, 100-continue, HTTP/1.0 and Connection: close, bounds the request line and header
/// (414/431), caps connections and stops accepting on EMFILE until one closes; this adapter adds
/// what it lacks: refusing ambiguous framing (two Content-Lengths, Transfer-Encoding with
/// Content-Length, a 1.1 request without Host), the body limit as bytes arrive, and the
/// head/body deadlines (a connection that misses one is shut down, so a slow sender cannot
/// hold it).
///
/// Failure: start() returns an Error when libmicrohttpd refuses the options (e.g. a certificate
/// it cannot read); a request the handler never answers is answered 503 at stop().
class MhdTransport final : public IHttpTransport
{
public:
    explicit MhdTransport(Options options);
    ~MhdTransport() override;
    MhdTransport(const MhdTransport &) = delete;
    MhdTransport &operator=(const MhdTransport &) = delete;

    Status start(int listeningFd, IHttpHandler *handler) override;
    void stopAccepting() override;
    void stop() override;

    struct Impl;

private:
    std::unique_ptr<Impl> d;
};

} // namespace salesflow::http
