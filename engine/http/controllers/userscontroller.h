#pragma once

#include "controller.h"

namespace salesflow::http {

/// People and API tokens (admin; a user may change their own password):
/// GET /v1/users, POST /v1/users {"name", "role", "password"}, POST /v1/users/{name}/disable,
/// POST /v1/users/{name}/password {"password"}, GET /v1/tokens.
class UsersController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void add(const Request &request, const ReplyPtr &reply);
    void password(const Request &request, const ReplyPtr &reply);
    /// 204 once `done` resolves, else its problem.
    void noContent(QFuture<Status> done, const ReplyPtr &reply);
};

} // namespace salesflow::http
