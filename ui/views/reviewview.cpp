#include "reviewview.h"

#include "reviewform.h"
#include "ui/models/names.h"
#include "ui/models/reviewqueuemodel.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

constexpr int kRenewMs = 120000; // claims last a few minutes; an open item keeps its claim

QString clock(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).time(), QLocale::ShortFormat);
}

/// One planned action in words, with the text a rep will read in HubSpot.
QString actionHtml(const ActionInfo &a, bool changed)
{
    const QJsonObject props
        = QJsonDocument::fromJson(a.payloadJson.toUtf8()).object().value(QStringLiteral("properties")).toObject();
    QString out
        = QStringLiteral("<h4>%1 <small>%2</small>%3</h4>")
              .arg(a.kind.toHtmlEscaped(), a.target.toHtmlEscaped(),
                   changed ? ReviewView::tr(" — <span style='color:#b26a00'>changed by your edits</span>") : QString());
    if (a.kind == QLatin1String("note"))
        return out + props.value(QStringLiteral("hs_note_body")).toString(); // the planner's escaped HTML
    if (a.kind == QLatin1String("task")) {
        return out
            + QStringLiteral("<p><b>%1</b></p><pre>%2</pre>")
                  .arg(props.value(QStringLiteral("hs_task_subject")).toString().toHtmlEscaped(),
                       props.value(QStringLiteral("hs_task_body")).toString().toHtmlEscaped());
    }
    QString rows;
    for (auto it = props.begin(); it != props.end(); ++it) {
        rows += QStringLiteral("<li>%1 = %2</li>")
                    .arg(it.key().toHtmlEscaped(), it.value().toVariant().toString().toHtmlEscaped());
    }
    return out + QStringLiteral("<ul>%1</ul>").arg(rows);
}

} // namespace

ReviewView::ReviewView(IEngine *engine, Caller caller, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_caller(caller), m_queue(new ReviewQueueModel(engine, caller, this)),
      m_list(new QListView(this)), m_position(new QLabel(this)), m_reasons(new QLabel(this)),
      m_holder(new QLabel(this)), m_header(new QLabel(this)), m_text(new QTextBrowser(this)),
      m_form(new ReviewForm(this)), m_comment(new QLineEdit(this)), m_preview(new QTextBrowser(this)),
      m_problem(new QLabel(this)), m_approve(new QPushButton(tr("&Approve"), this)),
      m_reject(new QPushButton(tr("&Reject…"), this)), m_previewDelay(new QTimer(this)), m_renew(new QTimer(this))
{
    buildLayout();
    buildActions();
    m_previewDelay->setSingleShot(true);
    m_previewDelay->setInterval(400);
    m_renew->setInterval(kRenewMs);
    connect(m_previewDelay, &QTimer::timeout, this, &ReviewView::runPreview);
    connect(m_renew, &QTimer::timeout, this, [this] {
        if (m_claimed)
            m_engine->claimReview(m_caller, m_currentId); // a lapse shows at the decision
    });
    connect(m_form, &ReviewForm::edited, this, &ReviewView::schedulePreview);
    connect(m_form, &ReviewForm::evidencePicked, this, &ReviewView::highlightEvidence);
    connect(m_list, &QListView::activated, this, [this](const QModelIndex &i) { openChosen(i.row()); });
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &i) { openChosen(i.row()); });
    connect(m_queue, &ReviewQueueModel::loaded, this, [this] {
        if (m_currentId.isEmpty() || m_queue->rowOf(m_currentId) < 0)
            openNextFree(0);
        updateButtons();
    });
    connect(m_queue, &ReviewQueueModel::loadFailed, this,
            [this](const QString &why) { setProblem(tr("The review queue could not be loaded: %1").arg(why)); });
    openRow(-1);
}

ReviewView::~ReviewView() = default;

void ReviewView::buildLayout()
{
    m_list->setModel(m_queue);
    m_list->setObjectName(QStringLiteral("reviewQueue"));
    m_list->setMinimumWidth(m_list->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 14);
    m_reasons->setWordWrap(true);
    m_reasons->setStyleSheet(QStringLiteral("QLabel { color: #b26a00; font-weight: bold; }"));
    m_holder->setWordWrap(true);
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    m_comment->setPlaceholderText(tr("Comment for the audit (optional when approving)"));
    m_preview->setMinimumHeight(m_preview->fontMetrics().lineSpacing() * 10);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->addWidget(m_form);
    rightLayout->addWidget(m_comment);
    rightLayout->addWidget(new QLabel(tr("What approving will write to HubSpot:"), right));
    rightLayout->addWidget(m_preview, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(right);
    scroll->setWidgetResizable(true);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_header);
    leftLayout->addWidget(m_text, 1);

    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("reviewSplitter"));
    split->addWidget(m_list);
    split->addWidget(left);
    split->addWidget(scroll);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 3);

    auto *top = new QHBoxLayout;
    top->addWidget(m_position);
    top->addWidget(m_reasons, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_holder);
    layout->addWidget(split, 1);
    layout->addWidget(m_problem);
}

