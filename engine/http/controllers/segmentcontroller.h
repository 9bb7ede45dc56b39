#pragma once

#include "controller.h"

namespace salesflow::http {

/// Segment's HTTP tracking API, so the SDKs teams already run (Segment's, RudderStack's) send to
/// SalesFlow unchanged: POST /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page, /v1/screen
/// and /v1/alias, the write key being an `ingest` token — as the HTTP Basic user name
/// (RudderStack's SDK, Segment's HTTP API), in the body's "writeKey" (@segment/analytics-node 2),
/// or a Bearer token; gzip bodies as anywhere. Each message becomes a `product` event,
/// deduplicated by its messageId (a sender's retry finds it stored).
///
/// Answers what the SDKs' retry logic expects: 200 {"success": true, "items": [...]} once every
/// message is durably stored or known; 400 when the body or every message is malformed, 401 for
/// a bad key, 413 too large (none retried); 503 with Retry-After when the store is down, so they
/// retry.
class SegmentController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void receive(const QString &type, const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
