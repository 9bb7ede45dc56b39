#include "mhdtransport.h"

#include "../../core/logging.h"
#include "connectionwatch.h"
#include "mhdexchange.h"

#include <QHostAddress>

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
    int listenFd = -1;
    std::unique_ptr<ConnectionWatch> watch;
    std::mutex suspendedMutex;
    std::map<MhdExchange *, std::weak_ptr<MhdExchange>> suspended;

    void onSuspend(MhdExchange *e, bool on)
    {
        std::lock_guard lock(suspendedMutex);
        if (on)
            suspended[e] = e->weak_from_this();
        else
            suspended.erase(e);
    }
};

namespace {

using Impl = MhdTransport::Impl;
using ExchangePtr = std::shared_ptr<MhdExchange>;

HttpResponse refusal(int status, const char *title, const QString &detail)
{
    const QByteArray body = R"({"type":"about:blank","title":")" + QByteArray(title) + R"(","status":)"
        + QByteArray::number(status) + R"(,"detail":")" + detail.toUtf8() + "\"}";
    return HttpResponse{status, body, "application/problem+json", {}, true};
}

MHD_Result collect(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    static_cast<HeaderList *>(cls)->append({QByteArray(key), value ? QByteArray(value) : QByteArray()});
    return MHD_YES;
}

MHD_Result collectQuery(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    auto *q = static_cast<QByteArray *>(cls);
    if (!q->isEmpty())
        q->append('&');
    q->append(key);
    if (value)
        q->append('=').append(value);
    return MHD_YES;
}

QString peerOf(MHD_Connection *c)
{
    const MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info && info->client_addr ? QHostAddress(info->client_addr).toString() : QString();
}

HttpHead readHead(MHD_Connection *c, const char *url, const char *method)
{
    HttpHead h;
    h.method = method;
    h.path = url; // raw: the unescape callback leaves it encoded
    h.peer = peerOf(c);
    MHD_get_connection_values(c, MHD_HEADER_KIND, &collect, &h.headers);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, &collectQuery, &h.query);
    bool ok = false;
    const qint64 length = h.header("Content-Length").trimmed().toLongLong(&ok);
    h.contentLength = ok && h.header("Transfer-Encoding").isEmpty() ? length : -1;
    return h;
}

/// Framing libmicrohttpd 0.9.75 lets through and a proxy in front might read differently
/// (request smuggling): refused, and the connection closed, before any body byte is read.
std::optional<HttpResponse> ambiguousFraming(const HttpHead &h, const char *version)
{
    QByteArrayList lengths;
    bool transferEncoding = false, host = false;
    for (const auto &[name, value] : h.headers) {
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            lengths.append(value.trimmed());
        transferEncoding |= name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0;
        host |= name.compare("Host", Qt::CaseInsensitive) == 0;
    }
    if (lengths.size() > 1)
        return refusal(400, "Bad Request", QStringLiteral("the request has more than one Content-Length"));
    if (transferEncoding && !lengths.isEmpty())
        return refusal(400, "Bad Request", QStringLiteral("the request has both Transfer-Encoding and Content-Length"));
    if (transferEncoding && h.header("Transfer-Encoding").trimmed().compare("chunked", Qt::CaseInsensitive) != 0)
        return refusal(501, "Not Implemented", QStringLiteral("only the chunked transfer coding is supported"));
    if (!host && qstrcmp(version, MHD_HTTP_VERSION_1_1) == 0)
        return refusal(400, "Bad Request", QStringLiteral("an HTTP/1.1 request needs a Host header"));
    return std::nullopt;
}

/// The first call for a request: the head is there, no body byte read yet.
MHD_Result onHead(Impl *d, MHD_Connection *c, const ExchangePtr &ex, const char *version)
{
    const bool expectsBody = ex->head.contentLength != 0;
    d->watch->headArrived(c, expectsBody);
    if (auto bad = ambiguousFraming(ex->head, version)) {
        ex->respond(*bad);
        return ex->queueAnswer() ? MHD_YES : MHD_NO;
    }
    if (ex->head.contentLength > d->options.maxBodyBytes) { // refused by its length, unread
        ex->respond(refusal(413, "Content Too Large",
                            QStringLiteral("the body is %1 bytes; the limit is %2")
                                .arg(ex->head.contentLength)
                                .arg(d->options.maxBodyBytes)));
        return ex->queueAnswer() ? MHD_YES : MHD_NO;
    }
    QFuture<std::optional<HttpResponse>> screened = d->handler->screen(ex->head);
    if (screened.isFinished()) {
        if (auto no = screened.result()) {
            no->close = no->close || expectsBody;
            ex->respond(*no);
            return ex->queueAnswer() ? MHD_YES : MHD_NO;
        }
        ex->phase = MhdExchange::Phase::Body;
        return MHD_YES;
    }
    ex->headAgain = true; // resumed, libmicrohttpd calls again for the head before any body byte
    ex->suspendUnlessAnswered();
    screened.then([ex, expectsBody](const std::optional<HttpResponse> &no) {
        if (!no)
            return ex->admit();
        HttpResponse answer = *no;
        answer.close = answer.close || expectsBody;
        ex->respond(answer);
    });
    return MHD_YES;
}

