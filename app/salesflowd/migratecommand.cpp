// salesflowd migrate: applies migrations/ to the store and says where its schema stands.
#include "command.h"

namespace salesflow::cli {

int migrate(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    if (!parse(p, args, "migrate [--db URL]"))
        return 2;
    auto applied = LocalEngine::migrate(configFrom(p).dbUrl);
    if (!applied) {
        err(applied.error().message);
        return 1;
    }
    out(QStringLiteral("schema at version %1 (%2 migration(s) applied)")
            .arg(LocalEngine::schemaVersion())
            .arg(applied.value()));
    return 0;
}

} // namespace salesflow::cli
