#pragma once
// HubSpot Conversations: a `conversation.newMessage` webhook event names a thread and a message,
// nothing more (reference/hubspot/NOTES.md §10). The message itself — who wrote it, its text —
// is read from HubSpot's Conversations API (GET /conversations/v3/conversations/threads/{thread}
// /messages/{message}; a visitor without an address through /conversations/v3/conversations/
// actors/{actor}) and becomes the chat form the chat source reads.

#include "../../api/result.h"

#include <QByteArray>

#include <memory>
#include <optional>

namespace salesflow::hubspot {
class Client;
}

namespace salesflow::store {
class Connection;
}

namespace salesflow::pipeline {

class ConversationReader
{
public:
    explicit ConversationReader(std::shared_ptr<hubspot::Client> client) : m_client(std::move(client)) { }

    /// nullopt when `hubspotEvent` is not a conversation.newMessage event. Else the message as
    /// the chat form (JSON), or: a permanent error without HUBSPOT_ACCESS_TOKEN (the event stays
    /// raw; replay it once the token is set) or when HubSpot no longer has the message; a
    /// transient one when HubSpot cannot answer now (retried by the stage).
    std::optional<Result<QByteArray>> chatFormFor(const QByteArray &hubspotEvent, store::Connection &conn) const;

private:
    std::shared_ptr<hubspot::Client> m_client;
};

} // namespace salesflow::pipeline
