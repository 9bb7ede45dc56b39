#include "promptview.h"

#include "linediff.h"
#include "templatehighlighter.h"
#include "ui/models/names.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

QString when(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

QString outputHtml(const EnrichmentInfo &e, const QList<ActionInfo> &actions)
{
    if (e.outcome != QLatin1String("ok") && !e.outcome.isEmpty())
        return PromptView::tr("<i>No usable answer (%1)</i>").arg(e.outcome.toHtmlEscaped());
    QString html = QStringLiteral("<p>%1</p><p><small>%2</small></p>")
                       .arg(e.summary.toHtmlEscaped(),
                            PromptView::tr("intent %1 · quality %2 · confidence %3 · %n HubSpot action(s)", nullptr,
                                           int(actions.size()))
                                .arg(Names::intent(e.intent))
                                .arg(e.leadQuality)
                                .arg(QLocale().toString(e.confidence, 'f', 2))
                                .toHtmlEscaped());
    if (!e.reviewReasons.isEmpty())
        html += QStringLiteral("<p><small>%1</small></p>")
                    .arg(PromptView::tr("to review: %1").arg(e.reviewReasons.join(u"; ")).toHtmlEscaped());
    QStringList planned;
    for (const ActionInfo &a : actions)
        planned << QStringLiteral("%1 %2").arg(a.kind, a.target);
    if (!planned.isEmpty())
        html += QStringLiteral("<p><small>%1</small></p>")
                    .arg(PromptView::tr("would plan: %1").arg(planned.join(QStringLiteral(", "))).toHtmlEscaped());
    return html;
}

} // namespace

PromptView::PromptView(IEngine *engine, Caller caller, QWidget *parent)
    : QWidget(parent), m_engine(engine), m_caller(std::move(caller)), m_prompt(new QComboBox(this)),
      m_versions(new QTreeWidget(this)), m_activate(new QPushButton(tr("&Activate…"), this)),
      m_template(new QPlainTextEdit(this)), m_highlighter(new TemplateHighlighter(m_template->document())),
      m_settings(new QPlainTextEdit(this)), m_notes(new QLineEdit(this)), m_problems(new QListWidget(this)),
      m_save(new QPushButton(tr("&Save as new version"), this)), m_left(new QComboBox(this)),
      m_right(new QComboBox(this)), m_diff(new QTextBrowser(this)), m_testSource(new QComboBox(this)),
      m_testCount(new QSpinBox(this)), m_testResult(new QTextBrowser(this)), m_status(new QLabel(this)),
      m_checkDelay(new QTimer(this))
{
    m_versions->setHeaderLabels({tr("Version"), tr("Active"), tr("Author"), tr("Created"), tr("Notes")});
    m_versions->setRootIsDecorated(false);
    const bool admin = m_caller.role == Role::Admin;
    m_activate->setEnabled(admin);
    m_activate->setToolTip(
        admin ? tr("Make the selected version the one the pipeline uses")
              : tr("Only admins can activate a prompt version; you are %1.").arg(roleName(m_caller.role)));
    m_save->setEnabled(admin);
    if (!admin)
        m_save->setToolTip(tr("Only admins can create prompt versions."));
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(m_prompt);
    leftLayout->addWidget(m_versions, 1);
    leftLayout->addWidget(m_activate);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildEditTab(), tr("Edit"));
    m_tabs->addTab(buildCompareTab(), tr("Compare"));
    m_tabs->addTab(buildTestTab(), tr("Test"));
    auto *split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(1, 3);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    split->setSizes({34 * em, 80 * em});
    m_status->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    m_checkDelay->setSingleShot(true);
    m_checkDelay->setInterval(300);
    connect(m_checkDelay, &QTimer::timeout, this, &PromptView::check);
    connect(m_template, &QPlainTextEdit::textChanged, m_checkDelay, qOverload<>(&QTimer::start));
    connect(m_settings, &QPlainTextEdit::textChanged, m_checkDelay, qOverload<>(&QTimer::start));
    connect(m_prompt, &QComboBox::currentTextChanged, this, &PromptView::loadPrompt);
    connect(m_versions, &QTreeWidget::currentItemChanged, this, &PromptView::loadVersionIntoEditor);
    connect(m_save, &QPushButton::clicked, this, &PromptView::save);
    connect(m_activate, &QPushButton::clicked, this, &PromptView::askToActivate);
}

