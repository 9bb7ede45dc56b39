#include "caller.h"

#include <QtGlobal>

namespace salesflow {

QString roleName(Role role)
{
    switch (role) {
    case Role::Ingest:
        return QStringLiteral("ingest");
    case Role::Viewer:
        return QStringLiteral("viewer");
    case Role::Reviewer:
        return QStringLiteral("reviewer");
    case Role::Admin:
        return QStringLiteral("admin");
    }
    return QStringLiteral("viewer");
}

std::optional<Role> roleFromName(const QString &name)
{
    for (Role r : {Role::Ingest, Role::Viewer, Role::Reviewer, Role::Admin}) {
        if (roleName(r) == name)
            return r;
    }
    return std::nullopt;
}

QString Caller::actor() const
{
    switch (kind) {
    case Kind::Token:
        return QStringLiteral("token:") + name;
    case Kind::User:
        return QStringLiteral("user:") + name;
    case Kind::Desktop:
        return QStringLiteral("desktop:") + name;
    case Kind::Cli:
        return QStringLiteral("cli:") + name;
    case Kind::Webhook:
        return name;
    }
    return name;
}

QString Caller::osUserName()
{
    QString name = qEnvironmentVariable("USER");
    if (name.isEmpty())
        name = qEnvironmentVariable("LOGNAME");
    return name.isEmpty() ? QStringLiteral("unknown") : name;
}

QString permissionName(Permission p)
{
    switch (p) {
    case Permission::Ingest:
        return QStringLiteral("post events");
    case Permission::Read:
        return QStringLiteral("read events");
    case Permission::Review:
        return QStringLiteral("decide review items");
    case Permission::Admin:
        return QStringLiteral("administer");
    }
    return QString();
}

bool permits(Role role, Permission needed)
{
    switch (needed) {
    case Permission::Ingest:
        return role == Role::Ingest || role == Role::Admin;
    case Permission::Read:
        return role != Role::Ingest;
    case Permission::Review:
        return role == Role::Reviewer || role == Role::Admin;
    case Permission::Admin:
        return role == Role::Admin;
    }
    return false;
}

Status allow(const Caller &caller, Permission needed)
{
    if (permits(caller.role, needed))
        return Done{};
    return makeError("auth.forbidden",
                     QStringLiteral("%1 (role '%2') is not allowed to %3")
                         .arg(caller.actor(), roleName(caller.role), permissionName(needed)),
                     403);
}

} // namespace salesflow
