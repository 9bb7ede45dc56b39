#pragma once
// The chat platforms' own webhook signatures, checked instead of a token on /v1/events/chat:
// Intercom  X-Hub-Signature: sha1=hex(HMAC-SHA1(client secret, body));
// Front     X-Front-Signature: base64(HMAC-SHA256(app signing key, X-Front-Request-Timestamp ":" body));
// Zendesk   X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(webhook secret,
//           X-Zendesk-Webhook-Signature-Timestamp + body)).
// A replayed delivery passes the check but not the door: each is deduplicated by the platform's
// id of it, which the signature covers.

#include "../api/caller.h"
#include "../api/result.h"
#include "../core/config.h"
#include "router.h"

#include <optional>

namespace salesflow::http {

/// nullopt when the request carries none of the three signature headers (then it needs a
/// token). Else the platform's webhook caller, or a 401 saying what is wrong (the platform is
/// not configured, the signature does not match) — never the secret or the expected value.
std::optional<Result<Caller>> verifyChatSignature(const ChatWebhookSecrets &secrets, const Request &request);

} // namespace salesflow::http