QWidget *PromptView::buildEditTab()
{
    auto *page = new QWidget(this);
    m_template->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_template->setTabChangesFocus(true);
    m_settings->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_settings->setFixedHeight(m_settings->fontMetrics().lineSpacing() * 5 + 12);
    m_notes->setPlaceholderText(tr("What changed and why (kept with the version)"));
    m_problems->setMaximumHeight(m_problems->fontMetrics().lineSpacing() * 5);
    auto *form = new QFormLayout(page);
    form->addRow(tr("&Template:"), m_template);
    form->addRow(tr("Se&ttings (JSON):"), m_settings);
    form->addRow(tr("&Notes:"), m_notes);
    form->addRow(tr("Problems:"), m_problems);
    form->addRow(QString(), m_save);
    return page;
}

QWidget *PromptView::buildCompareTab()
{
    auto *page = new QWidget(this);
    auto *pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Compare version"), page));
    pick->addWidget(m_left);
    pick->addWidget(new QLabel(tr("with"), page));
    pick->addWidget(m_right);
    pick->addStretch();
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(pick);
    layout->addWidget(m_diff, 1);
    for (QComboBox *c : {m_left, m_right}) {
        connect(c, &QComboBox::activated, this,
                [this] { compare(m_left->currentData().toInt(), m_right->currentData().toInt()); });
    }
    return page;
}

QWidget *PromptView::buildTestTab()
{
    auto *page = new QWidget(this);
    m_testSource->addItem(tr("any source"), QString());
    for (const QString &s : Names::sources())
        m_testSource->addItem(Names::source(s), s);
    m_testCount->setRange(1, 20);
    m_testCount->setValue(5);
    auto *run = new QPushButton(tr("&Test on events"), page);
    run->setToolTip(tr("Runs the selected version and the active one on the newest events, changing nothing"));
    auto *pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("The newest"), page));
    pick->addWidget(m_testCount);
    pick->addWidget(new QLabel(tr("events of"), page));
    pick->addWidget(m_testSource);
    pick->addWidget(run);
    pick->addStretch();
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(pick);
    layout->addWidget(m_testResult, 1);
    connect(run, &QPushButton::clicked, this,
            [this] { testOnLatest(m_testCount->value(), m_testSource->currentData().toString()); });
    return page;
}

void PromptView::activate()
{
    m_engine->prompts(m_caller).then(this, [this](const Result<QList<PromptSummary>> &list) {
        if (!list)
            return setStatus(tr("The prompts could not be loaded: %1").arg(list.error().message), true);
        const QString current = m_prompt->currentText();
        QSignalBlocker block(m_prompt);
        m_prompt->clear();
        for (const PromptSummary &p : list.value())
            m_prompt->addItem(p.name);
        m_prompt->setCurrentIndex(qMax(0, m_prompt->findText(current)));
        loadPrompt(m_prompt->currentText());
    });
}

void PromptView::loadPrompt(const QString &name)
{
    if (name.isEmpty())
        return;
    m_engine->prompt(m_caller, name).then(this, [this](const Result<PromptInfo> &info) {
        if (!info)
            return setStatus(tr("The prompt could not be loaded: %1").arg(info.error().message), true);
        showVersions(info.value());
    });
}

