#pragma once

#include "controller.h"

namespace salesflow::http {

/// Prompt versions: GET /v1/prompts, GET /v1/prompts/{name} (viewers);
/// POST /v1/prompts/{name}/check (viewers: the engine's check of a draft, for editors);
/// POST /v1/prompts/{name}/versions (201), POST …/versions/{v}/activate and
/// POST …/versions/{v}/test {"events": [ids]} (admins). A template with problems is a 400 that
/// says what and where; a body of the wrong shape is a 400 that names the member.
class PromptsController final : public Controller
{
public:
    using Controller::Controller;
    void addRoutes(Router &router) override;

private:
    void check(const Request &request, const ReplyPtr &reply);
    void create(const Request &request, const ReplyPtr &reply);
    void activate(const Request &request, const ReplyPtr &reply);
    void test(const Request &request, const ReplyPtr &reply);
};

} // namespace salesflow::http
