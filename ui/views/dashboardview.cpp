#include "dashboardview.h"

#include "ui/models/names.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QPercentBarSeries>
#include <QPieSeries>
#include <QStackedBarSeries>
#include <QTimer>
#include <QVBoxLayout>

#include <QValueAxis>
#include <cmath>

namespace salesflow::ui {

namespace {

QString hourLabel(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().time(), QStringLiteral("HH"));
}

QString dayLabel(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date(), QStringLiteral("d MMM"));
}

/// Replaces the chart's series and axes.
void reset(QChart *c)
{
    c->removeAllSeries();
    for (QAbstractAxis *a : c->axes()) {
        c->removeAxis(a);
        delete a;
    }
}

/// A stacked bar per bucket, one set per key (sources, decisions), labelled by `label`.
void stacked(QChart *c, const QList<SeriesPoint> &points, const QStringList &keys,
             const std::function<QString(const QString &)> &name, QString (*label)(qint64), bool percent = false)
{
    reset(c);
    QAbstractBarSeries *series = percent ? static_cast<QAbstractBarSeries *>(new QPercentBarSeries)
                                         : static_cast<QAbstractBarSeries *>(new QStackedBarSeries);
    QStringList categories;
    for (const SeriesPoint &p : points)
        categories << label(p.atMs);
    for (const QString &k : keys) {
        auto *set = new QBarSet(name(k));
        for (const SeriesPoint &p : points)
            *set << p.values.value(k);
        series->append(set);
    }
    c->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    c->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    // Whole numbers on the axis: a tick per unit for small counts, nice round steps above.
    double top = percent ? 100 : 0;
    for (int i = 0; !percent && i < int(points.size()); ++i) {
        double sum = 0;
        for (const QString &k : keys)
            sum += points[i].values.value(k);
        top = qMax(top, sum);
    }
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->setRange(0, qMax(1.0, std::ceil(top)));
    if (top <= 5)
        y->setTickCount(int(qMax(1.0, std::ceil(top))) + 1);
    else
        y->applyNiceNumbers();
    c->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
}

QStringList keysOf(const QList<SeriesPoint> &points)
{
    QStringList keys;
    for (const SeriesPoint &p : points) {
        for (auto it = p.values.cbegin(); it != p.values.cend(); ++it) {
            if (!keys.contains(it.key()))
                keys << it.key();
        }
    }
    return keys;
}

void pie(QChart *c, const QMap<QString, qint64> &counts, const std::function<QString(const QString &)> &name)
{
    reset(c);
    auto *series = new QPieSeries;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > 0)
            series->append(QStringLiteral("%1 (%2)").arg(name(it.key())).arg(it.value()), double(it.value()));
    }
    c->addSeries(series);
}

} // namespace

DashboardView::DashboardView(IEngine *engine, Caller caller, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_caller(std::move(caller)), m_summary(new QLabel(this)),
      m_soon(new QTimer(this))
{
    const QStringList titles = {tr("Events per hour, by source"),
                                tr("Events by status"),
                                tr("Intent of the AI's answers"),
                                tr("Review decisions per day"),
                                tr("AI confidence vs reviewer verdict"),
                                tr("LLM tokens per day"),
                                tr("HubSpot calls per day")};
    auto *grid = new QGridLayout;
    for (int i = 0; i < titles.size(); ++i) {
        auto *c = new QChart;
        c->setTitle(titles[i]);
        c->legend()->setAlignment(Qt::AlignBottom);
        auto *view = new QChartView(c, this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(220);
        grid->addWidget(view, i / 3, i % 3);
        m_charts << c;
    }
    m_summary->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(grid, 1);
    m_soon->setSingleShot(true);
    m_soon->setInterval(3000);
    connect(m_soon, &QTimer::timeout, this, &DashboardView::refresh);
}

void DashboardView::changed()
{
    if (isVisible() && !m_soon->isActive())
        m_soon->start();
}

void DashboardView::refresh()
{
    m_engine->dashboard(m_caller, 0).then(this, [this](const Result<Dashboard> &d) {
        if (!d)
            return m_summary->setText(tr("The dashboard could not be loaded: %1").arg(d.error().message));
        show(d.value());
        Q_EMIT refreshed();
    });
}

void DashboardView::show(const Dashboard &d)
{
    stacked(chart(0), d.eventsPerHour, keysOf(d.eventsPerHour), &Names::source, &hourLabel);
    QMap<QString, qint64> statuses;
    for (auto it = d.byStatus.cbegin(); it != d.byStatus.cend(); ++it)
        statuses.insert(it.key(), it.value());
    pie(chart(1), statuses, &Names::status);
    pie(chart(2), d.intents, &Names::intent);
    stacked(
        chart(3), d.decisionsPerDay, {QStringLiteral("approved"), QStringLiteral("rejected")},
        [](const QString &k) { return k == QLatin1String("approved") ? tr("approved") : tr("rejected"); }, &dayLabel);
    QList<SeriesPoint> bands;
    for (const ConfidenceBand &b : d.confidenceVsVerdict) {
        bands.append(SeriesPoint{qint64(b.from * 100),
                                 {{QStringLiteral("unchanged"), double(b.approvedUnchanged)},
                                  {QStringLiteral("edited"), double(b.approvedEdited)},
                                  {QStringLiteral("rejected"), double(b.rejected)}}});
    }
    stacked(
        chart(4), bands, {QStringLiteral("unchanged"), QStringLiteral("edited"), QStringLiteral("rejected")},
        [](const QString &k) {
            return k == QLatin1String("unchanged") ? tr("approved unchanged")
                : k == QLatin1String("edited")     ? tr("approved with edits")
                                                   : tr("rejected");
        },
        [](qint64 from) {
            return QStringLiteral("%1–%2").arg(double(from) / 100, 0, 'f', 1).arg(double(from + 20) / 100, 0, 'f', 1);
        },
        true);
    stacked(
        chart(5), d.llmPerDay, {QStringLiteral("input_tokens"), QStringLiteral("output_tokens")},
        [](const QString &k) { return k == QLatin1String("input_tokens") ? tr("input") : tr("output"); }, &dayLabel);
    stacked(
        chart(6), d.hubspotCallsPerDay, {QStringLiteral("calls")}, [](const QString &) { return tr("calls"); },
        &dayLabel);
    double cost = 0;
    for (const SeriesPoint &p : d.llmPerDay)
        cost += p.values.value(QStringLiteral("cost_usd"));
    m_summary->setText(tr("Since %1: review queue %2 · LLM cost %3 USD · HubSpot calls today %4 of %5 (%6 left)")
                           .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(d.sinceMs), QLocale::ShortFormat))
                           .arg(d.reviewQueue)
                           .arg(QLocale().toString(cost, 'f', 4))
                           .arg(d.hubspotCallsToday)
                           .arg(d.hubspotDailyBudget)
                           .arg(qMax<qint64>(0, d.hubspotDailyBudget - d.hubspotCallsToday)));
}

QString DashboardView::summaryText() const
{
    return m_summary->text();
}

} // namespace salesflow::ui
