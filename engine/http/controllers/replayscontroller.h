#pragma once

#include "controller.h"

namespace salesflow::http {

/// Replays: POST /v1/replays (admins; 202 with the replay, worked in the background),
/// GET /v1/replays?limit=&after= and GET /v1/replays/{id}?limit=&after=&changed=true (viewers:
/// progress and per-event diffs in keyset pages), POST /v1/replays/{id}/cancel (admins).
class ReplaysController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void start(const Request &request, const ReplyPtr &reply);
    void list(const Request &request, const ReplyPtr &reply);
    void show(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
