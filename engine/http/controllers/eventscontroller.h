#pragma once

#include "controller.h"

namespace salesflow::http {

/// GET /v1/events (filtered keyset pages) and GET /v1/events/{id} (the whole lineage).
class EventsController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void list(const Request &request, const ReplyPtr &reply);
    void detail(const Request &request, const ReplyPtr &reply);
};

/// The event query of `?status=&source=&q=&since=&until=&limit=&after=`, or a 400 saying what is wrong.
Result<EventQuery> eventQueryFrom(const Request &request);

} // namespace salesflow::http
