// RemoteEngine: the connection, the session, events, the change feed and health.
#include "remoteengine.h"

#include "../api/json.h"
#include "remotecodec_p.h"
#include "transport.h"

#include <QUrlQuery>

namespace salesflow::remote {

using namespace detail;

RemoteEngine::RemoteEngine(Options options)
    : m_options(std::move(options)), m_transport(std::make_unique<Transport>(m_options.url, m_options.trusted))
{
    connect(m_transport.get(), &Transport::reachable, this, &RemoteEngine::connectionChanged);
}

RemoteEngine::~RemoteEngine()
{
    m_transport.reset(); // first: its last answers may still touch the token and the user
}

void RemoteEngine::setToken(QByteArray token)
{
    QMutexLocker lock(&m_mutex);
    m_token = std::move(token);
}

void RemoteEngine::setTokenFor(const QString &callerName, QByteArray token)
{
    QMutexLocker lock(&m_mutex);
    m_tokens.insert(callerName, std::move(token));
}

QString RemoteEngine::user() const
{
    QMutexLocker lock(&m_mutex);
    return m_user;
}

QByteArray RemoteEngine::tokenFor(const Caller &caller) const
{
    QMutexLocker lock(&m_mutex);
    return m_tokens.value(caller.name, m_token);
}

bool RemoteEngine::inUse(const QByteArray &token) const
{
    QMutexLocker lock(&m_mutex);
    return m_token == token || std::find(m_tokens.cbegin(), m_tokens.cend(), token) != m_tokens.cend();
}

QFuture<Result<QJsonObject>> RemoteEngine::send(const Caller &caller, const QByteArray &method, const QByteArray &path,
                                                const QByteArray &body, int retries, int timeoutMs)
{
    const QByteArray token = tokenFor(caller);
    Call call{method, path, body, token, timeoutMs > 0 ? timeoutMs : m_options.timeoutMs, retries, {}};
    return m_transport->send(call).then([this, token](Result<QJsonObject> r) {
        // Only a session still in use has ended: an answer to a call sent before a new login
        // (with the old session) is not news.
        if (!r && r.error().httpStatus == 401 && token.startsWith("sfs_")) {
            QMetaObject::invokeMethod(
                this,
                [this, token] {
                    if (inUse(token))
                        Q_EMIT sessionExpired();
                },
                Qt::QueuedConnection);
        }
        return r;
    });
}

QFuture<Result<QJsonObject>> RemoteEngine::get(const Caller &caller, const QByteArray &path, int timeoutMs)
{
    return send(caller, "GET", path, {}, 2, timeoutMs);
}

QFuture<Result<QJsonObject>> RemoteEngine::post(const Caller &caller, const QByteArray &path, const QByteArray &body,
                                                int retries)
{
    return send(caller, "POST", path, body, retries, 0);
}

QFuture<Result<Session>> RemoteEngine::login(QString user, QByteArray password)
{
    const QJsonObject o{{QStringLiteral("username"), user}, {QStringLiteral("password"), QString::fromUtf8(password)}};
    return m_transport->send(Call{"POST", "/v1/session", compact(o), {}, m_options.timeoutMs, 0, {}})
        .then([this, user](const Result<QJsonObject> &r) -> Result<Session> {
            if (!r)
                return r.error();
            const Session s = json::fromJson<Session>(r.value());
            QMutexLocker lock(&m_mutex);
            m_token = s.token;
            m_user = user;
            return s;
        });
}

namespace {

/// One item of a per-item ingest answer: a receipt, or its problem as an Error.
Result<IngestReceipt> receiptOf(const QJsonObject &item)
{
    const int status = item.value(QLatin1String("status")).toInt();
    if (status == 200 || status == 202)
        return json::fromJson<IngestReceipt>(item);
    return Error{item.value(QLatin1String("code")).toString(), item.value(QLatin1String("detail")).toString(), status};
}

} // namespace

QFuture<Result<QList<Result<IngestReceipt>>>> RemoteEngine::ingest(const Caller &caller, QList<IngestItem> items)
{
    // One POST per item, as senders do; answered in order once all are in.
    QList<QFuture<Result<QJsonObject>>> posts;
    for (const IngestItem &item : items) {
        Call call{"POST",
                  "/v1/events/" + encoded(item.source),
                  item.payload,
                  tokenFor(caller),
                  m_options.timeoutMs,
                  0,
                  item.contentType};
        posts.append(m_transport->send(call));
    }
    return QtFuture::whenAll(posts.begin(), posts.end())
        .then([](const QList<QFuture<Result<QJsonObject>>> &done) -> Result<QList<Result<IngestReceipt>>> {
            // The whole call fails only when nothing was stored: the items are separate requests,
            // so some may be stored while others were not (each then answers its own error).
            QList<Result<IngestReceipt>> out;
            bool anyStored = false;
            std::optional<Error> unavailable;
            for (const auto &f : done) {
                const Result<QJsonObject> r = f.isCanceled() || f.resultCount() == 0
                    ? Result<QJsonObject>(makeError("remote.closed", QStringLiteral("the connection closed"), 503))
                    : f.result();
                if (!r && r.error().httpStatus == 503)
                    unavailable = r.error();
                anyStored |= r.ok();
                if (r && r->contains(QLatin1String("items"))) { // a Segment batch: a receipt per message
                    for (const QJsonValue &item : r->value(QLatin1String("items")).toArray())
                        out.append(receiptOf(item.toObject()));
                    continue;
                }
                out.append(r ? Result<IngestReceipt>(json::fromJson<IngestReceipt>(r.value()))
                             : Result<IngestReceipt>(r.error()));
            }
            if (unavailable && !anyStored)
                return *unavailable;
            return out;
        });
}

QFuture<Result<EventPage>> RemoteEngine::listEvents(const Caller &caller, EventQuery query)
{
    QUrlQuery q;
    addText(q, "status", query.status);
    addText(q, "source", query.source);
    addText(q, "q", query.text);
    addText(q, "after", query.after);
    addText(q, "ids", query.ids.join(QLatin1Char(',')));
    addTime(q, "since", query.sinceMs);
    addTime(q, "until", query.untilMs);
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    return decoded<EventPage>(get(caller, "/v1/events?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<EventDetail>> RemoteEngine::event(const Caller &caller, QString id)
{
    return decoded<EventDetail>(get(caller, "/v1/events/" + encoded(id)));
}

QFuture<Result<Stats>> RemoteEngine::stats(const Caller &caller)
{
    return decoded<Stats>(get(caller, "/v1/stats"));
}

QFuture<Result<Dashboard>> RemoteEngine::dashboard(const Caller &caller, qint64 sinceMs)
{
    QUrlQuery q;
    addTime(q, "since", sinceMs);
    return decoded<Dashboard>(get(caller, "/v1/dashboard?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<AuditPage>> RemoteEngine::audit(const Caller &caller, AuditQuery query)
{
    QUrlQuery q;
    addText(q, "actor", query.actor);
    addText(q, "event", query.eventId);
    addText(q, "action", query.action);
    addText(q, "after", query.after);
    addTime(q, "since", query.sinceMs);
    addTime(q, "until", query.untilMs);
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    return decoded<AuditPage>(get(caller, "/v1/audit?" + q.toString(QUrl::FullyEncoded).toUtf8()));
}

QFuture<Result<ChangeSet>> RemoteEngine::changes(const Caller &caller, QString cursor, int waitMs)
{
    QUrlQuery q;
    addText(q, "after", cursor);
    q.addQueryItem(QStringLiteral("wait_ms"), QString::number(waitMs));
    // A long poll: no resend (the watcher polls again), and time for the server's wait.
    return decoded<ChangeSet>(send(caller, "GET", "/v1/changes?" + q.toString(QUrl::FullyEncoded).toUtf8(), {}, 0,
                                   m_options.timeoutMs + qBound(0, waitMs, 30000)));
}

QFuture<Status> RemoteEngine::ready()
{
    return m_transport->send(Call{"GET", "/readyz", {}, {}, m_options.timeoutMs, 0, {}}).then(done);
}

} // namespace salesflow::remote
