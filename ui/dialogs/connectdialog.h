#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace salesflow::ui {

/// Where the app should work: the embedded store, another database, or a salesflowd server.
struct ConnectTarget
{
    enum class Kind { Embedded, Database, Server };
    Kind kind = Kind::Embedded;
    QString url; ///< the database URL or the server's http(s) URL
    QString user; ///< the server's user
    QByteArray password; ///< never stored or remembered

    /// How it is listed among recent connections ("server:https://host:8765|rita").
    QString key() const;
    static ConnectTarget fromKey(const QString &key);
    QString label() const;
};

/// File → Connect…: this computer (the default), another database (an SQLite file or a
/// PostgreSQL URL) or a server (URL, user, password), with the recent connections (never their
/// passwords) to pick from. The dialog only asks: connectTo() is answered by whoever opens
/// engines, with succeeded() (the dialog closes and the target is remembered) or failed(words)
/// (the dialog stays, says why, and lets the user change what was wrong). While it waits the
/// Connect button is disabled; nothing blocks.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    void succeeded();
    void failed(const QString &message);
    ConnectTarget target() const;
    void setTarget(const ConnectTarget &target);
    QString errorText() const;

    /// The recent connections, newest first (at most 8), from QSettings.
    static QList<ConnectTarget> recent();
    static void remember(const ConnectTarget &target);

Q_SIGNALS:
    void connectTo(const salesflow::ui::ConnectTarget &target);

private:
    void updateFields();
    void submit();
    QString problem(const ConnectTarget &t) const;

    QComboBox *m_recent;
    QRadioButton *m_embedded;
    QRadioButton *m_database;
    QRadioButton *m_server;
    QLineEdit *m_dbUrl;
    QPushButton *m_browse;
    QLineEdit *m_serverUrl;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLabel *m_error;
    QPushButton *m_connect;
};

} // namespace salesflow::ui

Q_DECLARE_METATYPE(salesflow::ui::ConnectTarget)
