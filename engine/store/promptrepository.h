#pragma once

#include "../api/replaytypes.h"
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
    /// Error 404 `prompt.not_found` for a version the prompt does not have.
    static Result<llm::PromptVersion> get(Connection &c, const QString &name, int version);
    /// Every prompt name with its active version, count of versions and newest creation.
    static Result<QList<PromptSummary>> list(Connection &c);
    /// Every version of one prompt, newest first; empty when the name has none.
    static Result<QList<llm::PromptVersion>> versions(Connection &c, const QString &name);
    /// Stores the next version (inactive) with its audit entry, in its own transaction; answers
    /// its number. The template must have passed llm::checkPrompt.
    static Result<int> create(Connection &c, const llm::PromptVersion &p, const QString &actor, qint64 nowMs);
    /// Makes `version` the active one (the others inactive) with an audit entry (before/after),
    /// in its own transaction. 404 when there is no such version.
    static Result<llm::PromptVersion> activate(Connection &c, const QString &name, int version, const QString &actor,
                                               qint64 nowMs);
};

} // namespace salesflow::store
