#include "eventdetailview.h"

#include "eventstory.h"

#include "engine/api/json.h"
#include "ui/models/auditmodel.h"
#include "ui/models/names.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStringDecoder>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salesflow::ui {

EventDetailView::EventDetailView(IEngine *engine, Caller caller, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_caller(std::move(caller)), m_title(new QLabel(this)),
      m_fields(new QLabel(this)), m_tabs(new QTabWidget(this)), m_raw(new QPlainTextEdit(this)),
      m_normalisedFields(new QLabel(this)), m_normalisedText(new QPlainTextEdit(this)),
      m_enrichment(new QTextBrowser(this)), m_story(new QTextBrowser(this)), m_json(new QPlainTextEdit(this)),
      m_auditView(new QTableView(this)), m_audit(new AuditModel(this)), m_jobs(new QTreeWidget(this)),
      m_actions(new QTreeWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fields->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fields->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addWidget(m_fields);
    layout->addWidget(m_tabs, 1);

    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_tabs->addTab(m_raw, tr("Raw payload"));

    auto *normalised = new QWidget(this);
    auto *nl = new QVBoxLayout(normalised);
    m_normalisedFields->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_normalisedFields->setWordWrap(true);
    m_normalisedText->setReadOnly(true);
    nl->addWidget(m_normalisedFields);
    nl->addWidget(m_normalisedText, 1);
    m_tabs->insertTab(0, normalised, tr("Normalised"));
    m_enrichment->setOpenLinks(false);
    m_tabs->insertTab(1, m_enrichment, tr("AI analysis"));

    m_auditView->setModel(m_audit);
    m_auditView->horizontalHeader()->setStretchLastSection(true);
    m_auditView->verticalHeader()->hide();
    m_auditView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tabs->addTab(m_auditView, tr("Audit trail"));

    m_jobs->setHeaderLabels({tr("Stage"), tr("Attempts"), tr("Runs after"), tr("Leased by"), tr("Last error")});
    m_jobs->setRootIsDecorated(false);
    m_tabs->addTab(m_jobs, tr("Jobs"));
    m_actions->setHeaderLabels(
        {tr("Action"), tr("Status"), tr("HubSpot id"), tr("Attempts"), tr("Last answer"), tr("Read back"), tr("Note")});
    m_actions->setRootIsDecorated(false);
    m_tabs->insertTab(2, m_actions, tr("HubSpot"));
    m_story->setOpenLinks(false);
    m_tabs->insertTab(0, m_story, tr("Story"));
    m_json->setReadOnly(true);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_json, tr("JSON"));
    connect(m_story, &QTextBrowser::anchorClicked, this, [this](const QUrl &link) {
        m_tabs->setCurrentWidget(link.fragment() == QLatin1String("json") ? static_cast<QWidget *>(m_json) : m_raw);
    });
    // Reviewers live on one tab (usually the story or the analysis): keep it across events and sessions.
    m_tabs->setCurrentIndex(qBound(0, QSettings().value(QStringLiteral("detail/page"), 0).toInt(), 3));
    connect(m_tabs, &QTabWidget::currentChanged, this, [](int index) {
        if (index <= 3) // Story, Normalised, AI analysis, HubSpot
            QSettings().setValue(QStringLiteral("detail/page"), index);
    });

    clear(tr("Select an event to see its payload and audit trail."));
}

QString EventDetailView::rawText() const
{
    return m_raw->toPlainText();
}

QStringList EventDetailView::actionRows() const
{
    QStringList rows;
    for (int i = 0; i < m_actions->topLevelItemCount(); ++i)
        rows << m_actions->topLevelItem(i)->text(0) + QLatin1Char(' ') + m_actions->topLevelItem(i)->text(1);
    return rows;
}

QString EventDetailView::storyText() const
{
    return m_story->toPlainText();
}

QString EventDetailView::enrichmentText() const
{
    return m_enrichment->toPlainText();
}

QString EventDetailView::normalisedSummary() const
{
    return m_normalisedFields->text() + QLatin1Char('\n') + m_normalisedText->toPlainText();
}

void EventDetailView::clear(const QString &message)
{
    m_title->setText(message);
    m_fields->clear();
    m_raw->clear();
    m_normalisedFields->clear();
    m_normalisedText->clear();
    m_enrichment->clear();
    m_story->clear();
    m_json->clear();
    m_audit->setEntries({});
    m_jobs->clear();
    m_actions->clear();
}

void EventDetailView::showEvent(const QString &id)
{
    if (id == m_id && !id.isEmpty())
        return refresh(); // the same event again: keep it on screen while it reloads
    m_id = id;
    if (id.isEmpty()) {
        clear(tr("Select an event to see its payload and audit trail."));
        return;
    }
    clear(tr("Loading event %1…").arg(id)); // never another event's story under this title
    refresh();
}

void EventDetailView::refresh()
{
    const QString id = m_id;
    if (id.isEmpty())
        return;
    m_engine->event(m_caller, id).then(this, [this, id](const Result<EventDetail> &d) {
        if (id != m_id)
            return; // another event was selected meanwhile
        if (!d) {
            clear(tr("Could not load event %1: %2").arg(id, d.error().message));
            return;
        }
        render(d.value());
        Q_EMIT loaded(id);
    });
}

