// salesflowd: the headless engine. Thin main: the commands live one per file.
#include "command.h"

#include <QCoreApplication>

#include <cstdio>
#include <iterator>

namespace {

const salesflow::cli::Command kCommands[] = {
    {"serve",
     "serve [--db URL] [--listen HOST:PORT] [--workers N] [--role all|api|worker] [--tls-cert FILE --tls-key FILE | "
     "--insecure-listen]",
     salesflow::cli::serve},
    {"migrate", "migrate [--db URL]", salesflow::cli::migrate},
    {"token", "token create --name NAME --role ingest|viewer|reviewer|admin | token list | token revoke NAME",
     salesflow::cli::token},
    {"import", "import FILE --source SOURCE [--db URL]", salesflow::cli::import},
    {"replay",
     "replay (--event ID... | --since T --until T --status S --source S) [--from STAGE] [--prompt-version V] "
     "[--dry-run] [--db URL]",
     salesflow::cli::replay},
    {"status", "status [--db URL]", salesflow::cli::status},
    {"user", "user add NAME --role viewer|reviewer|admin | user list | user disable NAME | user passwd NAME",
     salesflow::cli::user},
    {"hubspot", "hubspot setup [--db URL]   (needs HUBSPOT_ACCESS_TOKEN)", salesflow::cli::hubspot},
    {"prompt",
     "prompt list | prompt show NAME [--version V] | prompt create NAME FILE [--notes TEXT] | "
     "prompt test NAME V --event ID... | prompt activate NAME V",
     salesflow::cli::prompt},
};

void usage(FILE *to)
{
    std::fputs("usage: salesflowd <command> [options]\n", to);
    for (const auto &c : kCommands)
        std::fprintf(to, "  %s\n", c.usage);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SalesFlow"));
    QCoreApplication::setApplicationName(QStringLiteral("salesflow"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SALESFLOW_VERSION));
    const QStringList all = QCoreApplication::arguments();
    const QString cmd = all.value(1);
    QStringList rest = all.mid(2);
    rest.prepend(all.value(0)); // QCommandLineParser wants the program name first
    for (const auto &c : kCommands) {
        if (cmd != QLatin1String(c.name))
            continue;
        if (const QString problem = salesflow::Config::environmentProblem(); !problem.isEmpty()) {
            std::fprintf(stderr, "salesflowd: %s\n", qPrintable(problem));
            return 2;
        }
        return c.run(rest);
    }
    if (cmd == QLatin1String("--version")) {
        std::printf("salesflowd %s\n", SALESFLOW_VERSION);
        return 0;
    }
    const bool help = cmd == QLatin1String("--help") || cmd == QLatin1String("help");
    usage(help ? stdout : stderr);
    return help ? 0 : 2;
}
