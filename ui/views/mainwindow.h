#pragma once

#include "engine/api/changewatcher.h"
#include "engine/api/iengine.h"

#include <QMainWindow>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QStackedWidget;
class QTableView;
class QTimer;

namespace salesflow::ui {

class EventDetailView;
class EventListModel;
class AuditView;
class DashboardView;
class PromptView;
class ReplayView;
class QueueModel;
class ReviewView;

/// The main window: the queues (statuses with live counts) in a sidebar, the events of the picked
/// queue in a lazily paged list filtered by source, time and text, the selected event's story
/// beside it; View → Review (Ctrl+2) is the review workbench, View → Prompts (Ctrl+3) the prompt editor,
/// View → Replays (Ctrl+4) replays with their dry-run diff,
/// View → Audit (Ctrl+5) the audit log, View → Dashboard (Ctrl+6) the charts. The change feed
/// keeps counts and statuses current in place. Talks to the engine only through IEngine; File → Connect… is answered by
/// whoever composed the window (connectRequested), as only it may open engines.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    enum class Page { Events, Review, Prompts, Replays, Audit, Dashboard };

    MainWindow(IEngine *engine, Caller caller, QWidget *parent = nullptr);
    ~MainWindow() override;

    EventListModel *eventModel() const { return m_model; }
    QueueModel *queueModel() const { return m_queues; }
    QTableView *eventTable() const { return m_table; }
    EventDetailView *detailView() const { return m_detail; }
    ReviewView *reviewView() const { return m_review; }
    AuditView *auditView() const { return m_audit; }
    PromptView *promptView() const { return m_prompts; }
    ReplayView *replayView() const { return m_replays; }
    DashboardView *dashboardView() const { return m_dashboard; }
    /// Where the app works and as whom (`rita@https://host:8765`, `desktop:ana@sqlite:///…`):
    /// shown in the title and the status bar.
    void setWhere(const QString &where);
    void setStatusFilter(const QString &status);
    void setSourceFilter(const QString &source);
    void showPage(Page page);
    Page page() const;
    /// Every action with a keyboard shortcut, as Help → Keyboard shortcuts lists them.
    QList<QAction *> shortcutActions() const;

Q_SIGNALS:
    /// File → Connect…: the user wants another store or server.
    void connectRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildFilters();
    void buildMenus();
    QWidget *buildEventsPage();
    void connectList();
    void connectFeed();
    void applyFilter();
    void updateStatusLine();
    void restoreSettings();
    void checkForNewEvents();
    void announceArrivals(const ChangeSet &changes);
    void showShortcuts();

    IEngine *m_engine;
    Caller m_caller;
    EventListModel *m_model;
    QueueModel *m_queues;
    QListView *m_sidebar;
    QTableView *m_table;
    EventDetailView *m_detail;
    ReviewView *m_review;
    AuditView *m_audit;
    PromptView *m_prompts;
    ReplayView *m_replays;
    DashboardView *m_dashboard;
    QStackedWidget *m_pages;
    QComboBox *m_source;
    QComboBox *m_period;
    QLineEdit *m_search;
    QLabel *m_where = nullptr;
    QLabel *m_online = nullptr;
    QLabel *m_counts;
    QTimer *m_searchDelay;
    ChangeWatcher *m_changes;
    QString m_status; ///< the picked queue ("" for all events)
    QString m_newestKnown; ///< the newest event id when the list was last loaded
    bool m_newestRead = false;
};

} // namespace salesflow::ui
