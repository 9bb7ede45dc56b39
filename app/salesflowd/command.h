#pragma once

#include "engine/api/caller.h"
#include "engine/core/config.h"
#include "engine/local/localengine.h"

#include <QCommandLineParser>
#include <QFuture>
#include <QStringList>

#include <memory>

namespace salesflow::cli {

/// One salesflowd command (KeePassXC's src/cli: a file per command). `run` gets the arguments
/// after the command word (with the program name first, as QCommandLineParser wants) and returns
/// the exit code: 0 ok, 1 runtime failure, 2 usage error.
struct Command
{
    const char *name;
    const char *usage;
    int (*run)(const QStringList &args);
};

int serve(const QStringList &args);
int migrate(const QStringList &args);
int token(const QStringList &args);
int import(const QStringList &args);
int replay(const QStringList &args);
int status(const QStringList &args);
int hubspot(const QStringList &args);
int user(const QStringList &args);
int prompt(const QStringList &args);

// Shared by the commands (common.cpp).

void err(const QString &msg);
void out(const QString &msg);
QCommandLineOption dbOption();
/// Parses `args`; prints a usage error and returns false when wrong.
bool parse(QCommandLineParser &p, const QStringList &args, const char *usage);
/// The environment's config, with --db when given, else the default store.
Config configFrom(const QCommandLineParser &p);
/// The engine on `config`'s store for a one-shot command: migrated, no pipeline workers (with
/// `runReplays`, a replay worker: the replay command works its replay itself). Prints the
/// error and returns null when the store cannot be opened.
std::unique_ptr<LocalEngine> openEngine(const Config &config, bool acceptIngest = false, bool runReplays = false);
/// The operator running the command, as the engine's caller (`cli:NAME` in the audit).
Caller operatorCaller();

/// Waits for a command's engine call (commands run without an event loop).
template<typename T>
T await(QFuture<T> future)
{
    future.waitForFinished();
    return future.result();
}

/// Exit code for an engine error: 2 when the input was wrong (400), else 1.
inline int exitCodeFor(const Error &e)
{
    return e.httpStatus == 400 ? 2 : 1;
}

} // namespace salesflow::cli