void PromptView::showVersions(const PromptInfo &info)
{
    const bool samePrompt = info.name == m_info.name;
    const int keep = selectedVersion();
    m_info = info;
    QSignalBlocker quiet(m_versions); // the editor keeps what is typed while the list reloads
    m_versions->clear();
    m_left->clear();
    m_right->clear();
    for (const PromptVersionInfo &v : info.versions) {
        auto *item = new QTreeWidgetItem(
            {QString::number(v.version), v.active ? tr("active") : QString(), v.author, when(v.createdAtMs), v.notes});
        item->setData(0, Qt::UserRole, v.version);
        m_versions->addTopLevelItem(item);
        m_left->addItem(tr("v%1").arg(v.version), v.version);
        m_right->addItem(tr("v%1").arg(v.version), v.version);
    }
    m_left->setCurrentIndex(qMin(1, m_left->count() - 1));
    QTreeWidgetItem *again = nullptr;
    for (int i = 0; samePrompt && i < m_versions->topLevelItemCount() && !again; ++i) {
        if (m_versions->topLevelItem(i)->data(0, Qt::UserRole).toInt() == keep)
            again = m_versions->topLevelItem(i);
    }
    m_versions->setCurrentItem(again ? again : m_versions->topLevelItem(0));
    if (!again)
        loadVersionIntoEditor(); // another prompt, or its first load
    if (!m_pendingTest.isEmpty())
        runTest(std::exchange(m_pendingTest, {})); // asked for before the versions had arrived
}

int PromptView::selectedVersion() const
{
    const QTreeWidgetItem *item = m_versions->currentItem();
    return item ? item->data(0, Qt::UserRole).toInt() : 0;
}

void PromptView::loadVersionIntoEditor()
{
    for (const PromptVersionInfo &v : std::as_const(m_info.versions)) {
        if (v.version != selectedVersion())
            continue;
        m_template->setPlainText(v.templateText); // the base for the next version
        m_settings->setPlainText(QString::fromUtf8(QJsonDocument(v.settings).toJson(QJsonDocument::Indented)));
        m_notes->clear();
    }
}

