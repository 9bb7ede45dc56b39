#pragma once

#include "../api/result.h"
#include "istage.h"

#include <memory>
#include <vector>

namespace salesflow {
struct Config;
}

namespace salesflow::pipeline {

/// The stages this build can run, in pipeline order, configured from `config` (the LLM
/// provider, prices, review threshold). Jobs for a stage that is not here yet (plan, write:
/// a later issue) wait in the queue until a build that has it runs. Fails with the setting to
/// fix when the configuration is unusable (e.g. SALESFLOW_LLM=openai without OPENAI_API_KEY).
Result<std::vector<std::shared_ptr<IStage>>> builtStages(const Config &config);

} // namespace salesflow::pipeline
