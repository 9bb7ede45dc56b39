#include "mhdtransport.h"

#include "../../core/logging.h"
#include "connectionwatch.h"
#include "framing.h"
#include "mhdexchange.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QThread>

#include <algorithm>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace salesflow::http {

struct MhdTransport::Impl
{
    Options options;
    IHttpHandler *handler = nullptr;
    MHD_Daemon *daemon = nullptr;
    int listenFd = -1; ///< our copy; libmicrohttpd has its own (dup)
    int quiescedFd = -1; ///< libmicrohttpd's, handed back by quiesce
    std::unique_ptr<ConnectionWatch> watch;
    std::mutex suspendedMutex;
    bool stopping = false;
    std::map<MhdExchange *, std::weak_ptr<MhdExchange>> suspended;

    /// Keeps the suspended exchanges; refuses a new suspension once stop() has begun (libmicrohttpd
    /// 0.9.75 aborts the process when a connection is still suspended at MHD_stop_daemon).
    bool onSuspend(MhdExchange *e, bool on)
    {
        std::lock_guard lock(suspendedMutex);
        if (!on) {
            suspended.erase(e);
            return true;
        }
        if (stopping)
            return false;
        suspended[e] = e->weak_from_this();
        return true;
    }
};

namespace {

using Impl = MhdTransport::Impl;
using ExchangePtr = std::shared_ptr<MhdExchange>;

MHD_Result collect(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    static_cast<HeaderList *>(cls)->append({QByteArray(key), value ? QByteArray(value) : QByteArray()});
    return MHD_YES;
}

QString peerOf(MHD_Connection *c)
{
    const MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info && info->client_addr ? QHostAddress(info->client_addr).toString() : QString();
}

/// One request's state from its first byte: the raw target (libmicrohttpd rewrites its copy of
/// the URI, e.g. '+' to a space in the query) and, once the head is in, the exchange.
struct RequestState
{
    QByteArray target;
    ExchangePtr ex;
};

HttpHead readHead(MHD_Connection *c, const QByteArray &target, const char *method)
{
    HttpHead h;
    h.method = method;
    splitTarget(target, &h.path, &h.query);
    h.peer = peerOf(c);
    MHD_get_connection_values(c, MHD_HEADER_KIND, &collect, &h.headers);
    bool ok = false;
    const qint64 length = h.header("Content-Length").trimmed().toLongLong(&ok);
    h.contentLength = ok && h.header("Transfer-Encoding").isEmpty() ? length : -1;
    return h;
}

/// Queues the exchange's answer now; false (close the connection) when libmicrohttpd cannot take it.
MHD_Result queueNow(const ExchangePtr &ex)
{
    return ex->queueAnswer() ? MHD_YES : MHD_NO;
}

/// Waits for an asynchronous screen: the connection is suspended until it decides. A screen that
/// fails or is cancelled answers 503, so no connection stays suspended for ever.
MHD_Result awaitScreen(QFuture<std::optional<HttpResponse>> screened, const ExchangePtr &ex, bool expectsBody)
{
    ex->headAgain = true; // resumed, libmicrohttpd calls again for the head before any body byte
    if (!ex->suspendUnlessAnswered())
        return queueNow(ex); // stopping: the 503 goes now
    auto unavailable = [ex] {
        ex->respond(refusal(503, "Service Unavailable", QStringLiteral("the caller could not be checked; try again")));
    };
    screened
        .then([ex, expectsBody](const std::optional<HttpResponse> &no) {
            if (!no)
                return ex->admit();
            HttpResponse answer = *no;
            answer.close = answer.close || expectsBody;
            ex->respond(answer);
        })
        .onFailed(unavailable)
        .onCanceled(unavailable);
    return MHD_YES;
}

/// The first call for a request: the head is there, no body byte read yet.
MHD_Result onHead(Impl *d, MHD_Connection *c, const ExchangePtr &ex, const char *version)
{
    const bool expectsBody = ex->head.contentLength != 0;
    d->watch->headArrived(c, expectsBody);
    if (auto bad = ambiguousFraming(ex->head, QByteArray(version))) {
        ex->respond(*bad);
        return queueNow(ex);
    }
    const qint64 routeLimit = d->handler->bodyLimit(ex->head);
    ex->limit = routeLimit < 0 ? d->options.maxBodyBytes : qMin(routeLimit, d->options.maxBodyBytes);
    if (ex->head.contentLength > ex->limit) { // refused by its length, unread
        ex->respond(refusal(
            413, "Content Too Large",
            QStringLiteral("the body is %1 bytes; the limit is %2").arg(ex->head.contentLength).arg(ex->limit)));
        return queueNow(ex);
    }
    QFuture<std::optional<HttpResponse>> screened = d->handler->screen(ex->head);
    if (!screened.isFinished())
        return awaitScreen(screened, ex, expectsBody);
    std::optional<HttpResponse> no;
    try {
        no = screened.result();
    } catch (...) { // nothing may unwind through libmicrohttpd's C frames
        no = refusal(503, "Service Unavailable", QStringLiteral("the caller could not be checked; try again"));
    }
    if (no) {
        no->close = no->close || expectsBody;
        ex->respond(*no);
        return queueNow(ex);
    }
    ex->phase = MhdExchange::Phase::Body;
    return MHD_YES;
}

/// The rest of a body after its 413, dropped as it arrives so the answer can go out at its end
/// (libmicrohttpd 0.9.75 sends nothing mid-body); past another limit's worth the connection is
/// closed instead (a client streaming for ever gets no answer, only the end of the connection).
MHD_Result dropBody(Impl *, const ExchangePtr &ex, size_t *size)
{
    ex->dropped += qint64(*size);
    *size = 0;
    return ex->dropped > ex->limit ? MHD_NO : MHD_YES;
}

MHD_Result onBody(Impl *d, const ExchangePtr &ex, const char *data, size_t *size)
{
    if (ex->body.size() + qint64(*size) > ex->limit) { // a chunked body past the limit
        ex->respond(
            refusal(413, "Content Too Large", QStringLiteral("the body is over the limit of %1 bytes").arg(ex->limit)));
        ex->body = QByteArray(); // nothing of it is used: free it now
        return dropBody(d, ex, size);
    }
    ex->body.append(data, qsizetype(*size));
    *size = 0;
    return MHD_YES;
}

MHD_Result onRequest(void *cls, MHD_Connection *c, const char *, const char *method, const char *version,
                     const char *uploadData, size_t *uploadSize, void **requestContext)
{
    auto *d = static_cast<Impl *>(cls);
    auto *state = static_cast<RequestState *>(*requestContext);
    if (!state) // no URI callback ran (cannot happen with our options): refuse rather than guess
        return MHD_NO;
    if (!state->ex) {
        state->ex = std::make_shared<MhdExchange>(c, [d](MhdExchange *e, bool on) { return d->onSuspend(e, on); });
        state->ex->head = readHead(c, state->target, method);
        return onHead(d, c, state->ex, version);
    }
    const ExchangePtr ex = state->ex;
    if (ex->queueAnswer())
        return MHD_YES;
    if (ex->answered()) // answered while the body arrives (413): drop it, unless it goes on and on
        return dropBody(d, ex, uploadSize);
    if (ex->phase == MhdExchange::Phase::Screening)
        return MHD_YES; // resumed spuriously; the screen's answer is not in yet
    if (*uploadSize > 0)
        return onBody(d, ex, uploadData, uploadSize);
    if (ex->phase == MhdExchange::Phase::Handling || std::exchange(ex->headAgain, false))
        return MHD_YES;
    ex->phase = MhdExchange::Phase::Handling;
    d->watch->bodyArrived(c);
    d->handler->handle(HttpRequest{ex->head, std::move(ex->body)}, ex);
    return ex->suspendUnlessAnswered() ? MHD_YES : queueNow(ex); // answered at once, or stopping
}

/// The raw request target, before libmicrohttpd rewrites its own copy; becomes the request's state.
void *onTarget(void *, const char *uri, MHD_Connection *)
{
    return new RequestState{QByteArray(uri), nullptr};
}

void onCompleted(void *cls, MHD_Connection *c, void **requestContext, MHD_RequestTerminationCode)
{
    auto *d = static_cast<Impl *>(cls);
    if (auto *state = static_cast<RequestState *>(*requestContext)) {
        if (state->ex)
            state->ex->detach();
        delete state;
        *requestContext = nullptr;
    }
    d->watch->answered(c);
}

void onConnection(void *cls, MHD_Connection *c, void **, MHD_ConnectionNotificationCode code)
{
    auto *d = static_cast<Impl *>(cls);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        return d->watch->closed(c);
    const MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    d->watch->opened(c, info ? info->connect_fd : -1);
}

void logMhd(void *, const char *format, va_list ap)
{
    char line[512];
    std::vsnprintf(line, sizeof line, format, ap);
    qCDebug(lcHttp).noquote() << "libmicrohttpd:" << QString::fromUtf8(line).trimmed();
}

/// Connections the process can hold: the descriptor limit less room for the store's
/// connections, files and the emulators' sockets in tests.
unsigned connectionCap(int configured)
{
    if (configured > 0)
        return unsigned(configured);
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return 10000;
    return unsigned(qBound<rlim_t>(16, rl.rlim_cur > 128 ? rl.rlim_cur - 128 : rl.rlim_cur / 2, 100000));
}

} // namespace