void ReviewView::buildActions()
{
    auto *buttons = new QHBoxLayout;
    auto make = [&](const QString &text, const QKeySequence &keys, auto slot, QPushButton *button = nullptr) {
        auto *action = new QAction(text, this);
        action->setShortcut(keys);
        // Anywhere in the window, also while typing in the form; only while the workbench shows.
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
        connect(action, &QAction::triggered, this, slot);
        if (!button)
            button = new QPushButton(text, this);
        button->setToolTip(
            QStringLiteral("%1 (%2)").arg(QString(text).remove(u'&'), keys.toString(QKeySequence::NativeText)));
        connect(button, &QPushButton::clicked, action, &QAction::trigger);
        connect(action, &QAction::enabledChanged, button, &QPushButton::setEnabled);
        buttons->addWidget(button);
        m_actions << action;
        return action;
    };
    make(tr("Previous"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] { step(-1); });
    make(tr("Next"), QKeySequence(Qt::CTRL | Qt::Key_J), [this] { step(+1); });
    make(tr("Skip"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), &ReviewView::skip);
    buttons->addStretch();
    m_rejectAction = make(tr("Reject…"), QKeySequence(Qt::CTRL | Qt::Key_Backspace), &ReviewView::reject, m_reject);
    m_approveAction = make(tr("Approve"), QKeySequence(Qt::CTRL | Qt::Key_Return), &ReviewView::approve, m_approve);
    static_cast<QVBoxLayout *>(layout())->addLayout(buttons);
}

void ReviewView::activate()
{
    m_queue->reload();
    if (m_claimed)
        m_renew->start();
}

void ReviewView::hideEvent(QHideEvent *event)
{
    m_renew->stop(); // the claim lapses on its own when the reviewer has gone elsewhere
    QWidget::hideEvent(event);
}

void ReviewView::applyChanges(const ChangeSet &changes)
{
    for (const Change &c : changes.items) {
        if (c.status == EventStatus::InReview || m_queue->rowOf(c.eventId) >= 0) {
            m_queue->reload(); // merged in place: the open item and the order stay
            return;
        }
    }
}

void ReviewView::openRow(int row)
{
    ++m_generation;
    m_previewDelay->stop();
    m_renew->stop();
    m_claimed = m_previewOk = false;
    m_previewRetries = 0;
    m_baseline.clear();
    const ReviewItem *item = m_queue->item(row);
    m_currentId = item ? item->eventId : QString();
    m_form->clear();
    m_text->clear();
    m_preview->clear();
    m_comment->clear();
    m_holder->clear();
    setProblem(QString());
    if (!item) {
        m_position->setText(m_queue->rowCount() == 0 ? tr("Nothing waits for review.") : QString());
        m_reasons->clear();
        m_header->clear();
        updateButtons();
        return;
    }
    m_list->setCurrentIndex(m_queue->index(row));
    m_position->setText(tr("Item %1 of %2").arg(row + 1).arg(m_queue->rowCount()));
    m_reasons->setText(tr("In review because: %1").arg(item->reasons.join(QStringLiteral("; "))));
    m_holder->setText(tr("Claiming…"));
    updateButtons();
    const quint64 generation = m_generation;
    const QString id = m_currentId;
    m_engine->claimReview(m_caller, id).then(this, [this, generation, id](const Result<ReviewClaim> &claim) {
        if (generation == m_generation)
            claimed(id, claim);
    });
    m_engine->event(m_caller, id).then(this, [this, generation](const Result<EventDetail> &detail) {
        if (generation != m_generation)
            return;
        if (!detail)
            return setProblem(tr("The event could not be loaded: %1").arg(detail.error().message));
        showEvent(detail.value());
    });
}

void ReviewView::claimed(const QString &eventId, const Result<ReviewClaim> &claim)
{
    if (claim) {
        m_claimed = true;
        m_renew->start();
        m_holder->setText(tr("You hold this item until %1.").arg(clock(claim->untilMs)));
        m_queue->setHolder(eventId, claim->holder, claim->untilMs);
        if (isVisible() && !isAncestorOf(QApplication::focusWidget()))
            m_text->setFocus(); // the keyboard stays on the workbench from item to item
    } else if (claim.error().httpStatus == 409 && m_skipHeld && m_queue->rowOf(eventId) + 1 < m_queue->rowCount()) {
        // Opened for us, not chosen: another reviewer took it meanwhile, so on to the next one.
        openNextFree(m_queue->rowOf(eventId) + 1);
    } else if (claim.error().httpStatus == 409) {
        m_holder->setText(
            tr("Someone else is deciding this item: %1. Press Ctrl+J for the next one.").arg(claim.error().message));
    } else {
        m_holder->setText(tr("This item could not be claimed: %1").arg(claim.error().message));
    }
    updateButtons();
}

