#pragma once
// Which engine the desktop app works on, from its command line: the embedded store (default),
// another database (--db URL) in process, or a remote salesflowd (--connect URL --user NAME).

#include "engine/api/iengine.h"
#include "ui/dialogs/connectdialog.h"

#include <functional>

#include <QStringList>

#include <memory>

class QObject;
class QWidget;

namespace salesflow::app {

struct Connection
{
    std::shared_ptr<IEngine> engine;
    Caller caller;
    QString where; ///< for the title and the status bar: `rita@http://host:8765`, `desktop:ana@sqlite:///…`
    QObject *remote = nullptr; ///< the RemoteEngine when remote (its signals), else null
    bool seedWhenEmpty = false; ///< the app's own store (or one named at start): samples on first start
};

/// Opens what the arguments ask; on failure shows why in words (a dialog) and answers nothing.
/// A remote login takes the password from SALESFLOW_PASSWORD when set, else asks for it (again
/// after a wrong one); the URL and user name are remembered in QSettings, never the password.
std::optional<Connection> open(const QStringList &arguments);

/// File → Connect…: opens the target and answers through `done` (on `context`'s thread): a
/// remote login is asynchronous; opening a database runs its migrations first (a newer schema
/// is refused in words). Errors are sentences for the dialog: wrong password, server
/// unreachable, certificate not trusted, database newer than this app. A certificate that is not
/// trusted is shown (ui::TrustDialog); once the person trusts it, the login is tried again.
void connectTo(const ui::ConnectTarget &target, QWidget *context, std::function<void(Result<Connection>)> done);

/// An error of a login, in words for a person.
QString loginProblemWords(const Error &e);

/// When the remote session ends (expired, password changed), asks for the password again and
/// logs in without touching what the user was doing.
void keepSessionAlive(const Connection &connection, QWidget *window);

} // namespace salesflow::app
