#include "apilistener.h"

#include "../core/logging.h"
#include "transport/mhdtransport.h"

#include <QElapsedTimer>
#include <QSslCertificate>
#include <QSslKey>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace salesflow::http {

namespace {

/// A listening TCP socket; returns the fd or -1 with `error` set.
int listeningSocket(const QHostAddress &host, quint16 port, QString *error)
{
    const bool v6 = host.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage ss{};
    socklen_t len;
    if (v6) {
        auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        const Q_IPV6ADDR ip = host.toIPv6Address();
        std::memcpy(&a->sin6_addr, &ip, sizeof ip);
        len = sizeof *a;
    } else {
        auto *a = reinterpret_cast<sockaddr_in *>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(host.toIPv4Address());
        len = sizeof *a;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 || ::listen(fd, 1024) != 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
        return -1;
    }
    return fd;
}

quint16 boundPort(int fd)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
    return ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port)
                                    : ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
}

} // namespace

/// The transport's handler: screens with any server (they share one route table shape) and
/// hands each request to the next server in turn.
class ApiListener::Front final : public IHttpHandler
{
public:
    explicit Front(std::vector<ApiServer *> servers) : m_servers(std::move(servers)) { }

    QFuture<std::optional<HttpResponse>> screen(const HttpHead &head) override { return m_servers[0]->screen(head); }
    qint64 bodyLimit(const HttpHead &head) const override { return m_servers[0]->bodyLimit(head.path); }
    void handle(HttpRequest request, ResponderPtr responder) override
    {
        m_servers[m_next++ % m_servers.size()]->handle(std::move(request), std::move(responder));
    }

private:
    std::vector<ApiServer *> m_servers;
    std::atomic<size_t> m_next{0};
};

ApiListener::ApiListener(IEngine *engine, IAuthenticator *auth, ApiServer::Options options)
    : m_engine(engine), m_auth(auth), m_options(std::move(options))
{
    if (!m_options.metrics)
        m_options.metrics = std::make_shared<HttpMetrics>(); // one set of counters for all threads
    m_transportOptions.maxBodyBytes = m_options.maxBodyBytes; // the largest limit; ApiServer has each route's
    for (qint64 limit : std::as_const(m_options.maxBodyBySource))
        m_transportOptions.maxBodyBytes = qMax(m_transportOptions.maxBodyBytes, limit);
}

ApiListener::~ApiListener()
{
    stop();
}

void ApiListener::useTls(const QSslConfiguration &tls)
{
    QByteArray chain;
    for (const QSslCertificate &c : tls.localCertificateChain())
        chain += c.toPem();
    if (chain.isEmpty())
        chain = tls.localCertificate().toPem();
    m_transportOptions.tlsCertificatePem = chain;
    m_transportOptions.tlsKeyPem = tls.privateKey().toPem();
}

void ApiListener::setLimits(int headTimeoutMs, int bodyTimeoutMs, int maxConnections)
{
    m_transportOptions.headTimeoutMs = headTimeoutMs;
    m_transportOptions.bodyTimeoutMs = bodyTimeoutMs;
    m_transportOptions.maxConnections = maxConnections;
}

Result<quint16> ApiListener::listen(const QHostAddress &host, quint16 port, int threads)
{
    QString error;
    const int fd = listeningSocket(host, port, &error);
    if (fd < 0)
        return makeError("http.listen",
                         QStringLiteral("cannot listen on %1:%2: %3").arg(host.toString()).arg(port).arg(error), 500);
    port = boundPort(fd);
    for (int i = 0; i < qMax(1, threads); ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("http"));
        auto *server = new ApiServer(m_engine, m_auth, m_options);
        server->moveToThread(thread.get());
        QObject::connect(thread.get(), &QThread::finished, server, &QObject::deleteLater);
        thread->start();
        m_servers.push_back(server);
        m_threads.push_back(std::move(thread));
    }
    m_front = std::make_unique<Front>(m_servers);
    m_transportOptions.threads = qMax(1, threads);
    m_transport = std::make_unique<MhdTransport>(m_transportOptions);
    if (Status started = m_transport->start(fd, m_front.get()); !started) { // it closed fd
        stop();
        return started.error();
    }
    return port;
}

void ApiListener::stop(int graceMs)
{
    if (m_transport)
        m_transport->stopAccepting();
    QElapsedTimer waited;
    waited.start();
    auto owed = [this] {
        int n = 0;
        for (ApiServer *s : m_servers)
            n += s->inFlight();
        return n;
    };
    while (owed() > 0 && waited.elapsed() < graceMs)
        QThread::msleep(5);
    if (owed() > 0)
        qCWarning(lcHttp) << "stopping with" << owed() << "requests unanswered after" << graceMs << "ms";
    if (m_transport)
        m_transport->stop();
    m_transport.reset();
    m_front.reset();
    m_servers.clear();
    for (auto &t : m_threads) {
        t->quit();
        t->wait();
    }
    m_threads.clear();
}

} // namespace salesflow::http
