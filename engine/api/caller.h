#pragma once

#include "result.h"

#include <QString>

#include <optional>

namespace salesflow {

enum class Role { Ingest = 0, Viewer = 1, Reviewer = 2, Admin = 3 };
QString roleName(Role role);
std::optional<Role> roleFromName(const QString &name);

/// Who an IEngine operation is performed for. Every operation takes one; the engine enforces
/// the role itself, so the HTTP API, the desktop app and the command line refuse the same things.
struct Caller
{
    enum class Kind {
        Token, ///< an API token (`token:NAME` in the audit)
        User, ///< a person logged in with a password (`user:NAME`)
        Desktop, ///< the local OS user of the desktop app on an embedded store (`desktop:NAME`)
        Cli, ///< the local OS user running a salesflowd command (`cli:NAME`)
        Webhook, ///< a signed delivery (HubSpot): no token, the signature is the credential
    };

    Kind kind = Kind::Token;
    QString name;
    Role role = Role::Viewer;

    /// How the caller appears in the audit log and as an event's `received_by`.
    QString actor() const;

    static Caller token(const QString &name, Role role) { return {Kind::Token, name, role}; }
    static Caller user(const QString &name, Role role) { return {Kind::User, name, role}; }
    /// The desktop app on its own store: the OS user, as admin.
    static Caller desktop(const QString &osUser) { return {Kind::Desktop, osUser, Role::Admin}; }
    /// A salesflowd command on the operator's shell: the OS user, as admin (they hold the store).
    static Caller cli(const QString &osUser) { return {Kind::Cli, osUser, Role::Admin}; }
    static Caller webhook(const QString &name) { return {Kind::Webhook, name, Role::Ingest}; }
    /// The name of the OS user running this process ("unknown" when the environment has none).
    static QString osUserName();
};

/// What an operation needs. Posting events: ingest tokens and admins. Reading, reviewing and
/// administering are ordered: viewer < reviewer < admin; an ingest token may only post.
enum class Permission { Ingest, Read, Review, Admin };

QString permissionName(Permission p);
bool permits(Role role, Permission needed);
/// Done when `caller` may do what needs `needed`; else Error 403 `auth.forbidden` that says so.
Status allow(const Caller &caller, Permission needed);

} // namespace salesflow
