#pragma once

#include "controller.h"

namespace salesflow::http {

/// POST /v1/tokens {"name", "role"} (admin) → 201 {"name", "role", "token"}: the token in clear,
/// shown this once. POST /v1/tokens/{name}/revoke (admin) → 200 {"name", "revoked": n}.
/// Listing comes with the users issue.
class TokensController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void create(const Request &request, const ReplyPtr &reply);
    void revoke(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
