#include "reviewqueuemodel.h"

#include "deferred.h"
#include "names.h"

#include <QDateTime>
#include <QLocale>
#include <QSet>

namespace salesflow::ui {

ReviewQueueModel::ReviewQueueModel(IEngine *engine, Caller caller, QObject *parent)
    : QAbstractListModel(parent), m_engine(engine), m_caller(std::move(caller))
{ }

void ReviewQueueModel::reload()
{
    if (m_loading) {
        m_again = true;
        return;
    }
    m_loading = true;
    whenDone(m_engine->reviewQueue(m_caller, 500, QString()), this, [this](const Result<ReviewPage> &page) {
        m_loading = false;
        if (!page)
            Q_EMIT loadFailed(page.error().message);
        else
            merge(page->items);
        if (std::exchange(m_again, false))
            reload();
        else if (page)
            Q_EMIT loaded();
    });
}

void ReviewQueueModel::merge(const QList<ReviewItem> &fresh)
{
    QHash<QString, const ReviewItem *> byId;
    for (const ReviewItem &i : fresh)
        byId.insert(i.eventId, &i);
    for (int row = int(m_items.size()) - 1; row >= 0; --row) {
        const ReviewItem *now = byId.value(m_items[row].eventId);
        if (!now) {
            beginRemoveRows({}, row, row);
            m_items.removeAt(row);
            endRemoveRows();
            continue;
        }
        m_items[row] = *now;
        Q_EMIT dataChanged(index(row), index(row));
        byId.remove(now->eventId);
    }
    QList<ReviewItem> added;
    for (const ReviewItem &i : fresh) {
        if (byId.contains(i.eventId))
            added.append(i);
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_items.size()), int(m_items.size() + added.size() - 1));
    m_items += added;
    endInsertRows();
}

const ReviewItem *ReviewQueueModel::item(int row) const
{
    return row >= 0 && row < m_items.size() ? &m_items[row] : nullptr;
}

int ReviewQueueModel::rowOf(const QString &eventId) const
{
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items[i].eventId == eventId)
            return i;
    }
    return -1;
}

void ReviewQueueModel::remove(const QString &eventId)
{
    const int row = rowOf(eventId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_items.removeAt(row);
    endRemoveRows();
}

void ReviewQueueModel::moveToEnd(const QString &eventId)
{
    const int row = rowOf(eventId);
    if (row < 0 || row == m_items.size() - 1)
        return;
    beginMoveRows({}, row, row, {}, int(m_items.size()));
    m_items.move(row, m_items.size() - 1);
    endMoveRows();
}

void ReviewQueueModel::setHolder(const QString &eventId, const QString &holder, qint64 untilMs)
{
    const int row = rowOf(eventId);
    if (row < 0)
        return;
    m_items[row].holder = holder;
    m_items[row].heldUntilMs = untilMs;
    Q_EMIT dataChanged(index(row), index(row));
}

int ReviewQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant ReviewQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReviewItem &i = m_items[index.row()];
    switch (role) {
    case Qt::DisplayRole: {
        const QString who = i.contact.isEmpty() ? Names::source(i.source) : i.contact;
        return tr("%1 — %2").arg(who, i.summary.isEmpty() ? i.reasons.join(QStringLiteral(", ")) : i.summary);
    }
    case Qt::ToolTipRole:
        return i.holder.isEmpty()
            ? i.reasons.join(QLatin1Char('\n'))
            : tr("Held by %1 until %2")
                  .arg(i.holder,
                       QLocale().toString(QDateTime::fromMSecsSinceEpoch(i.heldUntilMs), QLocale::ShortFormat));
    case EventIdRole:
        return i.eventId;
    case HolderRole:
        return i.holder;
    }
    return {};
}

} // namespace salesflow::ui
