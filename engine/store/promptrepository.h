#pragma once

#include "../llm/prompt.h"
#include "sql.h"

#include <QHash>
#include <QJsonObject>

namespace salesflow::store {

/// prompt_versions: the stored versions of each prompt.
class PromptRepository
{
public:
    /// Inserts the shipped prompts (resources/prompts/*.prompt) whose (name, version) is missing,
    /// and activates a shipped version when its name has no active version. Idempotent.
    static Status seedDefaults(Connection &c, qint64 nowMs);
    static Result<llm::PromptVersion> active(Connection &c, const QString &name);
    static Result<llm::PromptVersion> get(Connection &c, const QString &name, int version);
};

} // namespace salesflow::store
