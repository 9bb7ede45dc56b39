#pragma once

#include "httpclient.h"

#include <QByteArray>
#include <QList>

namespace salesflow::test {

/// A TCP connection that sends exactly the bytes given, for the hostile-client tests: pipelined
/// requests, smuggling pairs, slow heads, idle connections. Blocking, any thread.
class RawConnection
{
public:
    explicit RawConnection(quint16 port);
    ~RawConnection();
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool connected() const { return m_fd >= 0; }
    /// False when the peer has closed or reset the connection.
    bool send(const QByteArray &bytes);
    /// Reads until `count` whole responses are in (an interim 1xx counts as one) or `timeoutMs`
    /// passes; a response to HEAD has no body whatever its Content-Length, so say which are.
    QList<HttpResponse> read(int count, int timeoutMs = 5000, const QList<int> &headAnswers = {});
    /// True when the server closes the connection within `timeoutMs` (anything it sends first is
    /// kept in the buffer for read()).
    bool closedWithin(int timeoutMs);

private:
    bool fill(int timeoutMs);
    int m_fd = -1;
    bool m_eof = false;
    QByteArray m_buffer;
};

} // namespace salesflow::test
