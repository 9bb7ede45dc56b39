#include "stages.h"

#include "normalise/normalisestage.h"

namespace salesflow::pipeline {

std::vector<std::shared_ptr<IStage>> builtStages()
{
    return {std::make_shared<NormaliseStage>()};
}

} // namespace salesflow::pipeline
