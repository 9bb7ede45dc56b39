#pragma once

#include "engine/api/iengine.h"

#include <QAbstractTableModel>

namespace salesflow::ui {

/// The events table: pages lazily through IEngine::listEvents (keyset cursor), newest first.
/// fetchMore() asks for the next page without blocking; rows arrive in one batched insert.
/// Changing the filter resets the model and starts again from the first page.
class EventListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventListModel)

public:
    enum Column { ReceivedAt, Source, Status, Id, Size, Error, ColumnCount };
    enum Roles { IdRole = Qt::UserRole + 1, StatusRole };

    EventListModel(IEngine *engine, Caller caller, QObject *parent = nullptr);

    void setFilter(const EventQuery &filter);
    EventQuery filter() const { return m_filter; }
    void setPageSize(int rows) { m_pageSize = rows; }
    /// Drops every row and loads the first page again.
    void reload();
    bool isLoading() const { return m_loading; }
    QString eventId(int row) const;

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

    IEngine *m_engine;
    Caller m_caller;
    EventQuery m_filter;
    QList<EventSummary> m_rows;
    QString m_next;
    bool m_atEnd = false;
    bool m_loading = false;
    int m_pageSize = 200;
    quint64 m_generation = 0; // answers to an older filter are dropped
};

} // namespace salesflow::ui
