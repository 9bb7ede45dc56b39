#include "mainwindow.h"

#include "auditview.h"
#include "dashboardview.h"
#include "eventdetailview.h"
#include "promptview.h"
#include "replayview.h"
#include "reviewview.h"
#include "ui/dialogs/usersdialog.h"
#include "ui/models/auditlogmodel.h"
#include "ui/models/eventlistmodel.h"
#include "ui/models/names.h"
#include "ui/models/queuemodel.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

/// The time filter's choices: how far back, in hours (0: any time).
const QList<int> kPeriodHours = {0, 1, 24, 24 * 7, 24 * 30};

} // namespace

MainWindow::MainWindow(IEngine *engine, Caller caller, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_caller(caller), m_model(new EventListModel(engine, caller, this)),
      m_queues(new QueueModel(this)), m_sidebar(new QListView(this)), m_table(new QTableView(this)),
      m_detail(new EventDetailView(engine, caller, this)), m_review(new ReviewView(engine, caller, this)),
      m_audit(new AuditView(engine, caller, this)), m_prompts(new PromptView(engine, caller, this)),
      m_replays(new ReplayView(engine, caller, this)), m_dashboard(new DashboardView(engine, caller, this)),
      m_pages(new QStackedWidget(this)), m_source(new QComboBox(this)), m_period(new QComboBox(this)),
      m_search(new QLineEdit(this)), m_counts(new QLabel(this)), m_searchDelay(new QTimer(this)),
      m_changes(new ChangeWatcher(engine, caller, this))
{
    setWindowTitle(tr("SalesFlow"));
    m_where = new QLabel(this);
    m_online = new QLabel(this);
    buildFilters();
    m_pages->addWidget(buildEventsPage());
    m_pages->addWidget(m_review);
    m_pages->addWidget(m_prompts);
    m_pages->addWidget(m_replays);
    m_pages->addWidget(m_audit);
    m_pages->addWidget(m_dashboard);
    setCentralWidget(m_pages);
    buildMenus();
    statusBar()->addPermanentWidget(m_online);
    statusBar()->addPermanentWidget(m_counts);
    statusBar()->addPermanentWidget(m_where);
    connectList();
    connectFeed();
    restoreSettings();
    applyFilter();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildFilters()
{
    auto *bar = addToolBar(tr("Filters"));
    bar->setObjectName(QStringLiteral("filters"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr("Source:"), this));
    m_source->addItem(tr("All sources"), QString());
    for (const QString &s : Names::sources())
        m_source->addItem(Names::source(s), s);
    bar->addWidget(m_source);
    bar->addWidget(new QLabel(tr("Received:"), this));
    for (int hours : kPeriodHours) {
        m_period->addItem(hours == 0        ? tr("Any time")
                              : hours == 1  ? tr("In the last hour")
                              : hours == 24 ? tr("In the last 24 hours")
                                            : tr("In the last %n day(s)", nullptr, hours / 24),
                          hours);
    }
    bar->addWidget(m_period);
    m_search->setPlaceholderText(tr("Search subject, text, contact, company (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(m_search->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 22);
    bar->addWidget(m_search);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(300);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *connectTo = file->addAction(tr("&Connect…"), this, &MainWindow::connectRequested);
    connectTo->setShortcut(QKeySequence::Open);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Events"), QKeySequence(Qt::CTRL | Qt::Key_1), this, [this] { showPage(Page::Events); });
    view->addAction(tr("&Review"), QKeySequence(Qt::CTRL | Qt::Key_2), this, [this] { showPage(Page::Review); });
    view->addAction(tr("&Prompts"), QKeySequence(Qt::CTRL | Qt::Key_3), this, [this] { showPage(Page::Prompts); });
    view->addAction(tr("Re&plays"), QKeySequence(Qt::CTRL | Qt::Key_4), this, [this] { showPage(Page::Replays); });
    view->addAction(tr("&Audit"), QKeySequence(Qt::CTRL | Qt::Key_5), this, [this] { showPage(Page::Audit); });
    view->addAction(tr("&Dashboard"), QKeySequence(Qt::CTRL | Qt::Key_6), this, [this] { showPage(Page::Dashboard); });
    view->addSeparator();
    view->addAction(tr("Re&load"), QKeySequence::Refresh, m_model, &EventListModel::reload);
    QAction *find = view->addAction(tr("&Find"), QKeySequence::Find, this, [this] {
        showPage(Page::Events);
        m_search->setFocus();
        m_search->selectAll();
    });
    Q_UNUSED(find)

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    QAction *users = settings->addAction(tr("&Users and tokens…"), this, [this] {
        auto *dialog = new UsersDialog(m_engine, m_caller, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    users->setEnabled(m_caller.role == Role::Admin);
    if (!users->isEnabled())
        users->setToolTip(tr("Only admins manage users and tokens."));
    settings->setToolTipsVisible(true);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), QKeySequence(Qt::Key_F1), this, &MainWindow::showShortcuts);
}

QWidget *MainWindow::buildEventsPage()
{
    m_sidebar->setModel(m_queues);
    m_sidebar->setObjectName(QStringLiteral("queues"));
    m_sidebar->setSelectionMode(QAbstractItemView::SingleSelection);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const QList<int> widths = {8, 6, 10, 8, 16, 5, 5, 6};
    for (int c = 0; c < widths.size(); ++c)
        m_table->setColumnWidth(c, widths[c] * em);
    // The list's own actions (right click): replay what is selected.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *replay = new QAction(tr("Replay this event…"), m_table);
    m_table->addAction(replay);
    connect(replay, &QAction::triggered, this, [this] {
        const QString id = m_model->eventId(m_table->currentIndex().row());
        if (id.isEmpty())
            return;
        m_replays->setEvents({id});
        showPage(Page::Replays);
    });
    auto *test = new QAction(tr("Test the selected prompt version on this event…"), m_table);
    m_table->addAction(test);
    connect(test, &QAction::triggered, this, [this] {
        const QString id = m_model->eventId(m_table->currentIndex().row());
        if (id.isEmpty())
            return;
        showPage(Page::Prompts);
        m_prompts->testOnEvents({id});
    });
    auto *testFiltered
        = new QAction(tr("Test the selected prompt version on the first 20 events of this list…"), m_table);
    m_table->addAction(testFiltered);
    connect(testFiltered, &QAction::triggered, this, [this] {
        EventQuery q = m_model->filter();
        q.limit = 20;
        showPage(Page::Prompts);
        m_prompts->testOnFilter(q);
    });
    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(m_sidebar);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    split->setSizes({11 * em, 64 * em, 40 * em}); // until the user's own sizes are restored
    return split;
}

void MainWindow::connectList()
{
    connect(m_searchDelay, &QTimer::timeout, this, &MainWindow::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_source, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
    connect(m_period, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &i) {
        m_status = i.data(QueueModel::StatusRole).toString();
        applyFilter();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { m_detail->showEvent(m_model->eventId(current.row())); });
    connect(m_model, &EventListModel::loadFailed, this,
            [this](const QString &msg) { statusBar()->showMessage(tr("Could not load events: %1").arg(msg)); });
    connect(m_model, &EventListModel::loadingChanged, this, &MainWindow::updateStatusLine);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        updateStatusLine();
        if (!m_table->currentIndex().isValid() && m_model->rowCount() > 0)
            m_table->selectRow(0);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_newestRead = false; // re-read by the next poll
        updateStatusLine();
        checkForNewEvents();
    });
    connect(m_audit, &AuditView::openEvent, this, [this](const QString &id) {
        showPage(Page::Events);
        m_detail->showEvent(id); // whether or not the list shows it
    });
    connect(m_review, &ReviewView::decided, this, [this](const QString &, const QString &status) {
        statusBar()->showMessage(tr("Decided: %1").arg(Names::status(status)), 3000);
    });
}

void MainWindow::connectFeed()
{
    // Statuses and counts move in place as the feed reports them; new arrivals are announced
    // rather than pushed into the list under the reviewer's hands.
    connect(m_changes, &ChangeWatcher::changed, this, [this](const ChangeSet &changes) {
        m_queues->setCounts(changes.counts);
        m_model->applyChanges(changes);
        m_review->applyChanges(changes);
        if (!changes.items.isEmpty())
            m_dashboard->changed();
        const bool shownChanged = std::any_of(changes.items.cbegin(), changes.items.cend(),
                                              [this](const Change &c) { return c.eventId == m_detail->currentId(); });
        if (shownChanged)
            m_detail->refresh(); // its story goes on on screen
        announceArrivals(changes);
    });
    // The feed is the heartbeat: when it cannot be read the engine is out of reach; the window
    // stays usable and says so until the next answer.
    connect(m_changes, &ChangeWatcher::failed, this, [this](const QString &why) {
        m_online->setText(tr("Offline — reconnecting…"));
        m_online->setToolTip(why);
    });
    connect(m_changes, &ChangeWatcher::reconnected, this, [this] {
        m_online->clear();
        m_online->setToolTip(QString());
        statusBar()->showMessage(tr("Connected again"), 5000);
    });
    m_changes->start();
}

void MainWindow::setWhere(const QString &where)
{
    setWindowTitle(tr("SalesFlow — %1").arg(where));
    m_where->setText(where);
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    if (auto *filters = findChild<QToolBar *>(QStringLiteral("filters")))
        filters->setVisible(page == Page::Events); // they filter the event list
    if (page == Page::Review)
        m_review->activate();
    if (page == Page::Audit)
        m_audit->model()->reload(); // the newest entries first
    if (page == Page::Prompts)
        m_prompts->activate();
    if (page == Page::Replays)
        m_replays->activate();
    if (page == Page::Dashboard)
        m_dashboard->refresh();
}

MainWindow::Page MainWindow::page() const
{
    return Page(m_pages->currentIndex());
}

QList<QAction *> MainWindow::shortcutActions() const
{
    QList<QAction *> out;
    const QList<QAction *> all = findChildren<QAction *>();
    for (QAction *a : all) {
        if (!a->shortcut().isEmpty())
            out << a;
    }
    return out;
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    const QList<QAction *> actions = shortcutActions();
    auto *table = new QTableWidget(int(actions.size()), 2, &dialog);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int i = 0; i < actions.size(); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(actions[i]->text().remove(u'&')));
        table->setItem(i, 1, new QTableWidgetItem(actions[i]->shortcut().toString(QKeySequence::NativeText)));
    }
    table->resizeColumnsToContents();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog.resize(460, 420);
    dialog.exec();
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        split->restoreState(s.value(QStringLiteral("mainWindow/splitter")).toByteArray());
    m_table->horizontalHeader()->restoreState(s.value(QStringLiteral("mainWindow/eventColumns")).toByteArray());
    QSignalBlocker b1(m_source), b2(m_period), b3(m_sidebar->selectionModel());
    m_source->setCurrentIndex(qMax(0, m_source->findData(s.value(QStringLiteral("filter/source")).toString())));
    m_period->setCurrentIndex(qMax(0, m_period->findData(s.value(QStringLiteral("filter/hours")).toInt())));
    m_status = s.value(QStringLiteral("filter/status")).toString();
    m_sidebar->setCurrentIndex(m_queues->index(qMax(0, m_queues->rowOf(m_status))));
    const QString page = s.value(QStringLiteral("mainWindow/page")).toString();
    if (page == QLatin1String("review")) // the app opens where the person left it
        showPage(Page::Review);
    else if (page == QLatin1String("audit"))
        showPage(Page::Audit);
    else if (page == QLatin1String("prompts"))
        showPage(Page::Prompts);
    else if (page == QLatin1String("replays"))
        showPage(Page::Replays);
    else if (page == QLatin1String("dashboard"))
        showPage(Page::Dashboard);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings s;
    s.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        s.setValue(QStringLiteral("mainWindow/splitter"), split->saveState());
    s.setValue(QStringLiteral("mainWindow/eventColumns"), m_table->horizontalHeader()->saveState());
    const QStringList pages
        = {QStringLiteral("events"), QStringLiteral("review"), QStringLiteral("prompts"), QStringLiteral("audit")};
    s.setValue(QStringLiteral("mainWindow/page"), pages.value(int(page())));
    s.setValue(QStringLiteral("filter/status"), m_status);
    s.setValue(QStringLiteral("filter/source"), m_source->currentData());
    s.setValue(QStringLiteral("filter/hours"), m_period->currentData());
    event->accept();
}

void MainWindow::setStatusFilter(const QString &status)
{
    m_sidebar->setCurrentIndex(m_queues->index(qMax(0, m_queues->rowOf(status))));
}

void MainWindow::setSourceFilter(const QString &source)
{
    m_source->setCurrentIndex(qMax(0, m_source->findData(source)));
}

void MainWindow::applyFilter()
{
    EventQuery q;
    q.status = m_status;
    q.source = m_source->currentData().toString();
    q.text = m_search->text().trimmed();
    if (const int hours = m_period->currentData().toInt(); hours > 0)
        q.sinceMs = QDateTime::currentMSecsSinceEpoch() - qint64(hours) * 3600 * 1000;
    m_detail->showEvent(QString());
    m_model->setFilter(q);
}

void MainWindow::announceArrivals(const ChangeSet &changes)
{
    if (!m_newestRead)
        return; // the newest known id is being read; the list shows what it has
    // Ids are time-ordered: an event newer than the newest in the list arrived since it loaded
    // (whatever the feed says it is doing now).
    for (const Change &c : changes.items) {
        if (c.eventId > m_newestKnown) {
            statusBar()->showMessage(tr("New events arrived — press F5 to show them"));
            return;
        }
    }
}

void MainWindow::checkForNewEvents()
{
    // The newest id is one primary-key lookup, cheap with a million events; ids are time-ordered.
    EventQuery newest;
    newest.limit = 1;
    m_engine->listEvents(m_caller, newest).then(this, [this](const Result<EventPage> &page) {
        if (!page)
            return; // a store that cannot be read shows up when the list loads
        const QString id = page->items.isEmpty() ? QString() : page->items.first().id;
        if (!m_newestRead) {
            m_newestRead = true;
            m_newestKnown = id;
            return;
        }
        if (id > m_newestKnown)
            statusBar()->showMessage(tr("New events arrived — press F5 to show them"));
    });
}

void MainWindow::updateStatusLine()
{
    const int rows = m_model->rowCount();
    if (m_model->isLoading())
        m_counts->setText(tr("%n event(s) shown, loading more…", nullptr, rows));
    else if (m_model->canFetchMore({}))
        m_counts->setText(tr("%n event(s) shown, scroll for more", nullptr, rows));
    else
        m_counts->setText(tr("%n event(s)", nullptr, rows));
}

} // namespace salesflow::ui
