#include "httpclient.h"

#include <QCoreApplication>
#include <QtConcurrent>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace salesflow::test {

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpClient::HttpClient(QByteArray host, quint16 port) : m_host(std::move(host)), m_port(port) { }

HttpClient::~HttpClient()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool HttpClient::ensureConnected(int)
{
    if (m_fd >= 0)
        return true;
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(m_port);
    ::inet_pton(AF_INET, m_host.constData(), &addr.sin_addr);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    return true;
}

HttpResponse HttpClient::request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                                 const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    HttpResponse resp;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = m_fd >= 0;
        if (!ensureConnected(timeoutMs))
            return resp;
        QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: " + m_host + ':' + QByteArray::number(m_port)
            + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        for (const auto &h : headers)
            req += h.first + ": " + h.second + "\r\n";
        req += "\r\n" + body;
        qsizetype sent = 0;
        bool failed = false;
        while (sent < req.size()) {
            const ssize_t n = ::send(m_fd, req.constData() + sent, size_t(req.size() - sent), MSG_NOSIGNAL);
            if (n <= 0) {
                failed = true;
                break;
            }
            sent += n;
        }
        QByteArray buf;
        qsizetype headerEnd = -1;
        qint64 contentLength = -1;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (!failed) {
            if (headerEnd < 0) {
                headerEnd = buf.indexOf("\r\n\r\n");
                if (headerEnd >= 0) {
                    const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
                    resp.status = lines.value(0).split(' ').value(1).toInt();
                    for (qsizetype i = 1; i < lines.size(); ++i) {
                        const qsizetype colon = lines[i].indexOf(':');
                        if (colon > 0)
                            resp.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
                    }
                    contentLength = resp.header("Content-Length").toLongLong();
                }
            }
            if (headerEnd >= 0 && buf.size() - headerEnd - 4 >= contentLength) {
                resp.body = buf.mid(headerEnd + 4, contentLength);
                return resp;
            }
            const int left
                = int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                          .count());
            pollfd pfd{m_fd, POLLIN, 0};
            if (left <= 0 || ::poll(&pfd, 1, left) <= 0) {
                failed = true;
                break;
            }
            char chunk[65536];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                failed = true;
                break;
            }
            buf.append(chunk, n);
        }
        ::close(m_fd);
        m_fd = -1;
        resp = HttpResponse{};
        if (!reused || sent == req.size())
            break; // only a stale kept-alive connection that failed before sending is retried
    }
    return resp;
}

HttpResponse callServing(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                         const QByteArray &token)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!token.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Bearer " + token)));
    if (!body.isEmpty())
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    auto f = QtConcurrent::run([=] { return HttpClient("127.0.0.1", port).request(method, path, body, headers); });
    while (!f.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return f.result();
}

} // namespace salesflow::test