NewPromptVersion PromptView::draft(QString *problem) const
{
    QJsonParseError error{};
    const QString settings = m_settings->toPlainText().trimmed();
    const QJsonDocument doc = QJsonDocument::fromJson(settings.isEmpty() ? "{}" : settings.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        *problem = tr("The settings are not a JSON object: %1").arg(error.errorString());
    return NewPromptVersion{m_template->toPlainText(), doc.object(), m_notes->text().trimmed()};
}

void PromptView::check()
{
    QString problem;
    const NewPromptVersion version = draft(&problem);
    const quint64 generation = ++m_checks;
    m_engine->checkPrompt(m_caller, m_prompt->currentText(), version)
        .then(this, [this, generation, problem](const Result<QList<PromptProblem>> &found) {
            if (generation != m_checks)
                return; // typed on meanwhile
            m_problems->clear();
            if (!problem.isEmpty())
                m_problems->addItem(problem);
            if (!found) {
                m_problems->addItem(found.error().message);
                return;
            }
            m_highlighter->setProblems(found.value());
            for (const PromptProblem &p : found.value()) {
                m_problems->addItem(p.line > 0 ? tr("Line %1, column %2: %3").arg(p.line).arg(p.column).arg(p.message)
                                               : p.message);
            }
        });
}

void PromptView::save()
{
    QString problem;
    const NewPromptVersion version = draft(&problem);
    if (!problem.isEmpty())
        return setStatus(problem, true);
    m_save->setEnabled(false);
    m_engine->createPromptVersion(m_caller, m_prompt->currentText(), version)
        .then(this, [this](const Result<PromptVersionInfo> &created) {
            m_save->setEnabled(true);
            if (!created)
                return setStatus(tr("Not saved: %1").arg(created.error().message), true);
            setStatus(tr("Saved as version %1 (not active yet).").arg(created->version));
            loadPrompt(m_prompt->currentText());
        });
}

void PromptView::askToActivate()
{
    const int version = selectedVersion();
    auto *ask = new QMessageBox(
        QMessageBox::Question, tr("Activate"),
        tr("Make version %1 of %2 the one the pipeline uses from now on?").arg(version).arg(m_prompt->currentText()),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    ask->setObjectName(QStringLiteral("activateConfirm"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QMessageBox::finished, this, [this, version](int answer) {
        if (answer != QMessageBox::Yes)
            return;
        m_engine->activatePrompt(m_caller, m_prompt->currentText(), version)
            .then(this, [this](const Result<PromptVersionInfo> &active) {
                if (!active)
                    return setStatus(tr("Not activated: %1").arg(active.error().message), true);
                setStatus(tr("Version %1 is active.").arg(active->version));
                loadPrompt(m_prompt->currentText());
            });
    });
    ask->open();
}

void PromptView::compare(int before, int after)
{
    QString a, b;
    for (const PromptVersionInfo &v : std::as_const(m_info.versions)) {
        if (v.version == before)
            a = v.templateText;
        if (v.version == after)
            b = v.templateText;
    }
    m_diff->setHtml(sideBySideDiff(a, b, tr("v%1").arg(before), tr("v%1").arg(after)));
    m_left->setCurrentIndex(qMax(0, m_left->findData(before)));
    m_right->setCurrentIndex(qMax(0, m_right->findData(after)));
    m_tabs->setCurrentIndex(1);
}

void PromptView::testOnLatest(int count, const QString &source)
{
    EventQuery q;
    q.limit = count;
    q.source = source;
    testOnFilter(q);
}

void PromptView::testOnFilter(EventQuery filter)
{
    filter.limit = qBound(1, filter.limit, 20);
    filter.after.clear();
    m_testResult->setHtml(tr("<i>Testing…</i>"));
    m_tabs->setCurrentIndex(2);
    m_engine->listEvents(m_caller, filter).then(this, [this](const Result<EventPage> &page) {
        if (!page)
            return setStatus(tr("The events could not be listed: %1").arg(page.error().message), true);
        QStringList ids;
        for (const EventSummary &e : page->items)
            ids << e.id;
        if (ids.isEmpty()) {
            m_testResult->clear();
            return setStatus(tr("No event matches the filter: nothing to test on"), true);
        }
        testOnEvents(ids);
    });
}

void PromptView::testOnEvents(const QStringList &eventIds)
{
    m_testResult->setHtml(tr("<i>Testing…</i>"));
    m_tabs->setCurrentIndex(2);
    if (m_info.versions.isEmpty())
        m_pendingTest = eventIds; // runs once the versions are here
    else
        runTest(eventIds);
}

void PromptView::runTest(const QStringList &eventIds)
{
    const int version = selectedVersion();
    m_engine->testPrompt(m_caller, m_prompt->currentText(), version, eventIds)
        .then(this, [this](const Result<PromptTestResult> &r) {
            if (!r) {
                m_testResult->clear();
                return setStatus(tr("The test did not run: %1").arg(r.error().message), true);
            }
            QString html
                = QStringLiteral("<p>%1</p><table width='100%' cellspacing='6'><tr><th>%2</th><th>%3</th>"
                                 "<th>%4</th></tr>")
                      .arg(tr("%n event(s); tokens in %1, out %2; cost %3", nullptr, int(r->events.size()))
                               .arg(r->inputTokens)
                               .arg(r->outputTokens)
                               .arg(r->costUsd ? QLocale().toString(*r->costUsd, 'f', 5) + QStringLiteral(" USD")
                                               : tr("unknown"))
                               .toHtmlEscaped(),
                           tr("Event"), tr("Active v%1").arg(r->activeVersion), tr("Tested v%1").arg(r->version));
            for (const PromptTestEvent &e : r->events) {
                html += e.error.isEmpty() ? QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                                                .arg(e.eventId.toHtmlEscaped(), outputHtml(e.active, e.activeActions),
                                                     outputHtml(e.candidate, e.candidateActions))
                                          : QStringLiteral("<tr><td>%1</td><td colspan='2'>%2</td></tr>")
                                                .arg(e.eventId.toHtmlEscaped(), e.error.toHtmlEscaped());
            }
            m_testResult->setHtml(html + QStringLiteral("</table>"));
        });
}

void PromptView::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("QLabel { color: #c62828; }") : QString());
}

QStringList PromptView::problems() const
{
    QStringList out;
    for (int i = 0; i < m_problems->count(); ++i)
        out << m_problems->item(i)->text();
    return out;
}

QString PromptView::statusText() const
{
    return m_status->text();
}

QString PromptView::diffText() const
{
    return m_diff->toPlainText();
}

QString PromptView::testText() const
{
    return m_testResult->toPlainText();
}

} // namespace salesflow::ui