/// The rest of a body after its 413, dropped as it arrives so the answer can go out at its end
/// (libmicrohttpd 0.9.75 sends nothing mid-body); past another limit's worth the connection is
/// closed instead (a client streaming for ever gets no answer, only the end of the connection).
MHD_Result dropBody(Impl *d, const ExchangePtr &ex, size_t *size)
{
    ex->dropped += qint64(*size);
    *size = 0;
    return ex->dropped > d->options.maxBodyBytes ? MHD_NO : MHD_YES;
}

MHD_Result onBody(Impl *d, const ExchangePtr &ex, const char *data, size_t *size)
{
    if (ex->body.size() + qint64(*size) > d->options.maxBodyBytes) { // a chunked body past the limit
        ex->respond(refusal(413, "Content Too Large",
                            QStringLiteral("the body is over the limit of %1 bytes").arg(d->options.maxBodyBytes)));
        ex->body = QByteArray(); // nothing of it is used: free it now
        return dropBody(d, ex, size);
    }
    ex->body.append(data, qsizetype(*size));
    *size = 0;
    return MHD_YES;
}

MHD_Result onRequest(void *cls, MHD_Connection *c, const char *url, const char *method, const char *version,
                     const char *uploadData, size_t *uploadSize, void **requestContext)
{
    auto *d = static_cast<Impl *>(cls);
    if (!*requestContext) {
        auto ex = std::make_shared<MhdExchange>(c, [d](MhdExchange *e, bool on) { d->onSuspend(e, on); });
        *requestContext = new ExchangePtr(ex);
        ex->head = readHead(c, url, method);
        return onHead(d, c, ex, version);
    }
    const ExchangePtr ex = *static_cast<ExchangePtr *>(*requestContext);
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
    if (!ex->suspendUnlessAnswered())
        ex->queueAnswer(); // answered at once (e.g. no such route)
    return MHD_YES;
}

void onCompleted(void *cls, MHD_Connection *c, void **requestContext, MHD_RequestTerminationCode)
{
    auto *d = static_cast<Impl *>(cls);
    if (auto *holder = static_cast<ExchangePtr *>(*requestContext)) {
        (*holder)->detach();
        delete holder;
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

/// Leaves the path and query percent-encoded: routing splits on '/' before decoding.
size_t keepEncoded(void *, MHD_Connection *, char *s)
{
    return std::strlen(s);
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
    d->watch = std::make_unique<ConnectionWatch>(d->options.headTimeoutMs, d->options.bodyTimeoutMs);
    const bool tls = !d->options.tlsCertificatePem.isEmpty();
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (tls)
        flags |= MHD_USE_TLS;
    const unsigned threads = unsigned(qMax(1, d->options.threads));
    const unsigned idleSeconds = unsigned(qMax(1, d->options.bodyTimeoutMs / 1000));
    std::vector<MHD_OptionItem> opts{
        {MHD_OPTION_EXTERNAL_LOGGER, intptr_t(&logMhd), nullptr}, // first: it covers the other options
        {MHD_OPTION_LISTEN_SOCKET, listeningFd, nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, intptr_t(connectionCap(d->options.maxConnections)), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, intptr_t(idleSeconds), nullptr},
        {MHD_OPTION_NOTIFY_COMPLETED, intptr_t(&onCompleted), d.get()},
        {MHD_OPTION_NOTIFY_CONNECTION, intptr_t(&onConnection), d.get()},
        {MHD_OPTION_UNESCAPE_CALLBACK, intptr_t(&keepEncoded), nullptr}};
    if (threads > 1)
        opts.push_back({MHD_OPTION_THREAD_POOL_SIZE, intptr_t(threads), nullptr});
    if (tls) {
        opts.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char *>(d->options.tlsCertificatePem.constData())});
        opts.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char *>(d->options.tlsKeyPem.constData())});
    }
    opts.push_back({MHD_OPTION_END, 0, nullptr});
    d->daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &onRequest, d.get(), MHD_OPTION_ARRAY, opts.data(),
                                 MHD_OPTION_END);
    if (!d->daemon)
        return makeError("http.listen",
                         QStringLiteral("the HTTP server could not start (libmicrohttpd refused its "
                                        "options; with TLS: is the certificate and key PEM?)"),
                         500);
    return Done{};
}

void MhdTransport::stopAccepting()
{
    if (!d->daemon || d->listenFd < 0)
        return;
    const MHD_socket fd = MHD_quiesce_daemon(d->daemon);
    if (fd >= 0)
        ::close(fd);
    d->listenFd = -1;
}

void MhdTransport::stop()
{
    if (!d->daemon)
        return;
    stopAccepting();
    std::vector<std::shared_ptr<MhdExchange>> owed;
    {
        std::lock_guard lock(d->suspendedMutex);
        for (const auto &[raw, weak] : d->suspended) {
            if (auto e = weak.lock())
                owed.push_back(e);
        }
    }
    for (const auto &e : owed)
        e->respond(refusal(503, "Service Unavailable", QStringLiteral("the server is stopping; try again")));
    MHD_stop_daemon(d->daemon);
    d->daemon = nullptr;
    d->watch.reset();
}

} // namespace salesflow::http
