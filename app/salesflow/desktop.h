#pragma once
// The desktop's composition: one main window on one connection at a time. File → Connect…
// opens another store or server; when it answers, a new window replaces the old one (whose
// engine is stopped after its window is gone), and the old stays if it does not.

#include "connection.h"

#include <QObject>

#include <memory>

namespace salesflow::ui {
class MainWindow;
}

namespace salesflow::app {

class Desktop final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Desktop)

public:
    Desktop();
    ~Desktop() override;

    /// Shows a window on the connection (seeding an empty embedded store with the samples).
    void show(Connection connection);
    ui::MainWindow *window() const { return m_window.get(); }

private:
    void askWhereToConnect();
    void seed();

    Connection m_connection;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace salesflow::app
