#pragma once

#include "controller.h"

namespace salesflow::http {

/// GET /healthz (the process answers) and GET /readyz (store reachable, schema current): open.
class HealthController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;
};

} // namespace salesflow::http
