#include "auditlogmodel.h"

#include "names.h"

#include <QDateTime>
#include <QLocale>

namespace salesflow::ui {

AuditLogModel::AuditLogModel(IEngine *engine, Caller caller, QObject *parent)
    : QAbstractTableModel(parent), m_engine(engine), m_caller(std::move(caller))
{ }

void AuditLogModel::setFilter(const AuditQuery &filter)
{
    m_filter = filter;
    reload();
}

void AuditLogModel::reload()
{
    m_pager.reset();
    beginResetModel();
    m_rows.clear();
    endResetModel();
    requestPage();
}

const AuditEntry *AuditLogModel::entry(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

QString AuditLogModel::describe(const AuditEntry &a)
{
    if (a.action == QLatin1String("transition"))
        return tr("%1 → %2").arg(Names::status(a.before), Names::status(a.after));
    if (a.action == QLatin1String("received"))
        return tr("Received");
    if (a.action == QLatin1String("review.claim"))
        return tr("Claimed for review");
    if (a.action == QLatin1String("review.approve"))
        return tr("Approved in review");
    if (a.action == QLatin1String("review.reject"))
        return tr("Rejected in review");
    if (a.action == QLatin1String("prompt.create"))
        return tr("Prompt version created");
    if (a.action == QLatin1String("prompt.activate"))
        return tr("Prompt version activated");
    if (a.action == QLatin1String("prompt.test"))
        return tr("Prompt version tested");
    if (a.action == QLatin1String("replay.start"))
        return tr("Replay started");
    if (a.action == QLatin1String("replay.cancel"))
        return tr("Replay cancelled");
    if (a.action == QLatin1String("replay.finish"))
        return tr("Replay finished");
    return a.action;
}

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry &a = m_rows[index.row()];
    if (role == EventIdRole)
        return a.eventId;
    if (role == Qt::ToolTipRole && index.column() == Detail)
        return a.detail;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case At:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(a.atMs), QLocale::ShortFormat);
    case Actor:
        return a.actor;
    case Action:
        return describe(a);
    case Event:
        return a.eventId;
    case Change:
        return a.action == QLatin1String("transition") || a.before.isEmpty() ? QString() : tr("before/after recorded");
    case Detail:
        return a.detail.left(200).simplified();
    }
    return {};
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
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
    case Event:
        return tr("Event");
    case Change:
        return tr("Change");
    case Detail:
        return tr("Detail");
    }
    return {};
}

bool AuditLogModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pager.canFetch();
}

void AuditLogModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

void AuditLogModel::requestPage()
{
    const auto request = [this](const QString &after) {
        AuditQuery q = m_filter;
        q.limit = 200;
        q.after = after;
        return m_engine->audit(m_caller, q);
    };
    m_pager.next<AuditPage>(this, request, [this](const Result<AuditPage> &page) {
        if (!page)
            return Q_EMIT loadFailed(page.error().message);
        if (page->items.isEmpty())
            return;
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->items.size() - 1));
        m_rows += page->items;
        endInsertRows();
    });
}

} // namespace salesflow::ui