void EventDetailView::render(const EventDetail &d)
{
    const EventSummary &s = d.summary;
    m_title->setText(tr("%1 — %2").arg(Names::source(s.source), Names::status(s.status)));
    QString fields
        = tr("Id: %1\nReceived: %2\nContent type: %3 (%4)\nDedup key: %5")
              .arg(s.id, QLocale().toString(QDateTime::fromMSecsSinceEpoch(s.receivedAtMs), QLocale::LongFormat),
                   s.contentType, QLocale().formattedDataSize(s.sizeBytes), s.dedupKey);
    if (!s.lastError.isEmpty())
        fields += QLatin1Char('\n') + tr("Failed in stage %1: %2").arg(s.failedStage, s.lastError);
    m_fields->setText(fields);
    renderPayload(d.payload);
    renderNormalised(d);
    renderEnrichments(d);
    m_story->setHtml(EventStory::html(d));
    m_json->setPlainText(QString::fromUtf8(QJsonDocument(json::toJson(d)).toJson(QJsonDocument::Indented)));
    m_audit->setEntries(d.audit);
    renderJobsAndActions(d);
}

void EventDetailView::renderPayload(const QByteArray &payload)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8.decode(payload);
    if (!utf8.hasError()) {
        m_raw->setPlainText(text);
        return;
    }
    // Not UTF-8: show the bytes, never a lossy conversion of them.
    QString dump
        = tr("Binary or non-UTF-8 payload, %n byte(s); hexadecimal:", nullptr, int(payload.size())) + QLatin1Char('\n');
    for (qsizetype i = 0; i < payload.size() && i < 64 * 1024; i += 16)
        dump += QString::fromLatin1(payload.mid(i, 16).toHex(' ')) + QLatin1Char('\n');
    m_raw->setPlainText(dump);
}

void EventDetailView::renderNormalised(const EventDetail &d)
{
    if (!d.normalised) {
        m_normalisedFields->setText(
            d.summary.status == EventStatus::Failed
                ? tr("Not normalised: the %1 stage failed (see above).").arg(d.summary.failedStage)
                : tr("Not normalised yet."));
        m_normalisedText->clear();
        return;
    }
    const NormalisedInfo &n = *d.normalised;
    auto orDash = [](const QString &s) { return s.isEmpty() ? QStringLiteral("—") : s; };
    const bool linked = !n.contactKey.isEmpty() || !n.companyKey.isEmpty() || !n.dealKey.isEmpty();
    m_normalisedFields->setText(
        tr("Kind: %1\nOccurred: %2\nWho: %3\nCompany: %4\nSubject: %5\nLinked: %6")
            .arg(n.kind, QLocale().toString(QDateTime::fromMSecsSinceEpoch(n.occurredAtMs), QLocale::LongFormat),
                 orDash(n.actor), orDash(n.company), orDash(n.subject),
                 linked ? tr("contact %1, company %2, deal %3")
                              .arg(orDash(n.contactKey), orDash(n.companyKey), orDash(n.dealKey))
                        : tr("unlinked — no usable email, domain or deal reference")));
    m_normalisedText->setPlainText(n.text);
}

void EventDetailView::renderJobsAndActions(const EventDetail &d)
{
    m_jobs->clear();
    for (const JobInfo &j : d.jobs) {
        m_jobs->addTopLevelItem(
            new QTreeWidgetItem({j.stage, QString::number(j.attempts),
                                 QLocale().toString(QDateTime::fromMSecsSinceEpoch(j.runAfterMs), QLocale::ShortFormat),
                                 j.leaseOwner.isEmpty() ? tr("(waiting)") : j.leaseOwner, j.lastError}));
    }
    if (d.jobs.isEmpty())
        m_jobs->addTopLevelItem(new QTreeWidgetItem({tr("(no queued jobs)")}));
    m_actions->clear();
    for (const ActionInfo &a : d.actions) {
        auto *item = new QTreeWidgetItem({a.kind, a.status, a.hubspotId, QString::number(a.attempts),
                                          a.lastResponseCode ? QString::number(a.lastResponseCode) : QString(),
                                          a.verified, a.lastError});
        item->setToolTip(0, a.key);
        item->setToolTip(6, a.lastError);
        m_actions->addTopLevelItem(item);
    }
    if (d.actions.isEmpty())
        m_actions->addTopLevelItem(new QTreeWidgetItem({tr("(nothing planned)")}));
}

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

/// A bold heading over a bulleted list; the items are HTML already.
QString listHtml(const QString &title, const QString &items)
{
    return QStringLiteral("<p><b>%1</b></p><ul>%2</ul>").arg(esc(title), items);
}

QString itemsHtml(const QStringList &lines)
{
    QString items;
    for (const QString &l : lines)
        items += QStringLiteral("<li>%1</li>").arg(esc(l));
    return items;
}

} // namespace

