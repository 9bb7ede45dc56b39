#include "replayview.h"

#include "ui/models/names.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

QString shown(const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("—");
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

/// Each difference on its own line: "intent: low → high", "+ note contact:ann@…".
QString changes(const ReplayItem &item)
{
    QStringList lines;
    for (const FieldChange &f : item.fields)
        lines << QStringLiteral("%1: %2 → %3").arg(f.field, shown(f.before).left(80), shown(f.after).left(80));
    for (const ActionChange &a : item.actions) {
        const QString sign = a.change == QLatin1String("added") ? QStringLiteral("+")
            : a.change == QLatin1String("removed")              ? QStringLiteral("−")
                                                                : QStringLiteral("~");
        lines << QStringLiteral("%1 %2 %3").arg(sign, a.kind, a.target);
        for (const FieldChange &p : a.properties)
            lines << QStringLiteral("    %1: %2 → %3").arg(p.field, shown(p.before).left(60), shown(p.after).left(60));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

ReplayView::ReplayView(IEngine *engine, Caller caller, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_caller(std::move(caller)), m_selection(new QLabel(this)),
      m_status(new QComboBox(this)), m_source(new QComboBox(this)), m_period(new QComboBox(this)),
      m_stage(new QComboBox(this)), m_prompt(new QSpinBox(this)), m_dry(new QPushButton(tr("&Dry run"), this)),
      m_run(new QPushButton(tr("&Run…"), this)), m_replays(new QTreeWidget(this)),
      m_onlyChanged(new QCheckBox(tr("Only events that change"), this)), m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("&Cancel replay"), this)), m_items(new QTreeWidget(this)),
      m_message(new QLabel(this)), m_poll(new QTimer(this))
{
    m_replays->setHeaderLabels(
        {tr("Started"), tr("By"), tr("Kind"), tr("Status"), tr("Done"), tr("Changed"), tr("Failed"), tr("Cost")});
    m_replays->setRootIsDecorated(false);
    m_items->setHeaderLabels({tr("Event"), tr("State"), tr("From"), tr("What changes"), tr("Note")});
    m_items->setRootIsDecorated(false);
    m_items->setWordWrap(true);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    for (const auto &[column, width] : {std::pair{0, 16}, std::pair{1, 5}, std::pair{2, 6}, std::pair{3, 46}})
        m_items->setColumnWidth(column, width * em);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_onlyChanged);
    progressRow->addWidget(m_cancel);
    auto *lower = new QWidget(this);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addLayout(progressRow);
    lowerLayout->addWidget(m_items, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_replays);
    split->addWidget(lower);
    split->setStretchFactor(1, 2);
    m_message->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildForm());
    layout->addWidget(split, 1);
    layout->addWidget(m_message);

    const bool admin = m_caller.role == Role::Admin;
    for (QPushButton *b : {m_dry, m_run, m_cancel}) {
        b->setEnabled(admin);
        if (!admin)
            b->setToolTip(tr("Only admins can replay events; you are %1.").arg(roleName(m_caller.role)));
    }
    m_cancel->setEnabled(false);
    m_poll->setInterval(1000);
    connect(m_poll, &QTimer::timeout, this, [this] {
        loadReplays();
        if (!m_shown.isEmpty())
            showReplay(m_shown);
    });
    connect(m_dry, &QPushButton::clicked, this, [this] { start(true); });
    connect(m_run, &QPushButton::clicked, this, [this] { start(false); });
    connect(m_replays, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            showReplay(item->data(0, Qt::UserRole).toString());
    });
    connect(m_onlyChanged, &QCheckBox::toggled, this, [this] { showReplay(m_shown); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_engine->cancelReplay(m_caller, m_shown).then(this, [this](const Result<ReplayInfo> &r) {
            setStatus(r ? tr("Cancelled after the batch in hand.") : tr("Not cancelled: %1").arg(r.error().message),
                      !r);
        });
    });
}

QWidget *ReplayView::buildForm()
{
    auto *form = new QWidget(this);
    m_status->addItem(tr("any status"), QString());
    for (const QString &s : Names::statuses())
        m_status->addItem(Names::status(s), s);
    m_source->addItem(tr("any source"), QString());
    for (const QString &s : Names::sources())
        m_source->addItem(Names::source(s), s);
    for (const auto &[label, hours] : {std::pair{tr("any time"), 0}, std::pair{tr("the last hour"), 1},
                                       std::pair{tr("the last 24 hours"), 24}, std::pair{tr("the last 7 days"), 168}})
        m_period->addItem(label, hours);
    m_stage->addItem(tr("where each failed (else normalise)"), QString());
    for (const char *s : {"normalise", "enrich", "plan", "write"})
        m_stage->addItem(QLatin1String(s), QLatin1String(s));
    m_prompt->setRange(0, 9999);
    m_prompt->setSpecialValueText(tr("the active version"));
    auto *filters = new QHBoxLayout;
    for (QWidget *w :
         {static_cast<QWidget *>(m_status), static_cast<QWidget *>(m_source), static_cast<QWidget *>(m_period)})
        filters->addWidget(w);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_dry);
    buttons->addWidget(m_run);
    buttons->addStretch();
    m_useFilter = new QPushButton(tr("Use the filter instead"), form);
    connect(m_useFilter, &QPushButton::clicked, this, [this] { setEvents({}); });
    auto *which = new QHBoxLayout;
    which->addWidget(m_selection);
    which->addWidget(m_useFilter);
    which->addStretch();
    auto *layout = new QFormLayout(form);
    layout->addRow(tr("Events:"), which);
    layout->addRow(tr("Filter:"), filters);
    layout->addRow(tr("From stage:"), m_stage);
    layout->addRow(tr("Prompt version:"), m_prompt);
    layout->addRow(QString(), buttons);
    setEvents({});
    return form;
}

