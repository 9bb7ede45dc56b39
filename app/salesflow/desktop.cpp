#include "desktop.h"

#include "seeder.h"

#include "ui/models/eventlistmodel.h"
#include "ui/views/mainwindow.h"

#include <QApplication>
#include <QStatusBar>

namespace salesflow::app {

Desktop::Desktop() = default;

Desktop::~Desktop()
{
    m_window.reset(); // the window goes before its engine
}

void Desktop::show(Connection connection)
{
    std::unique_ptr<ui::MainWindow> old = std::move(m_window);
    const Connection previous = m_connection; // keeps the old engine alive until its window is gone
    m_connection = std::move(connection);
    m_window = std::make_unique<ui::MainWindow>(m_connection.engine.get(), m_connection.caller);
    m_window->setWhere(m_connection.where);
    if (old)
        m_window->setGeometry(old->geometry());
    else
        m_window->resize(1280, 800);
    connect(m_window.get(), &ui::MainWindow::connectRequested, this, &Desktop::askWhereToConnect);
    m_window->show();
    keepSessionAlive(m_connection, m_window.get());
    old.reset();
    if (m_connection.seedWhenEmpty) // a server's or another database's store is not ours to fill
        seed();
}

void Desktop::askWhereToConnect()
{
    auto *dialog = new ui::ConnectDialog(m_window.get());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ui::ConnectDialog::connectTo, this, [this, dialog](const ui::ConnectTarget &target) {
        connectTo(target, dialog, [this, dialog](Result<Connection> c) {
            if (!c)
                return dialog->failed(c.error().message);
            dialog->succeeded();
            QMetaObject::invokeMethod(
                this, [this, c = c.value()] { show(c); }, Qt::QueuedConnection);
        });
    });
    dialog->open();
}

void Desktop::seed()
{
    ui::MainWindow *window = m_window.get();
    seedIfEmpty(m_connection.engine.get(), m_connection.caller).then(window, [window](const Result<int> &seeded) {
        if (!seeded) {
            window->statusBar()->showMessage(
                QApplication::translate("main", "Could not add the sample events: %1").arg(seeded.error().message));
        } else if (seeded.value() > 0) {
            window->statusBar()->showMessage(
                QApplication::translate("main", "Added %n sample event(s) to the new store.", nullptr, seeded.value()),
                10000);
            window->eventModel()->reload();
        }
    });
}

} // namespace salesflow::app
