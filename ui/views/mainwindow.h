#pragma once

#include "engine/api/changewatcher.h"
#include "engine/api/iengine.h"

#include <QMainWindow>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace salesflow::ui {

class EventDetailView;
class EventListModel;

/// The events window: a lazily paged table with status, source and text filters, and the
/// selected event's detail beside it. Talks to the engine only through IEngine.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(IEngine *engine, Caller caller, QWidget *parent = nullptr);
    ~MainWindow() override;

    EventListModel *eventModel() const { return m_model; }
    QTableView *eventTable() const { return m_table; }
    EventDetailView *detailView() const { return m_detail; }
    /// Where the app works and as whom (`rita@https://host:8765`, `desktop:ana@sqlite:///…`):
    /// shown in the title and the status bar.
    void setWhere(const QString &where);
    void setStatusFilter(const QString &status);
    void setSourceFilter(const QString &source);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void applyFilter();
    void updateStatusLine();
    void restoreSettings();
    void checkForNewEvents();
    void announceArrivals(const ChangeSet &changes);

    IEngine *m_engine;
    Caller m_caller;
    EventListModel *m_model;
    QTableView *m_table;
    EventDetailView *m_detail;
    QComboBox *m_status;
    QComboBox *m_source;
    QLineEdit *m_search;
    QLabel *m_where = nullptr;
    QLabel *m_online = nullptr;
    QLabel *m_counts;
    QTimer *m_searchDelay;
    ChangeWatcher *m_changes;
    QString m_newestKnown; ///< the newest event id when the list was last loaded
    bool m_newestRead = false;
};

} // namespace salesflow::ui
