#pragma once

#include "engine/api/iengine.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QTimer;

namespace salesflow::ui {

class AuditLogModel;

/// View → Audit (Ctrl+5): the whole audit log, newest first, paged lazily, filtered by actor,
/// action, event and time; the selected entry's before and after shown field by field below;
/// double-clicking an entry of an event opens that event (openEvent).
class AuditView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditView)

public:
    AuditView(IEngine *engine, Caller caller, QWidget *parent = nullptr);

    AuditLogModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    void setActorFilter(const QString &actor);
    void setEventFilter(const QString &eventId);
    QString changeText() const;

Q_SIGNALS:
    void openEvent(const QString &eventId);

private:
    void applyFilter();
    void showChange(int row);

    AuditLogModel *m_model;
    QLineEdit *m_actor;
    QComboBox *m_action;
    QLineEdit *m_event;
    QComboBox *m_period;
    QTableView *m_table;
    QTextBrowser *m_change;
    QTimer *m_typing;
};

} // namespace salesflow::ui