void ReviewView::showEvent(const EventDetail &d)
{
    const NormalisedInfo n = d.normalised.value_or(NormalisedInfo{});
    m_header->setText(
        tr("<b>%1</b> from %2 %3 · %4")
            .arg(n.subject.toHtmlEscaped(), n.actor.toHtmlEscaped(),
                 n.company.isEmpty() ? QString() : QStringLiteral("(%1)").arg(n.company.toHtmlEscaped()),
                 QLocale().toString(QDateTime::fromMSecsSinceEpoch(d.summary.receivedAtMs), QLocale::ShortFormat)));
    m_text->setPlainText(n.text);
    const EnrichmentInfo *ai = nullptr;
    for (auto it = d.enrichments.crbegin(); it != d.enrichments.crend() && !ai; ++it)
        ai = it->reviewedBy.isEmpty() ? &*it : nullptr;
    if (!ai)
        return setProblem(tr("This event has no analysis to review."));
    m_form->setAnalysis(*ai, n.text);
    highlightEvidence();
    runPreview(); // what approving unchanged would write: the baseline edits are compared with
}

void ReviewView::highlightEvidence(const QString &picked)
{
    QList<QTextEdit::ExtraSelection> marks;
    const QTableWidget *table = m_form->objectionTable();
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString quote = table->item(row, 1)->text().trimmed();
        const QTextCursor found = quote.isEmpty() ? QTextCursor() : m_text->document()->find(quote);
        if (found.isNull())
            continue;
        QTextEdit::ExtraSelection mark;
        mark.cursor = found;
        mark.format.setBackground(quote == picked.trimmed() ? QColor(0xff, 0xb7, 0x4d) : QColor(0xff, 0xf1, 0x76));
        marks << mark;
        if (quote == picked.trimmed()) {
            m_text->setTextCursor(found);
            m_text->ensureCursorVisible();
        }
    }
    m_text->setExtraSelections(marks);
}

namespace {

constexpr int kPreviewRetryMs = 1500;
constexpr int kPreviewRetries = 20; // then the error is shown: the server stays away

/// A failure that says nothing about the edits: an ended session (401, the app asks for the
/// password meanwhile) or a server that cannot be reached or is busy (503, 429).
bool isPassing(const Error &e)
{
    return e.httpStatus == 401 || e.httpStatus == 429 || e.httpStatus == 503;
}

} // namespace

void ReviewView::schedulePreview()
{
    m_previewOk = false;
    m_previewRetries = 0;
    highlightEvidence();
    const QStringList problems = m_form->problems();
    setProblem(problems.join(QLatin1Char('\n')));
    updateButtons();
    m_previewDelay->start();
}

void ReviewView::runPreview()
{
    if (m_currentId.isEmpty())
        return;
    const quint64 generation = m_generation;
    const QJsonObject edits = m_form->edits();
    m_engine->previewReview(m_caller, m_currentId, edits)
        .then(this, [this, generation, edits](const Result<QList<ActionInfo>> &actions) {
            if (generation != m_generation || edits != m_form->edits())
                return; // another item, or typed on meanwhile (a newer preview follows)
            if (!actions && isPassing(actions.error()) && m_previewRetries++ < kPreviewRetries) {
                // The session ended (a login is being asked for) or the server is briefly away:
                // the edits are not at fault, so the preview is asked again instead of refused.
                m_previewOk = false;
                m_preview->setHtml(tr("<i>Waiting for the server to plan these edits…</i>"));
                QTimer::singleShot(kPreviewRetryMs, this, [this, generation] {
                    if (generation == m_generation && !m_previewDelay->isActive())
                        runPreview();
                });
            } else if (!actions) {
                m_previewOk = false;
                setProblem(actions.error().message);
                m_preview->setHtml(tr("<i>Nothing can be planned with these edits.</i>"));
            } else {
                m_previewOk = true;
                if (edits.isEmpty())
                    m_baseline = actions.value();
                showPreview(actions.value());
                setProblem(m_form->problems().join(QLatin1Char('\n')));
            }
            updateButtons();
        });
}

