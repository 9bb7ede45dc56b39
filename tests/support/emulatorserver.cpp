#include "emulatorserver.h"

#include <QHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace salesflow::test {

QByteArray reasonPhrase(int status)
{
    static const QHash<int, QByteArray> m = {{200, "OK"},
                                             {201, "Created"},
                                             {204, "No Content"},
                                             {207, "Multi-Status"},
                                             {400, "Bad Request"},
                                             {401, "Unauthorized"},
                                             {403, "Forbidden"},
                                             {404, "Not Found"},
                                             {408, "Request Timeout"},
                                             {409, "Conflict"},
                                             {413, "Payload Too Large"},
                                             {422, "Unprocessable Entity"},
                                             {423, "Locked"},
                                             {429, "Too Many Requests"},
                                             {500, "Internal Server Error"},
                                             {502, "Bad Gateway"},
                                             {503, "Service Unavailable"},
                                             {504, "Gateway Timeout"},
                                             {529, "Site Overloaded"}};
    return m.value(status, "Status");
}

QByteArray EmulatorServer::Request::header(const QByteArray &name) const
{
    const QByteArray lower = name.toLower();
    for (const auto &h : headers)
        if (h.first == lower)
            return h.second;
    return {};
}

QByteArray EmulatorServer::Request::queryValue(const QByteArray &name) const
{
    const QUrlQuery q(QString::fromUtf8(query));
    return q.queryItemValue(QString::fromUtf8(name), QUrl::FullyDecoded).toUtf8();
}

void EmulatorServer::Reply::send(int status, const QByteArray &contentType, const QByteArray &body,
                                 const QList<QPair<QByteArray, QByteArray>> &headers, int delayMs) const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n" + body;
    QPointer<QTcpSocket> s = socket;
    auto write = [s, out] {
        if (s)
            s->write(out);
    };
    if (delayMs > 0)
        QTimer::singleShot(delayMs, context, write);
    else
        write();
}

void EmulatorServer::Reply::drop() const
{
    if (socket)
        socket->abort();
}

struct EmulatorServer::Impl : QObject
{
    EmulatorServer *owner;
    QTcpServer tcp;
    QHash<QTcpSocket *, QByteArray> buffers;

    explicit Impl(EmulatorServer *o) : owner(o)
    {
        connect(&tcp, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = tcp.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
                connect(s, &QTcpSocket::disconnected, this, [this, s] {
                    buffers.remove(s);
                    s->deleteLater();
                });
            }
        });
    }

    ~Impl() override
    {
        // The sockets die with `tcp`, after our members: their signals must not reach us then.
        for (QTcpSocket *s : tcp.findChildren<QTcpSocket *>())
            QObject::disconnect(s, nullptr, this, nullptr);
    }

    void onRead(QTcpSocket *s)
    {
        QByteArray &buf = buffers[s];
        buf += s->readAll();
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            Request r;
            r.method = requestLine.value(0);
            const QByteArray target = requestLine.value(1);
            const qsizetype q = target.indexOf('?');
            r.path = q < 0 ? target : target.left(q);
            r.query = q < 0 ? QByteArray() : target.mid(q + 1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon < 0)
                    continue;
                const QByteArray name = lines[i].left(colon).trimmed().toLower();
                const QByteArray value = lines[i].mid(colon + 1).trimmed();
                r.headers.append({name, value});
                if (name == "content-length")
                    length = value.toLongLong();
            }
            if (buf.size() < end + 4 + length)
                return;
            r.body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            Reply reply;
            reply.socket = s;
            reply.context = this;
            owner->m_handler(r, reply);
            if (!buffers.contains(s))
                return; // the handler dropped the connection
        }
    }
};

EmulatorServer::EmulatorServer(Handler handler) : m_handler(std::move(handler))
{
    m_thread.setObjectName(QStringLiteral("emulator"));
    m_anchor = std::make_unique<QObject>();
    m_anchor->moveToThread(&m_thread);
    m_thread.start();
}

EmulatorServer::~EmulatorServer()
{
    QMetaObject::invokeMethod(
        m_anchor.get(),
        [this] {
            delete m_impl;
            m_impl = nullptr;
            m_anchor.reset();
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

quint16 EmulatorServer::start(quint16 port)
{
    runOnServerThread([this, port] {
        m_impl = new Impl(this);
        if (m_impl->tcp.listen(QHostAddress::LocalHost, port))
            m_port = m_impl->tcp.serverPort();
    });
    return m_port;
}

void EmulatorServer::runOnServerThread(const std::function<void()> &f)
{
    QMetaObject::invokeMethod(m_anchor.get(), f, Qt::BlockingQueuedConnection);
}

} // namespace salesflow::test
