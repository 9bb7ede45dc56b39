// salesflow: the desktop app — on its embedded engine (SQLite in the app-data folder by default,
// the database in SALESFLOW_DB, or --db URL) or attached to a salesflowd (--connect URL --user
// NAME). Thin main: composition only.
#include "connection.h"
#include "seeder.h"

#include "ui/models/eventlistmodel.h"
#include "ui/views/mainwindow.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QStatusBar>
#include <QTranslator>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SalesFlow"));
    QApplication::setApplicationName(QStringLiteral("salesflow"));
    QApplication::setApplicationVersion(QStringLiteral(SALESFLOW_VERSION));

    QTranslator qtTranslator, appTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    if (appTranslator.load(QLocale(), QStringLiteral("salesflow"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);

    const auto connection = salesflow::app::open(QApplication::arguments());
    if (!connection)
        return 1;
    salesflow::IEngine *engine = connection->engine.get();
    const salesflow::Caller caller = connection->caller;
    salesflow::ui::MainWindow window(engine, caller);
    window.setWhere(connection->where);
    window.resize(1280, 800);
    window.show();
    salesflow::app::keepSessionAlive(*connection, &window);

    if (connection->remote) // a server's store is the operators' to fill
        return QApplication::exec();
    salesflow::app::seedIfEmpty(engine, caller).then(&window, [&window](const salesflow::Result<int> &seeded) {
        if (!seeded) {
            window.statusBar()->showMessage(
                QApplication::translate("main", "Could not add the sample events: %1").arg(seeded.error().message));
        } else if (seeded.value() > 0) {
            window.statusBar()->showMessage(
                QApplication::translate("main", "Added %n sample event(s) to the new store.", nullptr, seeded.value()),
                10000);
            window.eventModel()->reload();
        }
    });

    return QApplication::exec();
}
