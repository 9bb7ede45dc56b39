#pragma once

#include "controller.h"

namespace salesflow::http {

/// GET /v1/audit?actor=&event=&action=&since=&until=&limit=&after= — newest first, keyset pages.
class AuditController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void list(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
