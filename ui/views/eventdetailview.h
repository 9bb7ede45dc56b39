#pragma once

#include "engine/api/iengine.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTextBrowser;
class QTableView;
class QTreeWidget;

namespace salesflow::ui {

class AuditModel;

/// One event's lineage as far as it goes: its story (a timeline), its fields, the raw payload
/// exactly as received, the whole lineage as JSON, the audit trail and the queued jobs. Loads
/// through IEngine without blocking.
class EventDetailView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventDetailView)

public:
    EventDetailView(IEngine *engine, Caller caller, QWidget *parent = nullptr);
    void showEvent(const QString &id);
    /// Loads the shown event again (the pipeline moved it), quietly: what is on screen stays
    /// until the new lineage replaces it.
    void refresh();
    QString currentId() const { return m_id; }
    QString rawText() const;
    QString normalisedSummary() const;
    QString enrichmentText() const;
    /// The story tab as plain text.
    QString storyText() const;
    /// The HubSpot tab's rows as "kind status" lines.
    QStringList actionRows() const;

Q_SIGNALS:
    void loaded(const QString &id);

private:
    void render(const EventDetail &d);
    void clear(const QString &message);
    void renderPayload(const QByteArray &payload);
    void renderNormalised(const EventDetail &d);
    void renderEnrichments(const EventDetail &d);
    void renderJobsAndActions(const EventDetail &d);
    QString provenanceHtml(const EnrichmentInfo &e) const;
    QString answerHtml(const EnrichmentInfo &e) const;
    QString earlierHtml(const QList<EnrichmentInfo> &all) const;

    IEngine *m_engine;
    Caller m_caller;
    QString m_id;
    QLabel *m_title;
    QLabel *m_fields;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_raw;
    QLabel *m_normalisedFields;
    QPlainTextEdit *m_normalisedText;
    QTextBrowser *m_enrichment;
    QTextBrowser *m_story;
    QPlainTextEdit *m_json;
    QTableView *m_auditView;
    AuditModel *m_audit;
    QTreeWidget *m_jobs;
    QTreeWidget *m_actions;
};

} // namespace salesflow::ui
