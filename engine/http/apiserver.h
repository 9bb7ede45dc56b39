#pragma once

#include "../api/iengine.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QMutex>

#include <atomic>
#include <memory>

namespace salesflow::http {

class Reply;

/// The HTTP API of PRODUCT.md: routes, bearer auth and roles, problem+json errors. It talks to
/// the engine only through IEngine (STYLE rule 4). Responses to slow operations (durable
/// ingest, queries) are sent when the engine's future resolves, so many requests are in flight
/// at once and share group commits.
class ApiServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    struct Options
    {
        qint64 maxBodyBytes = 1024 * 1024;
        QByteArray hubspotClientSecret;
    };

    ApiServer(IEngine *engine, Options options, QObject *parent = nullptr);
    ~ApiServer() override;

    /// Closes the listening sockets (graceful stop, first step); call in the server's thread.
    void stopAccepting();
    /// Requests received and not yet answered.
    int inFlight() const { return m_inFlight->load(); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    using ReplyPtr = std::shared_ptr<Reply>;
    void route(const QHttpServerRequest &request, const ReplyPtr &reply);
    void withRole(const QHttpServerRequest &request, const ReplyPtr &reply, Role needed,
                  std::function<void(const Principal &)> next);
    void ingest(const QHttpServerRequest &request, const ReplyPtr &reply, const QString &source, bool batch);
    void ingestHubspot(const QHttpServerRequest &request, const ReplyPtr &reply);
    void submit(const ReplyPtr &reply, QList<IngestItem> items, bool single);
    void listEvents(const QUrl &url, const ReplyPtr &reply);
    void metrics(const ReplyPtr &reply);
    void count(int status);

    IEngine *m_engine;
    Options m_options;
    QMutex m_countMutex;
    QHash<int, qint64> m_responses; // per status code, for /metrics
    std::atomic<qint64> m_requests{0};
    std::shared_ptr<std::atomic<int>> m_inFlight = std::make_shared<std::atomic<int>>(0);
};

} // namespace salesflow::http
