#pragma once

#include "istage.h"

#include <memory>
#include <vector>

namespace salesflow::pipeline {

/// The stages this build can run, in pipeline order. Jobs for a stage that is not here yet
/// (enrich, plan, write: later issues) wait in the queue until a build that has it runs.
std::vector<std::shared_ptr<IStage>> builtStages();

} // namespace salesflow::pipeline
