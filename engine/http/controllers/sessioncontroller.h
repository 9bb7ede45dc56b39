#pragma once

#include "../../api/iauthenticator.h"
#include "controller.h"

namespace salesflow::http {

/// POST /v1/session {"username", "password"} → {"token", "user", "role", "expires_at"}: a person's
/// login (the desktop app's remote login). Open route; throttled with 429 and Retry-After.
class SessionController final : public Controller
{
public:
    SessionController(IEngine *engine, IAuthenticator *auth, QObject *context)
        : Controller(engine, context), m_auth(auth)
    { }
    void addRoutes(Router &router) override;

private:
    void login(const Request &request, const ReplyPtr &reply);
    IAuthenticator *m_auth;
};

} // namespace salesflow::http
