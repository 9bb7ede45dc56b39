// salesflow: the desktop app — on its embedded engine (SQLite in the app-data folder by default,
// the database in SALESFLOW_DB, or --db URL) or attached to a salesflowd (--connect URL --user
// NAME). Thin main: composition only.
#include "connection.h"
#include "desktop.h"
#include "screenshots.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
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

    const QStringList arguments = QApplication::arguments();
    auto connection = salesflow::app::open(arguments);
    if (!connection)
        return 1;
    if (const qsizetype shots = arguments.indexOf(QStringLiteral("--screenshots")); shots > 0)
        return salesflow::app::takeScreenshots(connection.value(), arguments.value(shots + 1));
    salesflow::app::Desktop desktop;
    desktop.show(std::move(connection).value());
    return QApplication::exec();
}
