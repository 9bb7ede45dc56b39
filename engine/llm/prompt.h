#pragma once

#include "../api/replaytypes.h"
#include "../api/result.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace salesflow::llm {

/// A versioned prompt template (stored in prompt_versions). The template has a `### system` part
/// (static instructions, cacheable) and a `### user` part with {{placeholders}} for the event and
/// its CRM context; `settings` holds temperature, max_output_tokens, context_token_budget and
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
    QString notes;

    QString systemPart() const;
    QString userPart() const;
};

/// Parses a shipped .prompt file (front matter between `---` lines, then the template).
Result<PromptVersion> parsePromptFile(const QByteArray &text);
/// Every problem of a template and its settings, with where it is: both parts present and in
/// order, every {{placeholder}} closed and known, every setting known and in its range.
QList<PromptProblem> promptProblems(const QString &templateText, const QJsonObject &settings);
/// promptProblems as one Error 400 `prompt.invalid` that names the first problem and where it is.
Status checkPrompt(const PromptVersion &p);
/// The settings a version may carry, with what each takes.
QStringList promptSettings();
/// Fills {{placeholders}}; unknown ones are an error (checkPrompt catches them at save time).
Result<QString> renderPrompt(const QString &part, const QHash<QString, QString> &values);
/// The placeholders a template may use.
QStringList promptPlaceholders();

} // namespace salesflow::llm
