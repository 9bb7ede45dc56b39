#include "healthcontroller.h"

namespace salesflow::http {

void HealthController::addRoutes(Router &router)
{
    using M = Method;
    router.add({M::Get, QStringLiteral("/healthz"), std::nullopt, [](const Request &, const ReplyPtr &reply) {
                    reply->json(200, {{QStringLiteral("status"), QStringLiteral("ok")}});
                }});
    router.add({M::Get, QStringLiteral("/readyz"), std::nullopt, [this](const Request &, const ReplyPtr &reply) {
                    m_engine->ready().then(m_context, [reply](const Status &s) {
                        if (!s)
                            reply->problem(Error{s.error().code, s.error().message, 503});
                        else
                            reply->json(200, {{QStringLiteral("status"), QStringLiteral("ready")}});
                    });
                }});
}

} // namespace salesflow::http
