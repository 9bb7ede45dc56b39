#pragma once

#include "engine/api/types.h"

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;

namespace salesflow::ui {

/// The AI's analysis as an editable form: summary, intent, lead quality, objections (category and
/// evidence), next action, follow-up email and score change. edits() answers only what the
/// reviewer changed, in the engine's JSON names (IEngine::decideReview). An objection whose
/// evidence is not a quote from the event text is flagged on its row as it is typed; the
/// engine's own check (the preview) has the last word.
class ReviewForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewForm)

public:
    explicit ReviewForm(QWidget *parent = nullptr);

    void setAnalysis(const EnrichmentInfo &ai, const QString &eventText);
    void clear();
    QJsonObject edits() const;
    /// The objections whose evidence is not in the event text, in words; empty when none.
    QStringList problems() const;

    QPlainTextEdit *summaryEdit() const { return m_summary; }
    QLineEdit *nextActionEdit() const { return m_nextAction; }
    QTableWidget *objectionTable() const { return m_objections; }

Q_SIGNALS:
    /// Any field changed (typed, picked, an objection added or removed).
    void edited();
    /// The reviewer picked an objection: its quote should be shown in the text.
    void evidencePicked(const QString &evidence);

private:
    void addObjection(const QString &category, const QString &evidence);
    QJsonObject current() const;
    void markEvidence();

    QPlainTextEdit *m_summary;
    QComboBox *m_intent;
    QSpinBox *m_quality;
    QTableWidget *m_objections;
    QLineEdit *m_nextAction;
    QLineEdit *m_subject;
    QPlainTextEdit *m_body;
    QSpinBox *m_score;
    QJsonObject m_original; ///< the AI's analysis as the form first showed it
    QString m_foldedText; ///< the event text, folded for matching quotes
    bool m_filling = false;
};

} // namespace salesflow::ui