MhdTransport::MhdTransport(Options options) : d(std::make_unique<Impl>())
{
    d->options = std::move(options);
}

MhdTransport::~MhdTransport()
{
    stop();
}

Status MhdTransport::start(int listeningFd, IHttpHandler *handler)
{
    d->handler = handler;
    d->listenFd = listeningFd;
    // libmicrohttpd gets a copy of its own: it closes it when it fails to start (0.9.75), and the
    // one quiesce hands back is closed only after the daemon has stopped.
    const int mhdFd = ::dup(listeningFd);
    if (mhdFd < 0) { // -1 would let libmicrohttpd open a socket of its own on another port
        ::close(std::exchange(d->listenFd, -1));
        return makeError("http.listen", QStringLiteral("cannot hand the listening socket over: out of descriptors"),
                         500);
    }
    d->watch = std::make_unique<ConnectionWatch>(d->options.headTimeoutMs, d->options.bodyTimeoutMs);
    const bool tls = !d->options.tlsCertificatePem.isEmpty();
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (tls)
        flags |= MHD_USE_TLS;
    const unsigned threads = unsigned(qMax(1, d->options.threads));
    const unsigned idleSeconds = unsigned(qMax(1, d->options.bodyTimeoutMs / 1000));
    std::vector<MHD_OptionItem> opts{
        {MHD_OPTION_EXTERNAL_LOGGER, intptr_t(&logMhd), nullptr}, // first: it covers the other options
        {MHD_OPTION_LISTEN_SOCKET, mhdFd, nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, intptr_t(connectionCap(d->options.maxConnections)), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, intptr_t(idleSeconds), nullptr},
        {MHD_OPTION_NOTIFY_COMPLETED, intptr_t(&onCompleted), d.get()},
        {MHD_OPTION_NOTIFY_CONNECTION, intptr_t(&onConnection), d.get()},
        {MHD_OPTION_URI_LOG_CALLBACK, intptr_t(&onTarget), nullptr}};
    if (threads > 1)
        opts.push_back({MHD_OPTION_THREAD_POOL_SIZE, intptr_t(threads), nullptr});
    if (tls) {
        opts.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char *>(d->options.tlsCertificatePem.constData())});
        opts.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char *>(d->options.tlsKeyPem.constData())});
    }
    opts.push_back({MHD_OPTION_END, 0, nullptr});
    d->daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &onRequest, d.get(), MHD_OPTION_ARRAY, opts.data(),
                                 MHD_OPTION_END);
    if (!d->daemon) {
        ::close(std::exchange(d->listenFd, -1));
        return makeError("http.listen",
                         QStringLiteral("the HTTP server could not start (libmicrohttpd refused its "
                                        "options; with TLS: is the certificate and key PEM?)"),
                         500);
    }
    return Done{};
}

