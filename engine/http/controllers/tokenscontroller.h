#pragma once

#include "controller.h"

namespace salesflow::http {

/// POST /v1/tokens {"name", "role"} (admin) → 201 {"name", "role", "token"}: the token in clear,
/// shown this once. Listing and revoking come with the users issue.
class TokensController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void create(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
