#pragma once

#include "engine/api/replaytypes.h"

#include <QSyntaxHighlighter>

namespace salesflow::ui {

/// Colours a prompt template as it is typed: `### system` / `### user` headings, every
/// `{{placeholder}}`, and a wavy red underline where the engine's own check (IEngine::checkPrompt)
/// found a problem (its line and column); the problems come from the engine, never from a copy of
/// its rules here.
class TemplateHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplateHighlighter)

public:
    explicit TemplateHighlighter(QTextDocument *document);
    void setProblems(const QList<PromptProblem> &problems);

protected:
    void highlightBlock(const QString &text) override;

private:
    QList<PromptProblem> m_problems;
};

} // namespace salesflow::ui
