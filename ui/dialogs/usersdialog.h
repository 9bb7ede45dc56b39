#pragma once

#include "engine/api/iengine.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace salesflow::ui {

/// Settings → Users and tokens (admins): people (add with a role and a password, disable, reset a
/// password) and API tokens (create — shown once, with a Copy button — and revoke). Passwords go
/// to the engine only; nothing here keeps or shows them. Every change through IEngine, audited
/// there; errors said in the dialog.
class UsersDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersDialog)

public:
    UsersDialog(IEngine *engine, Caller caller, QWidget *parent = nullptr);

    void reload();
    QTreeWidget *userList() const { return m_users; }
    QTreeWidget *tokenList() const { return m_tokens; }
    QString statusText() const;
    /// Adds a user (the dialog's Add… asks for these).
    void addUser(const QString &name, Role role, const QByteArray &password);
    /// Creates a token and shows it once (objectName "newToken").
    void createToken(const QString &name, Role role);
    void revokeToken(const QString &name);
    void disableUser(const QString &name);

private:
    void askForUser();
    void askForPassword();
    void askForToken();
    void showTokenOnce(const QString &name, const QByteArray &token);
    void done(const Status &s, const QString &what);

    IEngine *m_engine;
    Caller m_caller;
    QTreeWidget *m_users;
    QTreeWidget *m_tokens;
    QLabel *m_status;
};

} // namespace salesflow::ui
