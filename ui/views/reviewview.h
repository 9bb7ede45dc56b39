#pragma once

#include "engine/api/iengine.h"

#include <QWidget>

class QAction;
class QInputDialog;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QTextBrowser;
class QTimer;

namespace salesflow::ui {

class ReviewForm;
class ReviewQueueModel;

/// The review workbench: one item at a time. The reasons it is in review on top; the event text
/// on the left with each objection's evidence highlighted; the AI's analysis on the right as an
/// editable form, and below it what approving would write to HubSpot (IEngine::previewReview,
/// refreshed as the reviewer types). Opening an item claims it (renewed while it is open); an
/// item someone else holds says who and until when, and cannot be decided here. After a decision
/// the next item opens at once. Keys: Ctrl+Return approve, Ctrl+Backspace reject (asks for a
/// comment), Ctrl+J / Ctrl+K next / previous, Ctrl+Shift+S skip. Errors are shown in place, in
/// words; nothing here waits on the engine.
class ReviewView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewView)

public:
    ReviewView(IEngine *engine, Caller caller, QWidget *parent = nullptr);
    ~ReviewView() override;

    /// Loads the queue (again) and opens its first item when none is open.
    void activate();
    /// The change feed's news: items decided elsewhere leave, new ones join.
    void applyChanges(const ChangeSet &changes);

    QString currentId() const { return m_currentId; }
    bool canDecide() const { return m_claimed; }
    ReviewForm *form() const { return m_form; }
    ReviewQueueModel *queue() const { return m_queue; }
    QString previewText() const;
    QString problemText() const;
    QString holderText() const;
    QList<QAction *> shortcuts() const { return m_actions; }

protected:
    void hideEvent(QHideEvent *event) override;

Q_SIGNALS:
    /// An item was decided here (approved or rejected); the event's id.
    void decided(const QString &eventId, const QString &status);

private:
    void buildLayout();
    void buildActions();
    void openRow(int row);
    /// Opened because the reviewer chose the row (click, Ctrl+J/K): a holder is shown.
    void openChosen(int row);
    /// Opened for the reviewer: an item someone else holds is passed over.
    void openNextFree(int row);
    void claimed(const QString &eventId, const Result<ReviewClaim> &claim);
    void showEvent(const EventDetail &detail);
    void highlightEvidence(const QString &picked = QString());
    void schedulePreview();
    void runPreview();
    void showPreview(const QList<ActionInfo> &actions);
    void approve();
    void reject();
    void decide(const ReviewDecision &decision);
    void afterDecision(const QString &eventId, const Result<DecisionResult> &result);
    void step(int delta);
    void skip();
    void setProblem(const QString &text);
    void updateButtons();

    IEngine *m_engine;
    Caller m_caller;
    ReviewQueueModel *m_queue;
    QListView *m_list;
    QLabel *m_position;
    QLabel *m_reasons;
    QLabel *m_holder;
    QLabel *m_header;
    QTextBrowser *m_text;
    ReviewForm *m_form;
    QLineEdit *m_comment;
    QTextBrowser *m_preview;
    QLabel *m_problem;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QAction *m_approveAction = nullptr;
    QAction *m_rejectAction = nullptr;
    QTimer *m_previewDelay;
    int m_previewRetries = 0;
    /// The open item was picked for the reviewer (after a decision, on load): when someone else
    /// holds it, the next one is opened instead of showing the holder.
    bool m_skipHeld = false;
    QTimer *m_renew;
    QInputDialog *m_rejectDialog = nullptr;
    QList<QAction *> m_actions;
    QString m_currentId;
    QList<ActionInfo> m_baseline; ///< what approving unchanged would plan
    bool m_claimed = false;
    bool m_deciding = false;
    bool m_previewOk = false;
    quint64 m_generation = 0; ///< answers about an item no longer open are dropped
};

} // namespace salesflow::ui