void ReplayView::activate()
{
    loadReplays();
}

void ReplayView::setEvents(const QStringList &ids)
{
    m_events = ids;
    m_selection->setText(ids.isEmpty() ? tr("those matching the filter below")
                                       : tr("the %n selected event(s)", nullptr, int(ids.size())));
    m_useFilter->setVisible(!ids.isEmpty());
    for (QComboBox *c : {m_status, m_source, m_period})
        c->setEnabled(ids.isEmpty());
}

void ReplayView::setStatusFilter(const QString &status)
{
    m_status->setCurrentIndex(qMax(0, m_status->findData(status)));
}

ReplayRequest ReplayView::request(bool dryRun) const
{
    ReplayRequest r;
    r.eventIds = m_events;
    if (m_events.isEmpty()) {
        r.status = m_status->currentData().toString();
        r.source = m_source->currentData().toString();
        if (const int hours = m_period->currentData().toInt(); hours > 0)
            r.sinceMs = QDateTime::currentMSecsSinceEpoch() - qint64(hours) * 3600 * 1000;
    }
    r.fromStage = m_stage->currentData().toString();
    r.promptVersion = m_prompt->value();
    r.dryRun = dryRun;
    return r;
}

void ReplayView::start(bool dryRun)
{
    if (dryRun)
        return startNow(true);
    // A real replay re-runs the pipeline and may write to HubSpot: asked once more.
    auto *ask
        = new QMessageBox(QMessageBox::Question, tr("Run the replay"),
                          tr("Replay %1 for real? Planned HubSpot changes will be written.").arg(m_selection->text()),
                          QMessageBox::Yes | QMessageBox::Cancel, this);
    ask->setObjectName(QStringLiteral("runConfirm"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QMessageBox::finished, this, [this](int answer) {
        if (answer == QMessageBox::Yes)
            startNow(false);
    });
    ask->open();
}

void ReplayView::startNow(bool dryRun)
{
    m_engine->startReplay(m_caller, request(dryRun)).then(this, [this, dryRun](const Result<ReplayInfo> &r) {
        if (!r)
            return setStatus(tr("Not started: %1").arg(r.error().message), true);
        setStatus(dryRun ? tr("Dry run of %n event(s) started; nothing will change.", nullptr, int(r->total))
                         : tr("Replay of %n event(s) started.", nullptr, int(r->total)));
        m_shown = r->id;
        loadReplays();
        showReplay(r->id);
    });
}

void ReplayView::loadReplays()
{
    m_engine->replays(m_caller, 50, QString()).then(this, [this](const Result<QList<ReplayInfo>> &list) {
        if (!list)
            return setStatus(tr("The replays could not be loaded: %1").arg(list.error().message), true);
        QSignalBlocker block(m_replays);
        m_replays->clear();
        bool running = false;
        for (const ReplayInfo &r : list.value()) {
            auto *item = new QTreeWidgetItem(
                {QLocale().toString(QDateTime::fromMSecsSinceEpoch(r.createdAtMs), QLocale::ShortFormat), r.requestedBy,
                 r.request.dryRun ? tr("dry run") : tr("replay"), r.status,
                 QStringLiteral("%1/%2").arg(r.done).arg(r.total), QString::number(r.changed),
                 QString::number(r.failed), QLocale().toString(r.costUsd, 'f', 4)});
            item->setData(0, Qt::UserRole, r.id);
            m_replays->addTopLevelItem(item);
            if (r.id == m_shown)
                m_replays->setCurrentItem(item);
            running = running || r.status == QLatin1String("running") || r.status == QLatin1String("selecting");
        }
        if (running && !m_poll->isActive())
            m_poll->start();
        else if (!running)
            m_poll->stop();
    });
}

void ReplayView::showReplay(const QString &id)
{
    if (id.isEmpty())
        return;
    m_shown = id;
    ReplayItemQuery q;
    q.limit = 500;
    q.onlyChanged = m_onlyChanged->isChecked();
    m_engine->replay(m_caller, id, q).then(this, [this, id](const Result<ReplayPage> &page) {
        if (id != m_shown)
            return;
        if (!page)
            return setStatus(tr("The replay could not be read: %1").arg(page.error().message), true);
        showItems(page.value());
    });
}

void ReplayView::showItems(const ReplayPage &page)
{
    const ReplayInfo &r = page.replay;
    m_shownStatus = r.status;
    m_progress->setMaximum(int(qMax<qint64>(1, r.total)));
    m_progress->setValue(int(r.done));
    m_progress->setFormat(
        tr("%1: %2 of %3, %4 changed, %5 failed").arg(r.status).arg(r.done).arg(r.total).arg(r.changed).arg(r.failed));
    const bool running = r.status == QLatin1String("running") || r.status == QLatin1String("selecting");
    m_cancel->setEnabled(running && m_caller.role == Role::Admin);
    m_items->clear();
    for (const ReplayItem &i : page.items) {
        m_items->addTopLevelItem(
            new QTreeWidgetItem({i.eventId, i.state, i.fromStage, changes(i), i.error.isEmpty() ? i.note : i.error}));
    }
    if (running && !m_poll->isActive())
        m_poll->start();
}

void ReplayView::setStatus(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #c62828; }") : QString());
}

QString ReplayView::statusText() const
{
    return m_message->text();
}

} // namespace salesflow::ui
