// salesflowd user add|list|disable|passwd: the people who log in to the desktop app and the API.
// Passwords come from standard input (asked twice, without echo, on a terminal), never from the
// command line, where other users of the machine could read them.
#include "command.h"

#include "engine/core/password.h"

#include <QTextStream>

#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace salesflow::cli {

namespace {

const char *kUsage = "user add NAME --role viewer|reviewer|admin | user list | user disable NAME | user passwd NAME";

QByteArray readLine(const char *prompt, bool terminal)
{
    termios saved{};
    if (terminal) {
        std::fputs(prompt, stderr);
        std::fflush(stderr);
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
    QByteArray out = QByteArray::fromStdString(line);
    std::fill(line.begin(), line.end(), '\0');
    while (out.endsWith('\r'))
        out.chop(1);
    return out;
}

/// The new password from stdin; empty (with the reason on stderr) when the two entries differ.
QByteArray newPassword()
{
    const bool terminal = isatty(STDIN_FILENO);
    QByteArray first = readLine("Password: ", terminal);
    if (!terminal)
        return first;
    QByteArray second = readLine("Again: ", terminal);
    const bool same = first == second;
    password::wipe(second);
    if (!same) {
        password::wipe(first);
        err(QStringLiteral("the two passwords differ; nothing was changed"));
    }
    return first;
}

int finish(const Status &s, const QString &done)
{
    if (!s) {
        err(s.error().message);
        return exitCodeFor(s.error());
    }
    out(done);
    return 0;
}

int list(LocalEngine &engine)
{
    auto users = await(engine.users(operatorCaller()));
    if (!users) {
        err(users.error().message);
        return 1;
    }
    QTextStream ts(stdout);
    for (const UserInfo &u : users.value())
        ts << u.name << "\t" << roleName(u.role) << (u.disabledAtMs ? "\tdisabled" : "") << "\n";
    return 0;
}

} // namespace

int user(const QStringList &args)
{
    QCommandLineParser p;
    p.addOption(dbOption());
    p.addOption({QStringLiteral("role"), QStringLiteral("viewer, reviewer or admin"), QStringLiteral("ROLE")});
    p.addPositionalArgument(QStringLiteral("action"), QStringLiteral("add, list, disable or passwd"));
    if (!parse(p, args, kUsage))
        return 2;
    const QStringList pos = p.positionalArguments();
    const QString action = pos.value(0);
    const bool named = pos.size() == 2 && action != QLatin1String("list");
    if (!(named || (pos.size() == 1 && action == QLatin1String("list")))) {
        err(QStringLiteral("usage: salesflowd %1").arg(QLatin1String(kUsage)));
        return 2;
    }
    const auto role = roleFromName(p.value(QStringLiteral("role")));
    if (action == QLatin1String("add") && !role) {
        err(QStringLiteral("user add needs --role viewer|reviewer|admin"));
        return 2;
    }
    auto engine = openEngine(configFrom(p));
    if (!engine)
        return 1;
    const QString name = pos.value(1);
    if (action == QLatin1String("list"))
        return list(*engine);
    if (action == QLatin1String("disable"))
        return finish(await(engine->disableUser(operatorCaller(), name)), QStringLiteral("disabled %1").arg(name));
    if (action != QLatin1String("add") && action != QLatin1String("passwd")) {
        err(QStringLiteral("usage: salesflowd %1").arg(QLatin1String(kUsage)));
        return 2;
    }
    QByteArray password = newPassword();
    if (password.isEmpty())
        return 2;
    const Status s = action == QLatin1String("add") ? await(engine->addUser(operatorCaller(), name, *role, password))
                                                    : await(engine->setPassword(operatorCaller(), name, password));
    password::wipe(password);
    return finish(s,
                  action == QLatin1String("add") ? QStringLiteral("added %1 (%2)").arg(name, roleName(*role))
                                                 : QStringLiteral("changed the password of %1").arg(name));
}

} // namespace salesflow::cli
