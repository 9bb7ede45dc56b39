#pragma once

#include "controller.h"

namespace salesflow::http {

/// GET /v1/changes?after=CURSOR&wait_ms=N — the change feed as a long poll: answers at once when
/// something changed after the cursor, else when something does or after wait_ms (≤ 30000).
class ChangesController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void changes(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
