#include "stages.h"

#include "../core/config.h"

#include "enrich/enrichstage.h"
#include "normalise/normalisestage.h"
#include "plan/planstage.h"
#include "write/writestage.h"
#include <QUrl>

namespace salesflow::pipeline {

Result<std::vector<std::shared_ptr<IStage>>> builtStages(const Config &config)
{
    auto provider = llm::makeProvider(config);
    if (!provider)
        return provider.error();
    auto prices = llm::PriceTable::load(config.llmPricesFile);
    if (!prices)
        return prices.error();
    EnrichStage::Options eo;
    eo.reviewThreshold = config.reviewThreshold;
    const hubspot::ClientConfig hc = hubspot::clientConfigFrom(config);
    const QUrl base(hc.baseUrl);
    if (!base.isValid() || base.host().isEmpty()
        || (base.scheme() != QLatin1String("https") && base.scheme() != QLatin1String("http")))
        return makeError("config.hubspot",
                         QStringLiteral("HUBSPOT_BASE_URL is not an http(s) URL: %1").arg(hc.baseUrl));
    WriteStage::Options wo;
    wo.workers = config.hubspotWorkers;
    wo.verifyRate = config.hubspotVerify;
    auto hubspot = std::make_shared<hubspot::Client>(hc); // one client: what it learns of the limits is shared
    std::vector<std::shared_ptr<IStage>> stages{
        std::make_shared<NormaliseStage>(hubspot),
        std::make_shared<EnrichStage>(provider.value(), prices.value(), eo),
        std::make_shared<PlanStage>(),
        std::make_shared<WriteStage>(hubspot, wo),
    };
    return stages;
}

} // namespace salesflow::pipeline