void EventDetailView::renderEnrichments(const EventDetail &d)
{
    if (d.enrichments.isEmpty()) {
        const QString why = d.summary.status == EventStatus::Failed && d.summary.failedStage == QLatin1String("enrich")
            ? tr("The enrich stage failed: %1").arg(d.summary.lastError)
            : d.summary.status == EventStatus::Done ? tr("Nothing to analyse: this event is CRM context only.")
                                                    : tr("Not analysed yet.");
        m_enrichment->setHtml(QStringLiteral("<p>%1</p>").arg(why.toHtmlEscaped()));
        return;
    }
    const EnrichmentInfo &e = d.enrichments.last();
    QString html = provenanceHtml(e);
    if (!e.reviewReasons.isEmpty())
        html += listHtml(tr("Needs review (%1):").arg(e.reviewState), itemsHtml(e.reviewReasons));
    html += e.outcome == QLatin1String("ok")
        ? answerHtml(e)
        : QStringLiteral("<p>%1</p><p style=\"white-space: pre-wrap\"><tt>%2</tt></p>")
              .arg(esc(tr("The model's answer (%1):").arg(e.outcome)), esc(e.rawOutput.left(4000)));
    if (!e.validationNotes.isEmpty())
        html += listHtml(tr("Corrected by validation"), itemsHtml(e.validationNotes));
    if (d.enrichments.size() > 1)
        html += earlierHtml(d.enrichments);
    m_enrichment->setHtml(html);
}

/// Provenance first: who produced this, with which prompt, at what cost.
QString EventDetailView::provenanceHtml(const EnrichmentInfo &e) const
{
    const QString cost = e.costUsd ? QLocale().toString(*e.costUsd, 'f', 5) + QStringLiteral(" USD")
                                   : tr("unknown (no price for this model)");
    return QStringLiteral("<p><small>%1</small></p>")
        .arg(esc(tr("By %1 / %2 with prompt %3 v%4 · %5 ms · tokens in %6 (cached %7), out %8 · cost %9 · "
                    "calls %10, retries %11%12")
                     .arg(e.provider, e.model, e.promptName)
                     .arg(e.promptVersion)
                     .arg(e.latencyMs)
                     .arg(e.inputTokens)
                     .arg(e.cachedTokens)
                     .arg(e.outputTokens)
                     .arg(cost)
                     .arg(e.llmCalls)
                     .arg(e.httpRetries)
                     .arg(e.requestId.isEmpty() ? QString() : tr(" · request %1").arg(e.requestId))));
}

QString EventDetailView::answerHtml(const EnrichmentInfo &e) const
{
    static const QHash<QString, const char *> intents = {{QStringLiteral("high"), QT_TR_NOOP("high")},
                                                         {QStringLiteral("medium"), QT_TR_NOOP("medium")},
                                                         {QStringLiteral("low"), QT_TR_NOOP("low")},
                                                         {QStringLiteral("none"), QT_TR_NOOP("none")}};
    QString html = QStringLiteral("<p>%1</p>").arg(esc(e.summary));
    html += QStringLiteral("<p>%1</p>")
                .arg(esc(tr("Intent: %1 · Lead quality: %2/100 · Lead score change: %3 · Confidence: %4")
                             .arg(tr(intents.value(e.intent, "?")))
                             .arg(e.leadQuality)
                             .arg(e.leadScoreChange > 0 ? QStringLiteral("+%1").arg(e.leadScoreChange)
                                                        : QString::number(e.leadScoreChange))
                             .arg(QLocale().toString(e.confidence, 'f', 2))));
    if (e.objections.isEmpty()) {
        html += QStringLiteral("<p>%1</p>").arg(esc(tr("No objections found.")));
    } else {
        QString items;
        for (const ObjectionInfo &o : e.objections)
            items += QStringLiteral("<li><b>%1</b>: “%2”</li>").arg(esc(o.category), esc(o.evidence));
        html += listHtml(tr("Objections"), items);
    }
    html += QStringLiteral("<p><b>%1</b> %2</p>").arg(esc(tr("Next action:")), esc(e.nextAction));
    html += QStringLiteral("<p><b>%1</b> %2</p><p style=\"white-space: pre-wrap\">%3</p>")
                .arg(esc(tr("Follow-up email:")), esc(e.followUpSubject), esc(e.followUpBody));
    return html;
}

/// The analyses before the last, newest first.
QString EventDetailView::earlierHtml(const QList<EnrichmentInfo> &all) const
{
    QStringList lines;
    for (qsizetype i = all.size() - 2; i >= 0; --i) {
        const EnrichmentInfo &old = all[i];
        lines << tr("%1: %2 / %3, prompt v%4, %5")
                     .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(old.createdAtMs), QLocale::ShortFormat),
                          old.provider, old.model)
                     .arg(old.promptVersion)
                     .arg(old.outcome == QLatin1String("ok") ? old.intent : old.outcome);
    }
    return listHtml(tr("Earlier analyses"), itemsHtml(lines));
}

} // namespace salesflow::ui
