#include "apilistener.h"

#include "../core/logging.h"

#include <QElapsedTimer>
#include <QSslServer>
#include <QTcpServer>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace salesflow::http {

namespace {

/// A listening TCP socket with SO_REUSEPORT; returns the fd or -1 with `error` set.
int reusePortSocket(const QHostAddress &host, quint16 port, QString *error)
{
    const bool v6 = host.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
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

ApiListener::ApiListener(IEngine *engine, IAuthenticator *auth, ApiServer::Options options)
    : m_engine(engine), m_auth(auth), m_options(std::move(options))
{
    if (!m_options.metrics)
        m_options.metrics = std::make_shared<HttpMetrics>(); // one set of counters for all threads
}

ApiListener::~ApiListener()
{
    stop();
}

void ApiListener::useTls(const QSslConfiguration &tls)
{
    m_tls = tls;
}

Result<quint16> ApiListener::listen(const QHostAddress &host, quint16 port, int threads)
{
    std::vector<int> fds;
    QString error;
    for (int i = 0; i < qMax(1, threads); ++i) {
        const int fd = reusePortSocket(host, port, &error);
        if (fd < 0) {
            for (int f : fds)
                ::close(f);
            return makeError("http.listen",
                             QStringLiteral("cannot listen on %1:%2: %3").arg(host.toString()).arg(port).arg(error),
                             500);
        }
        if (port == 0)
            port = boundPort(fd); // the others join the port the kernel picked
        fds.push_back(fd);
    }
    for (int fd : fds) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("http"));
        auto *server = new ApiServer(m_engine, m_auth, m_options);
        server->moveToThread(thread.get());
        QObject::connect(thread.get(), &QThread::started, server, [server, fd, tls = m_tls] {
            QTcpServer *tcp = nullptr;
            if (tls) { // the handshake first: the HTTP server gets the connection once it is encrypted
                auto *secure = new QSslServer(server);
                secure->setSslConfiguration(*tls);
                tcp = secure;
            } else {
                tcp = new QTcpServer(server);
            }
            if (!tcp->setSocketDescriptor(fd))
                qCCritical(lcHttp) << "cannot adopt the listening socket:" << tcp->errorString();
            server->bind(tcp);
        });
        QObject::connect(thread.get(), &QThread::finished, server, &QObject::deleteLater);
        thread->start();
        m_servers.push_back(server);
        m_threads.push_back(std::move(thread));
    }
    return port;
}

void ApiListener::stop(int graceMs)
{
    for (ApiServer *s : m_servers)
        QMetaObject::invokeMethod(
            s, [s] { s->stopAccepting(); }, Qt::BlockingQueuedConnection);
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
    m_servers.clear();
    for (auto &t : m_threads) {
        t->quit();
        t->wait();
    }
    m_threads.clear();
}

} // namespace salesflow::http
