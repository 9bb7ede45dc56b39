#include "mainwindow.h"

#include "eventdetailview.h"
#include "ui/models/eventlistmodel.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>

namespace salesflow::ui {

namespace {
const QStringList kSources = {QStringLiteral("form"), QStringLiteral("email"),   QStringLiteral("transcript"),
                              QStringLiteral("chat"), QStringLiteral("product"), QStringLiteral("hubspot")};
}

MainWindow::MainWindow(IEngine *engine, Caller caller, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_caller(caller), m_model(new EventListModel(engine, caller, this)),
      m_table(new QTableView(this)), m_detail(new EventDetailView(engine, caller, this)), m_status(new QComboBox(this)),
      m_source(new QComboBox(this)), m_search(new QLineEdit(this)), m_counts(new QLabel(this)),
      m_searchDelay(new QTimer(this)), m_changes(new ChangeWatcher(engine, caller, this))
{
    setWindowTitle(tr("SalesFlow — Events"));
    m_where = new QLabel(this);
    m_online = new QLabel(this);

    auto *bar = addToolBar(tr("Filters"));
    bar->setObjectName(QStringLiteral("filters"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr("Status:"), this));
    m_status->addItem(tr("All statuses"), QString());
    for (const QString &s : EventStatus::all())
        m_status->addItem(s, s);
    bar->addWidget(m_status);
    bar->addWidget(new QLabel(tr("Source:"), this));
    m_source->addItem(tr("All sources"), QString());
    for (const QString &s : kSources)
        m_source->addItem(s, s);
    bar->addWidget(m_source);
    m_search->setPlaceholderText(tr("Search id or dedup key (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    bar->addWidget(m_search);
    auto *refresh = bar->addAction(tr("Refresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Reload the events (F5)"));
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    addAction(find);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_table->setColumnWidth(EventListModel::ReceivedAt, 11 * em);
    m_table->setColumnWidth(EventListModel::Source, 7 * em);
    m_table->setColumnWidth(EventListModel::Status, 9 * em);
    m_table->setColumnWidth(EventListModel::Id, 14 * em);
    m_table->setColumnWidth(EventListModel::Size, 7 * em);

    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    setCentralWidget(split);
    statusBar()->addPermanentWidget(m_online);
    statusBar()->addPermanentWidget(m_counts);
    statusBar()->addPermanentWidget(m_where);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(300);
    connect(m_searchDelay, &QTimer::timeout, this, &MainWindow::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_status, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
    connect(m_source, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
    connect(refresh, &QAction::triggered, m_model, &EventListModel::reload);
    connect(find, &QAction::triggered, m_search, [this] {
        m_search->setFocus();
        m_search->selectAll();
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
    // The list is not reloaded under the reviewer's hands; new arrivals are announced instead,
    // as the engine's change feed reports them (no polling).
    connect(m_changes, &ChangeWatcher::changed, this, &MainWindow::announceArrivals);
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

    restoreSettings();
    applyFilter();
}

MainWindow::~MainWindow() = default;

void MainWindow::setWhere(const QString &where)
{
    setWindowTitle(tr("SalesFlow — %1").arg(where));
    m_where->setText(where);
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        split->restoreState(s.value(QStringLiteral("mainWindow/splitter")).toByteArray());
    m_table->horizontalHeader()->restoreState(s.value(QStringLiteral("mainWindow/columns")).toByteArray());
    QSignalBlocker b1(m_status), b2(m_source);
    m_status->setCurrentIndex(qMax(0, m_status->findData(s.value(QStringLiteral("filter/status")).toString())));
    m_source->setCurrentIndex(qMax(0, m_source->findData(s.value(QStringLiteral("filter/source")).toString())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings s;
    s.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        s.setValue(QStringLiteral("mainWindow/splitter"), split->saveState());
    s.setValue(QStringLiteral("mainWindow/columns"), m_table->horizontalHeader()->saveState());
    s.setValue(QStringLiteral("filter/status"), m_status->currentData());
    s.setValue(QStringLiteral("filter/source"), m_source->currentData());
    event->accept();
}

void MainWindow::setStatusFilter(const QString &status)
{
    m_status->setCurrentIndex(qMax(0, m_status->findData(status)));
}

void MainWindow::setSourceFilter(const QString &source)
{
    m_source->setCurrentIndex(qMax(0, m_source->findData(source)));
}

void MainWindow::applyFilter()
{
    EventQuery q;
    q.status = m_status->currentData().toString();
    q.source = m_source->currentData().toString();
    q.text = m_search->text().trimmed();
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
