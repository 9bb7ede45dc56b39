#include "usersdialog.h"

#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

QString when(qint64 ms)
{
    return ms > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat) : QString();
}

QComboBox *roleBox(QWidget *parent, bool ingest)
{
    auto *box = new QComboBox(parent);
    for (Role r : {Role::Viewer, Role::Reviewer, Role::Admin, Role::Ingest}) {
        if (r != Role::Ingest || ingest)
            box->addItem(roleName(r), int(r));
    }
    return box;
}

/// A small form dialog: the fields, OK/Cancel; answers whether OK was pressed.
bool ask(QWidget *parent, const QString &title, const QList<std::pair<QString, QWidget *>> &fields)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(title);
    auto *form = new QFormLayout(&dialog);
    for (const auto &[label, field] : fields) {
        field->setParent(&dialog);
        form->addRow(label, field);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    const bool ok = dialog.exec() == QDialog::Accepted;
    for (const auto &field : fields)
        field.second->setParent(nullptr); // the caller reads them, then deletes them
    return ok;
}

QLineEdit *passwordField()
{
    auto *e = new QLineEdit;
    e->setEchoMode(QLineEdit::Password);
    return e;
}

} // namespace

UsersDialog::UsersDialog(IEngine *engine, Caller caller, QWidget *parent)
    : QDialog(parent), m_engine(engine), m_caller(std::move(caller)), m_users(new QTreeWidget(this)),
      m_tokens(new QTreeWidget(this)), m_status(new QLabel(this))
{
    setWindowTitle(tr("Users and tokens"));
    m_users->setHeaderLabels({tr("User"), tr("Role"), tr("Since"), tr("Disabled")});
    m_tokens->setHeaderLabels({tr("Token"), tr("Role"), tr("Created"), tr("Revoked")});
    for (QTreeWidget *t : {m_users, m_tokens})
        t->setRootIsDecorated(false);
    auto *userPage = new QWidget(this);
    auto *userButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add…"), userPage);
    auto *disable = new QPushButton(tr("&Disable"), userPage);
    auto *reset = new QPushButton(tr("Reset &password…"), userPage);
    for (QPushButton *b : {add, disable, reset})
        userButtons->addWidget(b);
    userButtons->addStretch();
    auto *userLayout = new QVBoxLayout(userPage);
    userLayout->addWidget(m_users);
    userLayout->addLayout(userButtons);
    auto *tokenPage = new QWidget(this);
    auto *tokenButtons = new QHBoxLayout;
    auto *create = new QPushButton(tr("&Create…"), tokenPage);
    auto *revoke = new QPushButton(tr("&Revoke"), tokenPage);
    tokenButtons->addWidget(create);
    tokenButtons->addWidget(revoke);
    tokenButtons->addStretch();
    auto *tokenLayout = new QVBoxLayout(tokenPage);
    tokenLayout->addWidget(m_tokens);
    tokenLayout->addLayout(tokenButtons);
    auto *tabs = new QTabWidget(this);
    tabs->addTab(userPage, tr("Users"));
    tabs->addTab(tokenPage, tr("API tokens"));
    m_status->setWordWrap(true);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs, 1);
    layout->addWidget(m_status);
    layout->addWidget(close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, &UsersDialog::askForUser);
    connect(reset, &QPushButton::clicked, this, &UsersDialog::askForPassword);
    connect(create, &QPushButton::clicked, this, &UsersDialog::askForToken);
    connect(disable, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem *i = m_users->currentItem())
            disableUser(i->text(0));
    });
    connect(revoke, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem *i = m_tokens->currentItem())
            revokeToken(i->text(0));
    });
    resize(620, 420);
    reload();
}

void UsersDialog::reload()
{
    m_engine->users(m_caller).then(this, [this](const Result<QList<UserInfo>> &users) {
        if (!users)
            return m_status->setText(tr("The users could not be loaded: %1").arg(users.error().message));
        m_users->clear();
        for (const UserInfo &u : users.value())
            m_users->addTopLevelItem(
                new QTreeWidgetItem({u.name, roleName(u.role), when(u.createdAtMs), when(u.disabledAtMs)}));
    });
    m_engine->tokens(m_caller).then(this, [this](const Result<QList<TokenInfo>> &tokens) {
        if (!tokens)
            return m_status->setText(tr("The tokens could not be loaded: %1").arg(tokens.error().message));
        m_tokens->clear();
        for (const TokenInfo &t : tokens.value())
            m_tokens->addTopLevelItem(
                new QTreeWidgetItem({t.name, roleName(t.role), when(t.createdAtMs), when(t.revokedAtMs)}));
    });
}

