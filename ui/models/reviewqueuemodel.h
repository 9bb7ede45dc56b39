#pragma once

#include "engine/api/iengine.h"

#include <QAbstractListModel>

namespace salesflow::ui {

/// The review queue as the workbench walks it: the engine's items oldest first (one page of up
/// to 500), with who holds each. reload() asks again and merges: items still waiting keep their
/// rows (and order), decided ones leave, new ones join at the end — no reset, so the open item
/// and the selection stay. remove() takes a decided item out at once.
class ReviewQueueModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewQueueModel)

public:
    enum Roles { EventIdRole = Qt::UserRole + 1, HolderRole };

    ReviewQueueModel(IEngine *engine, Caller caller, QObject *parent = nullptr);

    void reload();
    bool isLoading() const { return m_loading; }
    const ReviewItem *item(int row) const;
    int rowOf(const QString &eventId) const;
    void remove(const QString &eventId);
    /// Puts the item last (a reviewer skipping it).
    void moveToEnd(const QString &eventId);
    void setHolder(const QString &eventId, const QString &holder, qint64 untilMs);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);

private:
    void merge(const QList<ReviewItem> &fresh);

    IEngine *m_engine;
    Caller m_caller;
    QList<ReviewItem> m_items;
    bool m_loading = false;
    bool m_again = false; ///< asked to reload while a load was running
};

} // namespace salesflow::ui
