// salesflow: the desktop app on its embedded engine (SQLite in the app-data folder by default,
// or the database in SALESFLOW_DB). Thin main: composition only.
#include "seeder.h"

#include "engine/local/localengine.h"
#include "engine/pipeline/stages.h"
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

    salesflow::LocalEngine::Options options;
    options.config = salesflow::Config::fromEnvironment();
    auto stages = salesflow::pipeline::builtStages(options.config);
    if (!stages) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "SalesFlow cannot start"),
            QApplication::translate("main", "The configuration is not usable:\n\n%1").arg(stages.error().message));
        return 1;
    }
    options.stages = stages.value();
    auto engine = salesflow::LocalEngine::open(options);
    if (!engine) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "SalesFlow cannot start"),
            QApplication::translate("main", "The event store could not be opened:\n\n%1").arg(engine.error().message));
        return 1;
    }

    // On its own store the desktop user is the admin; the audit names them `desktop:<OS user>`.
    const salesflow::Caller caller = salesflow::Caller::desktop(salesflow::Caller::osUserName());
    salesflow::ui::MainWindow window(engine.value().get(), caller);
    window.resize(1280, 800);
    window.show();

    salesflow::app::seedIfEmpty(engine.value().get(), caller)
        .then(&window, [&window](const salesflow::Result<int> &seeded) {
            if (!seeded) {
                window.statusBar()->showMessage(
                    QApplication::translate("main", "Could not add the sample events: %1").arg(seeded.error().message));
            } else if (seeded.value() > 0) {
                window.statusBar()->showMessage(QApplication::translate("main",
                                                                        "Added %n sample event(s) to the new store.",
                                                                        nullptr, seeded.value()),
                                                10000);
                window.eventModel()->reload();
            }
        });

    const int rc = QApplication::exec();
    engine.value()->stop();
    return rc;
}
