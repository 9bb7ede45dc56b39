#pragma once

#include "engine/api/types.h"

#include <QAbstractTableModel>

namespace salesflow::ui {

/// An event's audit trail: who did what, when, with the status before and after. Actions are
/// worded as AuditLogModel words them (the whole log, paged); this one holds a single event's.
class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column { At, Actor, Action, Before, After, Detail, ColumnCount };

    explicit AuditModel(QObject *parent = nullptr);
    void setEntries(QList<AuditEntry> entries);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<AuditEntry> m_entries;
};

} // namespace salesflow::ui
