#pragma once
// Chat platforms' conversation webhooks, as they post them to /v1/events/chat, recognised by
// their shape: Intercom notifications (conversation source and parts, HTML bodies), Front events
// (the message in target.data), Zendesk event webhooks (ticket.created, ticket.comment_added) and
// the trigger body the README gives for Zendesk. Each becomes the chat form the chat source
// reads: {id, channel, participants: [{id, name, email, role}], messages: [{author, role, text,
// sent_at}]}, with HTML turned into text.

#include "../api/result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace salesflow::sources {

struct ChatDelivery
{
    QString vendor; ///< intercom | front | zendesk
    QJsonObject conversation; ///< the chat form
    /// The platform's id of this delivery (kept across its retries): the dedup key.
    QString deliveryId;
};

/// nullopt when `doc` is not a platform's webhook (the chat form itself); a parse error naming
/// the platform and the field when it is one that cannot be read (nothing anybody wrote in it).
std::optional<Result<ChatDelivery>> readChatWebhook(const QJsonObject &doc);

} // namespace salesflow::sources
