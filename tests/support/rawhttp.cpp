#include "rawhttp.h"

#include <QDeadlineTimer>

#include <optional>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace salesflow::test {

namespace {

/// One response parsed off the front of `buffer`, or nothing while it is incomplete.
std::optional<HttpResponse> takeResponse(QByteArray &buffer, bool noBody)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    HttpResponse r;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    r.status = lines.value(0).split(' ').value(1).toInt();
    qint64 length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        const QByteArray name = lines[i].left(colon).trimmed(), value = lines[i].mid(colon + 1).trimmed();
        r.headers.append({name, value});
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
    }
    if (noBody || r.status < 200 || r.status == 204)
        length = 0;
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    r.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    return r;
}

} // namespace

RawConnection::RawConnection(quint16 port)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

RawConnection::~RawConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool RawConnection::send(const QByteArray &bytes)
{
    qsizetype sent = 0;
    while (m_fd >= 0 && sent < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += n;
    }
    return m_fd >= 0;
}

bool RawConnection::fill(int timeoutMs)
{
    pollfd p{m_fd, POLLIN, 0};
    if (m_eof || ::poll(&p, 1, timeoutMs) <= 0)
        return false;
    char chunk[65536];
    const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
        m_eof = true;
        return false;
    }
    m_buffer.append(chunk, n);
    return true;
}

QList<HttpResponse> RawConnection::read(int count, int timeoutMs, const QList<int> &headAnswers)
{
    QList<HttpResponse> out;
    QDeadlineTimer deadline(timeoutMs);
    while (out.size() < count) {
        if (auto r = takeResponse(m_buffer, headAnswers.contains(int(out.size())))) {
            out.append(*r);
            continue;
        }
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
    }
    return out;
}

bool RawConnection::closedWithin(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!m_eof && !deadline.hasExpired())
        fill(int(qMax<qint64>(1, deadline.remainingTime())));
    return m_eof;
}

} // namespace salesflow::test
