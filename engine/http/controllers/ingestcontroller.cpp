#include "ingestcontroller.h"

#include "../../api/json.h"
#include "../../core/clock.h"
#include "../../hubspot/webhooksignature.h"
#include "../../sources/intake.h"

#include <QJsonArray>

namespace salesflow::http {

namespace {

Status knownSource(const QString &source)
{
    if (sources::isKnownSource(source))
        return Done{};
    return makeError("ingest.unknown_source",
                     QStringLiteral("unknown source '%1'; known sources: %2")
                         .arg(source, sources::knownSources().join(QStringLiteral(", "))),
                     404);
}

IngestItem itemOf(const Request &request, const QString &source)
{
    return IngestItem{source, request.header("Content-Type"), request.body, request.header("Idempotency-Key")};
}

/// The full URI HubSpot called; behind a proxy, X-Forwarded-Proto/Host give the external one.
QByteArray calledUri(const Request &request)
{
    const QByteArray proto
        = request.header("X-Forwarded-Proto").isEmpty() ? QByteArray("http") : request.header("X-Forwarded-Proto");
    const QByteArray host
        = request.header("X-Forwarded-Host").isEmpty() ? request.header("Host") : request.header("X-Forwarded-Host");
    return proto + "://" + host + request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
}

} // namespace

void IngestController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Post, QStringLiteral("/v1/events/hubspot"), std::nullopt,
                [this](const Request &rq, const ReplyPtr &r) { hubspotWebhook(rq, r); }});
    // A HubSpot delivery is signed, never token-authenticated, whichever path it takes.
    router.add({M::Post, QStringLiteral("/v1/events/hubspot/batch"), std::nullopt,
                [this](const Request &rq, const ReplyPtr &r) { hubspotWebhook(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/events/{source}"), Permission::Ingest,
                [this](const Request &rq, const ReplyPtr &r) { single(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/events/{source}/batch"), Permission::Ingest,
                [this](const Request &rq, const ReplyPtr &r) { batch(rq, r); }});
}

void IngestController::single(const Request &request, const ReplyPtr &reply)
{
    if (Status known = knownSource(request.param(0)); !known)
        return reply->problem(known.error());
    submit(request.caller, {itemOf(request, request.param(0))}, true, reply);
}

void IngestController::batch(const Request &request, const ReplyPtr &reply)
{
    if (Status known = knownSource(request.param(0)); !known)
        return reply->problem(known.error());
    const IngestItem whole = itemOf(request, request.param(0));
    if (sources::mediaType(whole.contentType) != "application/json")
        return reply->problem(
            makeError("ingest.content_type", QStringLiteral("a batch is sent as application/json"), 415));
    auto items = sources::splitBatch(whole.source, whole.payload);
    if (!items)
        return reply->problem(items.error());
    // An Idempotency-Key names the whole batch; each item gets its own derived key.
    if (!whole.idempotencyKey.isEmpty()) {
        for (qsizetype i = 0; i < items->size(); ++i)
            items.value()[i].idempotencyKey = whole.idempotencyKey + '#' + QByteArray::number(i);
    }
    submit(request.caller, items.value(), false, reply);
}

void IngestController::hubspotWebhook(const Request &request, const ReplyPtr &reply)
{
    Status s = hubspot::verifyV3(m_hubspotSecret, "POST", calledUri(request), request.body,
                                 request.header("X-HubSpot-Request-Timestamp"),
                                 request.header("X-HubSpot-Signature-v3"), nowMs());
    if (!s)
        return reply->problem(s.error());
    // The dedup key comes from what was signed (the events' composite keys), never from an
    // unsigned header: a captured delivery replayed with a new Idempotency-Key stays a duplicate.
    IngestItem item = itemOf(request, QStringLiteral("hubspot"));
    item.idempotencyKey.clear();
    submit(Caller::webhook(QStringLiteral("hubspot-webhook")), {item}, false, reply);
}

void IngestController::submit(const Caller &caller, QList<IngestItem> items, bool one, const ReplyPtr &reply)
{
    using Receipts = Result<QList<Result<IngestReceipt>>>;
    m_engine->ingest(caller, std::move(items)).then(m_context, [reply, one](const Receipts &r) {
        if (!r)
            return reply->problem(r.error());
        if (one && r->size() == 1) { // one event; a HubSpot delivery or a Segment batch answers per item
            const Result<IngestReceipt> &first = r->first();
            if (!first)
                return reply->problem(first.error());
            reply->noteEvent(first->id);
            return reply->json(first->duplicate ? 200 : 202, json::toJson(first.value()));
        }
        QJsonArray answers;
        bool anyNew = false;
        for (const Result<IngestReceipt> &each : r.value()) {
            answers.append(receiptJson(each));
            anyNew = anyNew || (each.ok() && !each->duplicate);
        }
        reply->json(anyNew ? 202 : 200, {{QStringLiteral("items"), answers}});
    });
}

} // namespace salesflow::http
