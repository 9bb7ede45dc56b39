#pragma once

#include <QAbstractListModel>
#include <QMap>

namespace salesflow::ui {

/// The sidebar's queues: "All events", then every lifecycle status, each with its count as the
/// change feed last reported it ("In review (12)"). Counts change in place (dataChanged); the
/// rows never move, so a selection stays where it is.
class QueueModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueueModel)

public:
    enum Roles { StatusRole = Qt::UserRole + 1, CountRole };

    explicit QueueModel(QObject *parent = nullptr);

    /// Counts per status; statuses missing from the map count 0. An empty map (the feed has not
    /// answered yet) shows no numbers.
    void setCounts(const QMap<QString, qint64> &counts);
    qint64 count(const QString &status) const;
    /// The row of a status ("" for all events).
    int rowOf(const QString &status) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    QStringList m_statuses; ///< "" first: all events
    QMap<QString, qint64> m_counts;
    bool m_known = false;
};

} // namespace salesflow::ui
