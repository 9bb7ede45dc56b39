#include "auditmodel.h"

#include "auditlogmodel.h"

#include <QDateTime>
#include <QLocale>

namespace salesflow::ui {

AuditModel::AuditModel(QObject *parent) : QAbstractTableModel(parent) { }

void AuditModel::setEntries(QList<AuditEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

int AuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (role != Qt::DisplayRole
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry &a = m_entries[index.row()];
    switch (index.column()) {
    case At:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(a.atMs), QLocale::LongFormat);
    case Actor:
        return a.actor;
    case Action:
        return AuditLogModel::describe(a); // worded as in the audit log view
    case Before:
        return a.before;
    case After:
        return a.after;
    case Detail:
        return a.detail;
    }
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case At:
        return tr("When");
    case Actor:
        return tr("Who");
    case Action:
        return tr("What");
    case Before:
        return tr("Before");
    case After:
        return tr("After");
    case Detail:
        return tr("Detail");
    }
    return {};
}

} // namespace salesflow::ui
