#pragma once

#include "sql.h"

#include <QHash>
#include <QJsonObject>

namespace salesflow::store {

/// A versioned prompt template (prompt_versions). The template has a `### system` part (static
/// instructions, cacheable) and a `### user` part with {{placeholders}} for the event and its
/// CRM context; `settings` holds temperature, max_output_tokens, context_token_budget and
/// recent_events.
struct PromptVersion
{
    QString name;
    int version = 0;
    QString templateText;
    QJsonObject settings;
    QString author;
    qint64 createdAtMs = 0;
    bool active = false;

    QString systemPart() const;
    QString userPart() const;
};

class PromptRepository
{
public:
    /// Inserts the shipped prompts (resources/prompts/*.prompt) whose (name, version) is missing,
    /// and activates a shipped version when its name has no active version. Idempotent.
    static Status seedDefaults(Connection &c, qint64 nowMs);
    static Result<PromptVersion> active(Connection &c, const QString &name);
    static Result<PromptVersion> get(Connection &c, const QString &name, int version);

    /// Parses a shipped .prompt file (front matter between `---` lines, then the template).
    static Result<PromptVersion> parseFile(const QByteArray &text);
    /// Checks the template: both parts present, every placeholder known.
    static Status check(const PromptVersion &p);
    /// Fills {{placeholders}}; unknown ones are an error (check() catches them at save time).
    static Result<QString> render(const QString &part, const QHash<QString, QString> &values);
    static QStringList placeholders();
};

} // namespace salesflow::store
