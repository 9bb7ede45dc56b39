#include "queuemodel.h"

#include "names.h"

#include <QLocale>

namespace salesflow::ui {

QueueModel::QueueModel(QObject *parent) : QAbstractListModel(parent)
{
    m_statuses << QString() << Names::statuses();
}

void QueueModel::setCounts(const QMap<QString, qint64> &counts)
{
    if (m_known && counts == m_counts)
        return;
    m_counts = counts;
    m_known = !counts.isEmpty();
    if (!m_statuses.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_statuses.size()) - 1), {Qt::DisplayRole, CountRole});
}

qint64 QueueModel::count(const QString &status) const
{
    if (!status.isEmpty())
        return m_counts.value(status);
    qint64 all = 0;
    for (qint64 n : m_counts)
        all += n;
    return all;
}

int QueueModel::rowOf(const QString &status) const
{
    return int(m_statuses.indexOf(status));
}

int QueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_statuses.size());
}

QVariant QueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &status = m_statuses[index.row()];
    switch (role) {
    case Qt::DisplayRole: {
        const QString name = status.isEmpty() ? tr("All events") : Names::status(status);
        return m_known ? tr("%1 (%2)").arg(name, QLocale().toString(count(status))) : name;
    }
    case Qt::ForegroundRole: {
        const QColor c = Names::statusColor(status);
        return c.isValid() && count(status) > 0 ? QVariant(c) : QVariant();
    }
    case StatusRole:
        return status;
    case CountRole:
        return count(status);
    }
    return {};
}

} // namespace salesflow::ui
