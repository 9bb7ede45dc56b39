#pragma once

#include "engine/api/iengine.h"

#include <QWidget>

class QChart;
class QLabel;
class QTimer;

namespace salesflow::ui {

/// View → Dashboard (Ctrl+6), drawn with Qt Charts from IEngine::dashboard: events per hour by
/// source, status counts, intent mix, decisions per day with the review queue, AI confidence vs
/// reviewer verdict (can the model's confidence be trusted?), LLM tokens and cost per day, HubSpot
/// calls per day against the budget. Live: refreshed a few seconds after the change feed reports
/// something, while it is shown.
class DashboardView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)

public:
    DashboardView(IEngine *engine, Caller caller, QWidget *parent = nullptr);

    void refresh();
    /// Something changed: refresh soon (at most every few seconds) when visible.
    void changed();
    /// The charts by title, for tests and screenshots.
    QList<QChart *> charts() const { return m_charts; }
    QString summaryText() const;

Q_SIGNALS:
    void refreshed();

private:
    void show(const Dashboard &d);
    QChart *chart(int index) const { return m_charts.value(index); }

    IEngine *m_engine;
    Caller m_caller;
    QList<QChart *> m_charts;
    QLabel *m_summary;
    QTimer *m_soon;
};

} // namespace salesflow::ui
