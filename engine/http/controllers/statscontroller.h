#pragma once

#include "../httpmetrics.h"
#include "controller.h"

#include <memory>

namespace salesflow::http {

/// GET /v1/stats (JSON) and GET /metrics (Prometheus text: the process's HTTP counters and the
/// store's gauges; `salesflow_store_up 0` when the store does not answer).
class StatsController final : public Controller
{
public:
    StatsController(IEngine *engine, QObject *context, std::shared_ptr<HttpMetrics> metrics)
        : Controller(engine, context), m_metrics(std::move(metrics))
    { }
    void addRoutes(Router &router) override;

private:
    void metrics(const Request &request, const ReplyPtr &reply);
    std::shared_ptr<HttpMetrics> m_metrics;
};

/// The store's gauges of `s` in Prometheus text format.
QByteArray statsExposition(const Stats &s);

} // namespace salesflow::http
