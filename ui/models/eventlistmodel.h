#pragma once

#include "keysetpager.h"

#include "engine/api/iengine.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

class QTimer;

namespace salesflow::ui {

/// The events table: pages lazily through IEngine::listEvents (keyset cursor), newest first.
/// fetchMore() asks for the next page without blocking; rows arrive in one batched insert.
/// Changing the filter resets the model and starts again from the first page.
///
/// Live: applyChanges() takes the change feed's news. A row in the list gets its new status at
/// once (dataChanged: no reset, no row moves, the selection stays), then its other columns
/// (intent, confidence, error) from one listEvents(ids) of every row changed in the last 200 ms.
/// A row that no longer matches the status filter stays until the list is reloaded.
class EventListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventListModel)

public:
    enum Column { ReceivedAt, Source, Contact, Company, Subject, Intent, Confidence, Status, Error, ColumnCount };
    enum Roles { IdRole = Qt::UserRole + 1, StatusRole };

    EventListModel(IEngine *engine, Caller caller, QObject *parent = nullptr);

    void setFilter(const EventQuery &filter);
    EventQuery filter() const { return m_filter; }
    void setPageSize(int rows) { m_pageSize = rows; }
    /// Drops every row and loads the first page again.
    void reload();
    bool isLoading() const { return m_pager.loading(); }
    QString eventId(int row) const;
    /// The row showing this event, or -1.
    int rowOf(const QString &eventId) const { return m_rowOf.value(eventId, -1); }
    const EventSummary *summary(int row) const;
    /// The change feed's news for the rows on screen.
    void applyChanges(const ChangeSet &changes);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    /// A page could not be loaded; the message is for the user.
    void loadFailed(const QString &message);

private:
    void requestPage();
    void refreshChangedRows();
    QVariant display(const EventSummary &e, int column) const;

    IEngine *m_engine;
    Caller m_caller;
    EventQuery m_filter;
    QList<EventSummary> m_rows;
    QHash<QString, int> m_rowOf;
    QSet<QString> m_stale; ///< rows changed since their last refresh
    QTimer *m_refresh;
    KeysetPager m_pager;
    int m_pageSize = 200;
    quint64 m_generation = 0; // row refreshes for an older filter are dropped
};

} // namespace salesflow::ui
