#include "types.h"

namespace salesflow {

QStringList EventStatus::all()
{
    return {Received, Normalised, Enriched, InReview, Approved, Rejected, Planned, Done, Failed};
}

QString roleName(Role role)
{
    switch (role) {
    case Role::Ingest: return QStringLiteral("ingest");
    case Role::Viewer: return QStringLiteral("viewer");
    case Role::Reviewer: return QStringLiteral("reviewer");
    case Role::Admin: return QStringLiteral("admin");
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

} // namespace salesflow
