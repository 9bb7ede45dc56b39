#pragma once

#include "controller.h"

namespace salesflow::http {

/// The review queue: GET /v1/review?limit=&after= (viewers), POST /v1/review/{id}/claim and
/// POST /v1/review/{id} {"decision": "approve"|"reject", "edits": {...}, "comment": "..."}
/// (reviewers); POST /v1/review/{id}/preview {"edits": {...}} answers {"items": [actions]}, what
/// approving with those edits would plan (nothing written). A 409 names who holds the item, or says it is no longer in
/// review.
class ReviewController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void list(const Request &request, const ReplyPtr &reply);
    void decide(const Request &request, const ReplyPtr &reply);
    void preview(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
