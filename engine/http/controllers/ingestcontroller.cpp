#include "ingestcontroller.h"

#include "../../api/json.h"
#include "../../core/clock.h"
#include "../../hubspot/webhooksignature.h"
#include "../../sources/intake.h"
#include "../chatsignatures.h"

#include <QJsonArray>

#include <algorithm>

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

/// Mailgun and Postmark count only a 200 as delivered and stop retrying on one code each
/// (Mailgun 406, Postmark 403); any other answer is retried for hours. Their posts get those
/// codes: accepted is 200, a refusal that no retry can change is theirs. A 401 stays a 401 (a
/// token fixed meanwhile lets the retries through); 429 and 5xx stay too (retry later).
std::optional<SenderCodes> mailServiceCodes(const Request &request)
{
    const QByteArray type = sources::mediaType(request.header("Content-Type"));
    const QByteArray &b = request.body;
    if (type == "application/json" && b.contains("\"MessageID\"") && b.contains("\"FromFull\""))
        return SenderCodes{200, 403, QStringLiteral("Postmark")};
    const bool form = type == "multipart/form-data" || type == "application/x-www-form-urlencoded";
    if (form && (b.contains("body-mime") || b.contains("body-plain")))
        return SenderCodes{200, 406, QStringLiteral("Mailgun")};
    return std::nullopt;
}

bool isPermanent(int status)
{
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
}

} // namespace

void SenderCodes::refuse(const ReplyPtr &reply, Error e) const
{
    if (refused != 0 && isPermanent(e.httpStatus)) {
        e.message += QStringLiteral(" (answered %1 so that %2 does not retry it)").arg(refused).arg(sender);
        e.httpStatus = refused;
    }
    reply->problem(e);
}

void IngestController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Post, QStringLiteral("/v1/events/hubspot"), std::nullopt,
                [this](const Request &rq, const ReplyPtr &r) { hubspotWebhook(rq, r); }});
    // A HubSpot delivery is signed, never token-authenticated, whichever path it takes.
    router.add({M::Post, QStringLiteral("/v1/events/hubspot/batch"), std::nullopt,
                [this](const Request &rq, const ReplyPtr &r) { hubspotWebhook(rq, r); }});
    Route chatRoute{M::Post, QStringLiteral("/v1/events/chat"), Permission::Ingest,
                    [this](const Request &rq, const ReplyPtr &r) { chat(rq, r); }};
    // HubSpot Conversations events may be sent here too (PRODUCT: recognised by their shape):
    // v3-signed like every HubSpot delivery, stored as HubSpot events, normalised as chats.
    chatRoute.signedBy = [this](const Request &rq) -> std::optional<Result<Caller>> {
        if (rq.header("X-HubSpot-Signature-v3").isEmpty())
            return verifyChatSignature(m_chatSecrets, rq);
        if (Status s = verifyHubspot(rq); !s)
            return Result<Caller>(s.error());
        return Result<Caller>(Caller::webhook(QStringLiteral("hubspot-webhook")));
    };
    chatRoute.signatureHeaders
        = {"X-Hub-Signature", "X-Front-Signature", "X-Zendesk-Webhook-Signature", "X-HubSpot-Signature-v3"};
    router.add(std::move(chatRoute));
    router.add({M::Post, QStringLiteral("/v1/events/{source}"), Permission::Ingest,
                [this](const Request &rq, const ReplyPtr &r) { single(rq, r); }});
    router.add({M::Post, QStringLiteral("/v1/events/{source}/batch"), Permission::Ingest,
                [this](const Request &rq, const ReplyPtr &r) { batch(rq, r); }});
}

void IngestController::single(const Request &request, const ReplyPtr &reply)
{
    if (Status known = knownSource(request.param(0)); !known)
        return reply->problem(known.error());
    const auto codes = request.param(0) == QLatin1String("email") ? mailServiceCodes(request) : std::nullopt;
    // A Segment batch answers per message even when it holds one (the sender reads "items").
    const bool segmentBatch = request.param(0) == QLatin1String("product") && request.body.contains("\"batch\"");
    submit(request.caller, {itemOf(request, request.param(0))}, segmentBatch ? Answer::Messages : Answer::One, reply,
           codes);
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
    submit(request.caller, items.value(), Answer::PerItem, reply);
}

void IngestController::chat(const Request &request, const ReplyPtr &reply)
{
    const bool hubspot
        = request.caller.kind == Caller::Kind::Webhook && request.caller.name == QLatin1String("hubspot-webhook");
    IngestItem item = itemOf(request, hubspot ? QStringLiteral("hubspot") : QStringLiteral("chat"));
    if (hubspot) {
        item.idempotencyKey.clear();
        return submit(request.caller, {item}, Answer::PerItem, reply);
    }
    if (request.caller.kind == Caller::Kind::Webhook) {
        // Front checks a new webhook by sending a signed challenge to echo back.
        if (const QByteArray challenge = request.header("X-Front-Challenge"); !challenge.isEmpty())
            return reply->send(200, challenge, "text/plain");
        item.idempotencyKey.clear(); // the dedup key comes from what was signed (the delivery id)
    }
    submit(request.caller, {item}, Answer::One, reply);
}

Status IngestController::verifyHubspot(const Request &request) const
{
    return hubspot::verifyV3(m_hubspotSecret, "POST", calledUri(request), request.body,
                             request.header("X-HubSpot-Request-Timestamp"), request.header("X-HubSpot-Signature-v3"),
                             nowMs());
}

void IngestController::hubspotWebhook(const Request &request, const ReplyPtr &reply)
{
    Status s = verifyHubspot(request);
    if (!s)
        return reply->problem(s.error());
    // The dedup key comes from what was signed (the events' composite keys), never from an
    // unsigned header: a captured delivery replayed with a new Idempotency-Key stays a duplicate.
    IngestItem item = itemOf(request, QStringLiteral("hubspot"));
    item.idempotencyKey.clear();
    submit(Caller::webhook(QStringLiteral("hubspot-webhook")), {item}, Answer::PerItem, reply);
}

void IngestController::submit(const Caller &caller, QList<IngestItem> items, Answer answer, const ReplyPtr &reply,
                              std::optional<SenderCodes> codes)
{
    using Receipts = Result<QList<Result<IngestReceipt>>>;
    // Answered on the thread that committed (Launch::Sync): a reply may be sent from any thread, the
    // lambda holds nothing of this controller, and a hop through the HTTP thread's event loop per
    // request was a tenth of ingest's CPU (context switches), measured in make bench.
    m_engine->ingest(caller, std::move(items)).then(QtFuture::Launch::Sync, [reply, answer, codes](const Receipts &r) {
        const SenderCodes contract = codes.value_or(SenderCodes{202, 0, {}});
        if (!r)
            return contract.refuse(reply, r.error());
        const bool allRefused = std::none_of(r->cbegin(), r->cend(), [](const auto &each) { return each.ok(); });
        if ((answer == Answer::One && r->size() == 1) || (answer == Answer::Messages && allRefused)) {
            // One event, or a Segment batch none of whose messages could be taken (a 4xx tells
            // the SDK not to retry); else a Segment batch or a delivery answers per item.
            const Result<IngestReceipt> &first = r->first();
            if (!first)
                return contract.refuse(reply, first.error());
            reply->noteEvent(first->id);
            return reply->json(first->duplicate ? 200 : contract.accepted, json::toJson(first.value()));
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
