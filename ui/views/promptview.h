#pragma once

#include "engine/api/iengine.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTextBrowser;
class QTimer;
class QTreeWidget;

namespace salesflow::ui {

class TemplateHighlighter;

/// View → Prompts (Ctrl+3): each prompt's versions (author, date, notes, which is active); an
/// editor for a new version's template and settings that highlights {{placeholders}} and marks
/// what the engine's own check (IEngine::checkPrompt) finds as it is typed; a side-by-side diff
/// of any two versions; a test of a version on the last events of a source beside the active
/// version (outputs, planned HubSpot actions, tokens and cost); Activate, for admins only (others
/// see it disabled and why), after a confirmation. Everything through IEngine, nothing waits.
class PromptView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromptView)

public:
    PromptView(IEngine *engine, Caller caller, QWidget *parent = nullptr);

    /// Loads the prompts and the first one's versions.
    void activate();
    QPlainTextEdit *templateEditor() const { return m_template; }
    QLineEdit *notesEdit() const { return m_notes; }
    QTreeWidget *versionList() const { return m_versions; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *activateButton() const { return m_activate; }
    QStringList problems() const;
    QString statusText() const;
    /// Diff of two versions (numbers), shown in the Compare tab.
    void compare(int before, int after);
    QString diffText() const;
    /// Tests the selected version on the newest `count` events of `source` ("" any), in the Test tab.
    void testOnLatest(int count, const QString &source);
    QString testText() const;
    /// Tests the selected version on these events (the event list's selection), in the Test tab.
    void testOnEvents(const QStringList &eventIds);
    /// Tests the selected version on the first events (at most 20) the filter finds — the event
    /// list's filter: queue, source, period, search — in the Test tab.
    void testOnFilter(EventQuery filter);

private:
    QWidget *buildEditTab();
    QWidget *buildCompareTab();
    QWidget *buildTestTab();
    void loadPrompt(const QString &name);
    void showVersions(const PromptInfo &info);
    void loadVersionIntoEditor();
    void check();
    NewPromptVersion draft(QString *problem) const;
    void save();
    void askToActivate();
    void runTest(const QStringList &eventIds);
    void setStatus(const QString &text, bool error = false);
    int selectedVersion() const;

    IEngine *m_engine;
    Caller m_caller;
    QComboBox *m_prompt;
    QTreeWidget *m_versions;
    QPushButton *m_activate;
    QPlainTextEdit *m_template;
    TemplateHighlighter *m_highlighter;
    QPlainTextEdit *m_settings;
    QLineEdit *m_notes;
    QListWidget *m_problems;
    QPushButton *m_save;
    QComboBox *m_left;
    QComboBox *m_right;
    QTextBrowser *m_diff;
    QComboBox *m_testSource;
    QSpinBox *m_testCount;
    QTextBrowser *m_testResult;
    QLabel *m_status;
    QTabWidget *m_tabs = nullptr;
    QTimer *m_checkDelay;
    PromptInfo m_info;
    QStringList m_pendingTest; ///< a test asked for before the versions arrived
    quint64 m_checks = 0; ///< answers to older checks are dropped
};

} // namespace salesflow::ui
