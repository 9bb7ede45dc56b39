#pragma once

#include "controller.h"

#include "../../core/config.h"

namespace salesflow::http {

/// The answers a sender that cannot be told otherwise expects: `accepted` for a new event, and
/// `refused` for a request no retry can fix (0: the contract's own 4xx).
struct SenderCodes
{
    int accepted = 202;
    int refused = 0;
    QString sender;
    void refuse(const ReplyPtr &reply, Error e) const;
};

/// POST /v1/events/{source} and /v1/events/{source}/batch (ingest tokens), and HubSpot's signed
/// webhook POST /v1/events/hubspot and /v1/events/hubspot/batch (v3 signature, never a token). Answers 202 only after
/// the engine says the raw payload is durably committed.
class IngestController final : public Controller
{
public:
    IngestController(IEngine *engine, QObject *context, QByteArray hubspotClientSecret,
                     ChatWebhookSecrets chatSecrets = {})
        : Controller(engine, context), m_hubspotSecret(std::move(hubspotClientSecret)),
          m_chatSecrets(std::move(chatSecrets))
    { }
    void addRoutes(Router &router) override;

private:
    void single(const Request &request, const ReplyPtr &reply);
    void batch(const Request &request, const ReplyPtr &reply);
    void hubspotWebhook(const Request &request, const ReplyPtr &reply);
    /// HubSpot's v3 signature of the request (401 when missing, wrong or stale).
    Status verifyHubspot(const Request &request) const;
    /// POST /v1/events/chat: a token's chat form, or a platform's signed webhook (Front's
    /// subscription challenge is answered with its value).
    void chat(const Request &request, const ReplyPtr &reply);
    /// How the receipts are answered: One — the single event's receipt or problem (per item when
    /// the door split it); PerItem — every item's receipt in order; Messages (a Segment batch) —
    /// per item, but the first problem when no message was taken.
    enum class Answer { One, PerItem, Messages };
    void submit(const Caller &caller, QList<IngestItem> items, Answer answer, const ReplyPtr &reply,
                std::optional<SenderCodes> codes = std::nullopt);

    QByteArray m_hubspotSecret;
    ChatWebhookSecrets m_chatSecrets;
};

} // namespace salesflow::http