void UsersDialog::done(const Status &s, const QString &what)
{
    m_status->setText(s ? what : tr("Not done: %1").arg(s.error().message));
    reload();
}

void UsersDialog::addUser(const QString &name, Role role, const QByteArray &password)
{
    m_engine->addUser(m_caller, name, role, password).then(this, [this, name](const Status &s) {
        done(s, tr("%1 can log in now.").arg(name));
    });
}

void UsersDialog::disableUser(const QString &name)
{
    m_engine->disableUser(m_caller, name).then(this, [this, name](const Status &s) {
        done(s, tr("%1 is disabled; their sessions have ended.").arg(name));
    });
}

void UsersDialog::createToken(const QString &name, Role role)
{
    m_engine->createToken(m_caller, name, role).then(this, [this, name](const Result<QByteArray> &token) {
        if (!token)
            return done(token.error(), QString());
        showTokenOnce(name, token.value());
        done(Done{}, tr("Token %1 created.").arg(name));
    });
}

void UsersDialog::revokeToken(const QString &name)
{
    m_engine->revokeToken(m_caller, name).then(this, [this, name](const Result<int> &n) {
        done(n ? Status(Done{}) : Status(n.error()), tr("Token %1 revoked.").arg(name));
    });
}

void UsersDialog::askForUser()
{
    auto *name = new QLineEdit;
    QComboBox *role = roleBox(nullptr, false);
    QLineEdit *pw = passwordField(), *again = passwordField();
    if (ask(this, tr("Add a user"),
            {{tr("Name:"), name}, {tr("Role:"), role}, {tr("Password:"), pw}, {tr("Again:"), again}})) {
        if (pw->text() != again->text())
            m_status->setText(tr("The two passwords differ; nothing was changed."));
        else
            addUser(name->text().trimmed(), Role(role->currentData().toInt()), pw->text().toUtf8());
    }
    for (QWidget *w : {static_cast<QWidget *>(name), static_cast<QWidget *>(role), static_cast<QWidget *>(pw),
                       static_cast<QWidget *>(again)})
        delete w;
}

void UsersDialog::askForPassword()
{
    const QTreeWidgetItem *item = m_users->currentItem();
    if (!item)
        return;
    const QString name = item->text(0);
    QLineEdit *pw = passwordField(), *again = passwordField();
    if (ask(this, tr("New password for %1").arg(name), {{tr("Password:"), pw}, {tr("Again:"), again}})) {
        if (pw->text() != again->text()) {
            m_status->setText(tr("The two passwords differ; nothing was changed."));
        } else {
            m_engine->setPassword(m_caller, name, pw->text().toUtf8()).then(this, [this, name](const Status &s) {
                done(s, tr("The password of %1 is changed; their sessions have ended.").arg(name));
            });
        }
    }
    delete pw;
    delete again;
}

void UsersDialog::askForToken()
{
    auto *name = new QLineEdit;
    QComboBox *role = roleBox(nullptr, true);
    role->setCurrentIndex(role->findData(int(Role::Ingest)));
    if (ask(this, tr("Create an API token"), {{tr("Name:"), name}, {tr("Role:"), role}}))
        createToken(name->text().trimmed(), Role(role->currentData().toInt()));
    delete name;
    delete role;
}

void UsersDialog::showTokenOnce(const QString &name, const QByteArray &token)
{
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("newToken"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Token %1").arg(name));
    auto *field = new QLineEdit(QString::fromLatin1(token), dialog);
    field->setReadOnly(true);
    auto *copy = new QPushButton(tr("&Copy"), dialog);
    connect(copy, &QPushButton::clicked, dialog, [field] { QGuiApplication::clipboard()->setText(field->text()); });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(new QLabel(tr("This is the only time the token is shown. Copy it now."), dialog));
    auto *row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(copy);
    layout->addLayout(row);
    layout->addWidget(buttons);
    dialog->open();
}

QString UsersDialog::statusText() const
{
    return m_status->text();
}

} // namespace salesflow::ui
