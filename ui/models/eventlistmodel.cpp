#include "eventlistmodel.h"

#include "deferred.h"
#include "names.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>

namespace salesflow::ui {

EventListModel::EventListModel(IEngine *engine, Caller caller, QObject *parent)
    : QAbstractTableModel(parent), m_engine(engine), m_caller(std::move(caller)), m_refresh(new QTimer(this))
{
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(200);
    connect(m_refresh, &QTimer::timeout, this, &EventListModel::refreshChangedRows);
}

void EventListModel::setFilter(const EventQuery &filter)
{
    m_filter = filter;
    reload();
}

void EventListModel::reload()
{
    m_pager.reset();
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    m_stale.clear();
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

const EventSummary *EventListModel::summary(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventSummary &e = m_rows[index.row()];
    switch (role) {
    case IdRole:
        return e.id;
    case StatusRole:
        return e.status;
    case Qt::DisplayRole:
        return display(e, index.column());
    case Qt::ToolTipRole:
        if (!e.lastError.isEmpty())
            return tr("Failed in %1: %2").arg(e.failedStage, e.lastError);
        return tr("Event %1, %2").arg(e.id, QLocale().formattedDataSize(e.sizeBytes));
    case Qt::ForegroundRole:
        if (index.column() == Status || index.column() == Error) {
            const QColor c = Names::statusColor(e.status);
            return c.isValid() ? QVariant(c) : QVariant();
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Confidence)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    return {};
}

QVariant EventListModel::display(const EventSummary &e, int column) const
{
    switch (column) {
    case ReceivedAt:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(e.receivedAtMs), QLocale::ShortFormat);
    case Source:
        return Names::source(e.source);
    case Contact:
        return e.contact;
    case Company:
        return e.company;
    case Subject:
        return e.subject;
    case Intent:
        return Names::intent(e.intent);
    case Confidence:
        return e.confidence ? QVariant(QLocale().toString(*e.confidence * 100, 'f', 0) + QLatin1Char('%')) : QVariant();
    case Status:
        return Names::status(e.status);
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
        return tr("When");
    case Source:
        return tr("Source");
    case Contact:
        return tr("Contact");
    case Company:
        return tr("Company");
    case Subject:
        return tr("Subject");
    case Intent:
        return tr("Intent");
    case Confidence:
        return tr("Confidence");
    case Status:
        return tr("Status");
    case Error:
        return tr("Error");
    }
    return {};
}

bool EventListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pager.canFetch();
}

void EventListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void EventListModel::requestPage()
{
    const auto request = [this](const QString &after) {
        EventQuery q = m_filter;
        q.limit = m_pageSize;
        q.after = after;
        return m_engine->listEvents(m_caller, q);
    };
    const auto arrived = [this](const Result<EventPage> &page) {
        if (!page)
            return Q_EMIT loadFailed(page.error().message);
        if (page->items.isEmpty())
            return;
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->items.size() - 1));
        for (const EventSummary &e : page->items) {
            m_rowOf.insert(e.id, int(m_rows.size()));
            m_rows.append(e);
        }
        endInsertRows();
    };
    if (m_pager.next<EventPage>(this, request, arrived, [this] { Q_EMIT loadingChanged(false); }))
        Q_EMIT loadingChanged(true);
}

void EventListModel::applyChanges(const ChangeSet &changes)
{
    for (const Change &c : changes.items) {
        const int row = rowOf(c.eventId);
        if (row < 0)
            continue;
        if (m_rows[row].status != c.status) {
            m_rows[row].status = c.status;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        m_stale.insert(c.eventId);
    }
    if (!m_stale.isEmpty() && !m_refresh->isActive())
        m_refresh->start();
}

void EventListModel::refreshChangedRows()
{
    EventQuery q;
    q.limit = 1000;
    for (auto it = m_stale.begin(); it != m_stale.end() && q.ids.size() < q.limit;)
        q.ids.append(*it), it = m_stale.erase(it);
    if (q.ids.isEmpty())
        return;
    const quint64 generation = m_generation;
    whenDone(m_engine->listEvents(m_caller, q), this, [this, generation](const Result<EventPage> &page) {
        if (generation != m_generation)
            return;
        if (!page) {
            Q_EMIT loadFailed(page.error().message); // the statuses shown are still the feed's
            return;
        }
        for (const EventSummary &e : page->items) {
            const int row = rowOf(e.id);
            if (row < 0)
                continue;
            m_rows[row] = e;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        if (!m_stale.isEmpty())
            m_refresh->start();
    });
}

} // namespace salesflow::ui
