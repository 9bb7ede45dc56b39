#include "stages.h"

#include "../core/config.h"
#include "enrich/enrichstage.h"
#include "normalise/normalisestage.h"

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
    std::vector<std::shared_ptr<IStage>> stages{
        std::make_shared<NormaliseStage>(),
        std::make_shared<EnrichStage>(provider.value(), prices.value(), eo),
    };
    return stages;
}

} // namespace salesflow::pipeline