void MhdTransport::stopAccepting()
{
    if (!d->daemon || d->listenFd < 0)
        return;
    d->quiescedFd = MHD_quiesce_daemon(d->daemon); // closed after the daemon stops: its threads may still poll it
    ::close(std::exchange(d->listenFd, -1));
}

void MhdTransport::stop()
{
    if (!d->daemon)
        return;
    stopAccepting();
    std::vector<std::weak_ptr<MhdExchange>> owed;
    {
        std::lock_guard lock(d->suspendedMutex);
        d->stopping = true; // no suspension from now on: a new request is answered 503 at once
        for (const auto &[raw, weak] : d->suspended)
            owed.push_back(weak);
    }
    for (const auto &weak : owed) {
        if (auto e = weak.lock())
            e->respond(refusal(503, "Service Unavailable", QStringLiteral("the server is stopping; try again")));
    }
    // Give the 503s a moment to go out: libmicrohttpd closes what is left without answering.
    QDeadlineTimer grace(1000);
    auto pending
        = [&owed] { return std::any_of(owed.begin(), owed.end(), [](const auto &w) { return !w.expired(); }); };
    while (pending() && !grace.hasExpired())
        QThread::msleep(5);
    MHD_stop_daemon(d->daemon);
    d->daemon = nullptr;
    if (d->quiescedFd >= 0)
        ::close(std::exchange(d->quiescedFd, -1));
    d->watch.reset();
}

} // namespace salesflow::http
