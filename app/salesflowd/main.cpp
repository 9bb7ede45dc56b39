// salesflowd: the headless engine. Thin main; the commands live in commands.cpp.
#include "commands.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SalesFlow"));
    QCoreApplication::setApplicationName(QStringLiteral("salesflow"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SALESFLOW_VERSION));
    return salesflow::cli::run(QCoreApplication::arguments());
}
