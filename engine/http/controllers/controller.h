#pragma once

#include "../../api/iengine.h"
#include "../../api/json.h"
#include "../router.h"

#include <QFuture>
#include <QJsonArray>
#include <QObject>

namespace salesflow::http {

/// One area of the HTTP API (events, ingest, audit, ...): adds its routes to the table and
/// answers them through IEngine only. Continuations run on `context`, the server's thread.
class Controller
{
public:
    Controller(IEngine *engine, QObject *context) : m_engine(engine), m_context(context) { }
    virtual ~Controller() = default;
    Controller(const Controller &) = delete;
    Controller &operator=(const Controller &) = delete;

    virtual void addRoutes(Router &router) = 0;

protected:
    /// Answers `status` (200) with `write(value)`, or the engine's error as problem+json.
    template<typename T, typename W>
    void answer(QFuture<Result<T>> future, const ReplyPtr &reply, W write, int status = 200)
    {
        future.then(m_context, [reply, write, status](const Result<T> &r) {
            r ? reply->json(status, write(r.value())) : reply->problem(r.error());
        });
    }

    IEngine *m_engine;
    QObject *m_context;
};

/// A list as `{"items": [...]}`.
template<typename T>
QJsonObject itemsOf(const QList<T> &list)
{
    QJsonArray items;
    for (const T &v : list)
        items.append(json::toJson(v));
    return QJsonObject{{QStringLiteral("items"), items}};
}

/// One ingest receipt as the API answers it per item: {id, duplicate, status} or
/// {status, code, detail}.
inline QJsonObject receiptJson(const Result<IngestReceipt> &r)
{
    if (!r.ok()) {
        return QJsonObject{{QStringLiteral("status"), r.error().httpStatus},
                           {QStringLiteral("code"), r.error().code},
                           {QStringLiteral("detail"), r.error().message}};
    }
    QJsonObject o = json::toJson(r.value());
    o.insert(QStringLiteral("status"), r->duplicate ? 200 : 202);
    return o;
}

/// A 400 problem for a bad query parameter.
inline Error badQuery(const char *code, const QString &detail)
{
    return makeError(code, detail, 400);
}

} // namespace salesflow::http