void ReviewView::showPreview(const QList<ActionInfo> &actions)
{
    // What a rep reads first: the note and the task, then the properties and the upserts.
    const QStringList order = {QStringLiteral("note"), QStringLiteral("task"), QStringLiteral("update_contact")};
    QList<ActionInfo> sorted = actions;
    std::stable_sort(sorted.begin(), sorted.end(), [&order](const ActionInfo &a, const ActionInfo &b) {
        const auto rank = [&order](const QString &kind) { return order.contains(kind) ? order.indexOf(kind) : 9; };
        return rank(a.kind) < rank(b.kind);
    });
    QString html;
    for (const ActionInfo &a : sorted) {
        const auto same = std::find_if(m_baseline.cbegin(), m_baseline.cend(), [&](const ActionInfo &b) {
            return b.key == a.key && b.payloadJson == a.payloadJson;
        });
        html += actionHtml(a, !m_baseline.isEmpty() && same == m_baseline.cend());
    }
    m_preview->setHtml(html.isEmpty() ? tr("<i>Approving writes nothing to HubSpot.</i>") : html);
}

void ReviewView::approve()
{
    if (!m_approveAction->isEnabled())
        return;
    decide(ReviewDecision{true, m_form->edits(), m_comment->text().trimmed()});
}

void ReviewView::reject()
{
    if (!m_rejectAction->isEnabled())
        return;
    if (!m_rejectDialog) {
        m_rejectDialog = new QInputDialog(this);
        m_rejectDialog->setObjectName(QStringLiteral("rejectDialog"));
        m_rejectDialog->setWindowTitle(tr("Reject"));
        m_rejectDialog->setLabelText(tr("Why is this rejected? (goes into the audit)"));
        m_rejectDialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
        connect(m_rejectDialog, &QInputDialog::textValueSelected, this, [this](const QString &comment) {
            if (comment.trimmed().isEmpty())
                return setProblem(tr("A rejection needs a comment saying why."));
            // Only the item the dialog was opened for (the queue may have moved on meanwhile).
            if (m_rejectDialog->property("eventId").toString() != m_currentId)
                return setProblem(tr("Not rejected: another item is open now."));
            decide(ReviewDecision{false, {}, comment.trimmed()});
        });
    }
    m_rejectDialog->setProperty("eventId", m_currentId);
    m_rejectDialog->setTextValue(m_comment->text());
    m_rejectDialog->open();
}

void ReviewView::decide(const ReviewDecision &decision)
{
    m_deciding = true;
    updateButtons();
    const QString id = m_currentId;
    m_engine->decideReview(m_caller, id, decision).then(this, [this, id](const Result<DecisionResult> &r) {
        afterDecision(id, r);
    });
}

void ReviewView::afterDecision(const QString &eventId, const Result<DecisionResult> &result)
{
    m_deciding = false;
    if (!result) {
        if (eventId == m_currentId)
            setProblem(tr("Not decided: %1").arg(result.error().message));
        updateButtons();
        return;
    }
    Q_EMIT decided(eventId, result->status);
    const int row = m_queue->rowOf(eventId);
    m_queue->remove(eventId);
    if (eventId == m_currentId)
        openNextFree(qMin(row, m_queue->rowCount() - 1)); // the next item, at once
}

void ReviewView::step(int delta)
{
    const int row = m_queue->rowOf(m_currentId) + delta;
    if (row >= 0 && row < m_queue->rowCount())
        openChosen(row);
}

void ReviewView::openChosen(int row)
{
    m_skipHeld = false; // the reviewer chose it: a holder is shown, not skipped
    openRow(row);
}

void ReviewView::openNextFree(int row)
{
    m_skipHeld = true;
    openRow(row);
}

void ReviewView::skip()
{
    const QString id = m_currentId;
    const int row = m_queue->rowOf(id);
    if (row < 0 || m_queue->rowCount() < 2)
        return;
    m_queue->moveToEnd(id);
    openRow(row);
}

void ReviewView::setProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

void ReviewView::updateButtons()
{
    const bool open = !m_currentId.isEmpty() && m_claimed && !m_deciding;
    const bool clean = m_previewOk && m_form->problems().isEmpty();
    m_approveAction->setEnabled(open && clean);
    m_rejectAction->setEnabled(open);
    m_approve->setEnabled(open && clean); // also when the action's state did not change
    m_reject->setEnabled(open);
    m_form->setEnabled(!m_currentId.isEmpty() && m_claimed);
    const QString keys = QKeySequence(Qt::CTRL | Qt::Key_Return).toString(QKeySequence::NativeText);
    m_approve->setToolTip(open && !clean ? tr("Approve (%1) — first fix what is flagged below").arg(keys)
                                         : tr("Approve (%1)").arg(keys));
}

QString ReviewView::previewText() const
{
    return m_preview->toPlainText();
}

QString ReviewView::problemText() const
{
    return m_problem->text();
}

QString ReviewView::holderText() const
{
    return m_holder->text();
}

} // namespace salesflow::ui
