#include "eventlistmodel.h"

#include <QDateTime>
#include <QLocale>

namespace salesflow::ui {

EventListModel::EventListModel(IEngine *engine, Caller caller, QObject *parent)
    : QAbstractTableModel(parent), m_engine(engine), m_caller(std::move(caller))
{ }

void EventListModel::setFilter(const EventQuery &filter)
{
    m_filter = filter;
    reload();
}

void EventListModel::reload()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_next.clear();
    m_atEnd = false;
    m_loading = false;
    endResetModel();
    requestPage();
}

QString EventListModel::eventId(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].id : QString();
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventSummary &e = m_rows[index.row()];
    if (role == IdRole)
        return e.id;
    if (role == StatusRole)
        return e.status;
    if (role == Qt::ToolTipRole && !e.lastError.isEmpty())
        return tr("Failed in %1: %2").arg(e.failedStage, e.lastError);
    if (role == Qt::TextAlignmentRole && index.column() == Size)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case ReceivedAt:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(e.receivedAtMs), QLocale::ShortFormat);
    case Source:
        return e.source;
    case Status:
        return e.status;
    case Id:
        return e.id;
    case Size:
        return QLocale().formattedDataSize(e.sizeBytes);
    case Error:
        return e.lastError;
    }
    return {};
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ReceivedAt:
        return tr("Received");
    case Source:
        return tr("Source");
    case Status:
        return tr("Status");
    case Id:
        return tr("Event id");
    case Size:
        return tr("Size");
    case Error:
        return tr("Error");
    }
    return {};
}

bool EventListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_loading;
}

void EventListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void EventListModel::requestPage()
{
    if (m_loading || m_atEnd)
        return;
    m_loading = true;
    Q_EMIT loadingChanged(true);
    EventQuery q = m_filter;
    q.limit = m_pageSize;
    q.after = m_next;
    const quint64 generation = m_generation;
    m_engine->listEvents(m_caller, q).then(this, [this, generation](const Result<EventPage> &page) {
        if (generation != m_generation)
            return; // the filter changed meanwhile
        if (!page) {
            m_loading = false;
            Q_EMIT loadingChanged(false);
            Q_EMIT loadFailed(page.error().message);
            return;
        }
        m_next = page->next;
        m_atEnd = m_next.isEmpty();
        // Still "loading" while the rows go in: a view or tester asking for more from inside
        // rowsInserted must not start a nested insert (the answer may arrive synchronously).
        if (!page->items.isEmpty()) {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->items.size() - 1));
            m_rows += page->items;
            endInsertRows();
        }
        m_loading = false;
        Q_EMIT loadingChanged(false);
    });
}

} // namespace salesflow::ui
