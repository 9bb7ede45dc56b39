#pragma once

#include "engine/api/iengine.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class QTreeWidget;

namespace salesflow::ui {

/// View → Replays (Ctrl+4): start a replay from the event list's selection or a filter (status,
/// source, time), from a stage and with a prompt version; a dry run first shows, per event, what
/// would change (analysis fields before → after, HubSpot actions added, changed, removed),
/// filterable to the events that change; Run (admins only; others see it disabled and why) with
/// progress and Cancel; past replays with who ran them and their outcome. Progress is read from
/// the engine every second while a replay runs.
class ReplayView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayView)

public:
    ReplayView(IEngine *engine, Caller caller, QWidget *parent = nullptr);

    void activate();
    /// Replays these events (the event list's selection) instead of a filter.
    void setEvents(const QStringList &ids);
    void setStatusFilter(const QString &status);
    /// Starts a dry run (true) or, after a confirmation (objectName runConfirm), a real one.
    void start(bool dryRun);
    QPushButton *runButton() const { return m_run; }
    QPushButton *dryRunButton() const { return m_dry; }
    QTreeWidget *replayList() const { return m_replays; }
    QTreeWidget *itemList() const { return m_items; }
    QString shownReplayStatus() const { return m_shownStatus; }
    QString statusText() const;

private:
    QWidget *buildForm();
    ReplayRequest request(bool dryRun) const;
    void startNow(bool dryRun);
    void loadReplays();
    void showReplay(const QString &id);
    void showItems(const ReplayPage &page);
    void setStatus(const QString &text, bool error = false);

    IEngine *m_engine;
    Caller m_caller;
    QStringList m_events;
    QLabel *m_selection;
    QPushButton *m_useFilter = nullptr;
    QComboBox *m_status;
    QComboBox *m_source;
    QComboBox *m_period;
    QComboBox *m_stage;
    QSpinBox *m_prompt;
    QPushButton *m_dry;
    QPushButton *m_run;
    QTreeWidget *m_replays;
    QCheckBox *m_onlyChanged;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QTreeWidget *m_items;
    QLabel *m_message;
    QTimer *m_poll;
    QString m_shown; ///< the replay whose items show
    QString m_shownStatus;
};

} // namespace salesflow::ui
