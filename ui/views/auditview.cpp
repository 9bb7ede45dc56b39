#include "auditview.h"

#include "ui/models/auditlogmodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

QString shown(const QJsonValue &v)
{
    if (v.isObject() || v.isArray()) {
        const QJsonDocument d = v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(v.toArray());
        return QString::fromUtf8(d.toJson(QJsonDocument::Compact)).toHtmlEscaped();
    }
    return v.toVariant().toString().toHtmlEscaped();
}

/// Before → after, field by field when both are JSON objects (an analysis, a prompt), else as text.
QString changeHtml(const AuditEntry &a)
{
    const QJsonObject before = QJsonDocument::fromJson(a.before.toUtf8()).object();
    const QJsonObject after = QJsonDocument::fromJson(a.after.toUtf8()).object();
    QString rows;
    if (!before.isEmpty() || !after.isEmpty()) {
        QStringList keys = before.keys() + after.keys();
        keys.removeDuplicates();
        for (const QString &k : std::as_const(keys)) {
            if (before.value(k) == after.value(k))
                continue;
            rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td></tr>")
                        .arg(k.toHtmlEscaped(), shown(before.value(k)), shown(after.value(k)));
        }
    } else if (!a.before.isEmpty() || !a.after.isEmpty()) {
        rows = QStringLiteral("<tr><td></td><td>%1</td><td>%2</td></tr>")
                   .arg(a.before.toHtmlEscaped(), a.after.toHtmlEscaped());
    }
    QString html = QStringLiteral("<p><b>%1</b> — %2 · %3</p>")
                       .arg(AuditLogModel::describe(a).toHtmlEscaped(), a.actor.toHtmlEscaped(),
                            QLocale().toString(QDateTime::fromMSecsSinceEpoch(a.atMs), QLocale::LongFormat));
    if (!rows.isEmpty()) {
        html += QStringLiteral("<table cellspacing='6'><tr><th></th><th>%1</th><th>%2</th></tr>%3</table>")
                    .arg(AuditView::tr("Before"), AuditView::tr("After"), rows);
    }
    if (!a.detail.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(a.detail.toHtmlEscaped());
    return html;
}

} // namespace

AuditView::AuditView(IEngine *engine, Caller caller, QWidget *parent)
    : QWidget(parent), m_model(new AuditLogModel(engine, std::move(caller), this)), m_actor(new QLineEdit(this)),
      m_action(new QComboBox(this)), m_event(new QLineEdit(this)), m_period(new QComboBox(this)),
      m_table(new QTableView(this)), m_change(new QTextBrowser(this)), m_typing(new QTimer(this))
{
    m_actor->setPlaceholderText(tr("Who (e.g. user:rita)"));
    m_event->setPlaceholderText(tr("Event id"));
    m_action->addItem(tr("Any action"), QString());
    for (const char *a : {"transition", "review.approve", "review.reject", "prompt.create", "prompt.activate",
                          "prompt.test", "replay.start", "replay.cancel", "replay.finish"}) {
        m_action->addItem(AuditLogModel::describe(AuditEntry{0, {}, {}, QLatin1String(a), {}, {}, {}, 0}),
                          QLatin1String(a));
    }
    m_action->setItemText(1, tr("Status changes"));
    for (const auto &[label, hours] :
         {std::pair{tr("Any time"), 0}, std::pair{tr("In the last hour"), 1}, std::pair{tr("In the last 24 hours"), 24},
          std::pair{tr("In the last 7 days"), 168}})
        m_period->addItem(label, hours);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_actor);
    filters->addWidget(m_action);
    filters->addWidget(m_event);
    filters->addWidget(m_period);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    for (const auto &[column, width] : {std::pair{0, 9}, std::pair{1, 10}, std::pair{2, 14}, std::pair{3, 18}})
        m_table->setColumnWidth(column, width * em);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_change);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    m_typing->setSingleShot(true);
    m_typing->setInterval(300);
    connect(m_typing, &QTimer::timeout, this, &AuditView::applyFilter);
    for (QLineEdit *e : {m_actor, m_event})
        connect(e, &QLineEdit::textChanged, m_typing, qOverload<>(&QTimer::start));
    for (QComboBox *c : {m_action, m_period})
        connect(c, &QComboBox::currentIndexChanged, this, &AuditView::applyFilter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &i) { showChange(i.row()); });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        const QString id = i.data(AuditLogModel::EventIdRole).toString();
        if (!id.isEmpty())
            Q_EMIT openEvent(id);
    });
    applyFilter();
}

void AuditView::setActorFilter(const QString &actor)
{
    m_actor->setText(actor);
    applyFilter();
}

void AuditView::setEventFilter(const QString &eventId)
{
    m_event->setText(eventId);
    applyFilter();
}

void AuditView::applyFilter()
{
    m_typing->stop();
    AuditQuery q;
    q.actor = m_actor->text().trimmed();
    q.action = m_action->currentData().toString();
    q.eventId = m_event->text().trimmed();
    if (const int hours = m_period->currentData().toInt(); hours > 0)
        q.sinceMs = QDateTime::currentMSecsSinceEpoch() - qint64(hours) * 3600 * 1000;
    m_change->clear();
    m_model->setFilter(q);
}

void AuditView::showChange(int row)
{
    const AuditEntry *a = m_model->entry(row);
    m_change->setHtml(a ? changeHtml(*a) : QString());
}

QString AuditView::changeText() const
{
    return m_change->toPlainText();
}

} // namespace salesflow::ui
