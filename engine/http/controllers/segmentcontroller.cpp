#include "segmentcontroller.h"

#include <QJsonDocument>

namespace salesflow::http {

namespace {

/// The body as a `product` event: a batch as it is (the door splits it per message), a single
/// message with the `type` its path names when it does not say it.
Result<IngestItem> itemOf(const QString &type, const Request &request)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return makeError("segment.body", QStringLiteral("the body must be a JSON object (Segment's tracking API)"),
                         400);
    QJsonObject o = doc.object();
    o.remove(QStringLiteral("writeKey")); // a token: never stored with the event, never shown
    if (type == QLatin1String("batch")) {
        if (!o.value(QLatin1String("batch")).isArray())
            return makeError("segment.body", QStringLiteral("/v1/batch takes {\"batch\": [messages]}"), 400);
    } else if (!o.contains(QLatin1String("type"))) {
        o.insert(QStringLiteral("type"), type);
    }
    return IngestItem{
        QStringLiteral("product"), "application/json", QJsonDocument(o).toJson(QJsonDocument::Compact), {}};
}

} // namespace

void SegmentController::addRoutes(Router &router)
{
    for (const char *type : {"batch", "track", "identify", "group", "page", "screen", "alias"}) {
        const QString t = QLatin1String(type);
        router.add({Method::Post, QStringLiteral("/v1/") + t, Permission::Ingest,
                    [this, t](const Request &rq, const ReplyPtr &r) { receive(t, rq, r); }, true});
    }
}

void SegmentController::receive(const QString &type, const Request &request, const ReplyPtr &reply)
{
    auto item = itemOf(type, request);
    if (!item)
        return reply->problem(item.error());
    using Receipts = Result<QList<Result<IngestReceipt>>>;
    m_engine->ingest(request.caller, {item.value()}).then(m_context, [reply](const Receipts &r) {
        if (!r)
            return reply->problem(r.error()); // 503 with Retry-After when the store is down: retried
        QJsonArray items;
        std::optional<Error> retry, refused;
        int stored = 0;
        for (const Result<IngestReceipt> &each : r.value()) {
            items.append(receiptJson(each));
            if (each)
                ++stored;
            else if (each.error().httpStatus >= 500 || each.error().httpStatus == 429)
                retry = each.error();
            else
                refused = each.error();
        }
        if (retry) // what was stored is deduplicated when the sender sends the batch again
            return reply->problem(*retry);
        if (stored == 0 && refused)
            return reply->problem(*refused); // nothing usable: a 4xx the SDKs do not retry
        reply->json(200, {{QStringLiteral("success"), true}, {QStringLiteral("items"), items}});
    });
}

} // namespace salesflow::http
