#pragma once

#include "keysetpager.h"

#include "engine/api/iengine.h"

#include <QAbstractTableModel>

namespace salesflow::ui {

/// The audit log, newest first, paged lazily through IEngine::audit (keyset cursor) like the event
/// list: fetchMore() asks for the next page without blocking. setFilter() starts again.
class AuditLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditLogModel)

public:
    enum Column { At, Actor, Action, Event, Change, Detail, ColumnCount };
    enum Roles { EventIdRole = Qt::UserRole + 1 };

    AuditLogModel(IEngine *engine, Caller caller, QObject *parent = nullptr);

    void setFilter(const AuditQuery &filter);
    AuditQuery filter() const { return m_filter; }
    void reload();
    bool isLoading() const { return m_pager.loading(); }
    const AuditEntry *entry(int row) const;
    /// What an action is, in words ("Approved in review", "Normalised → Enriched").
    static QString describe(const AuditEntry &entry);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    void requestPage();

    IEngine *m_engine;
    Caller m_caller;
    AuditQuery m_filter;
    QList<AuditEntry> m_rows;
    KeysetPager m_pager;
};

} // namespace salesflow::ui
