#include "connectdialog.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QUrl>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {
const QString kRecentKey = QStringLiteral("connections/recent");
constexpr int kRecentMax = 8;
} // namespace

namespace {
/// A database URL without its password (postgresql://user:secret@host/db → postgresql://user@host/db).
QString withoutPassword(const QString &url)
{
    const QUrl u(url);
    return u.isValid() && !u.password().isEmpty() ? u.toString(QUrl::RemovePassword) : url;
}
} // namespace

QString ConnectTarget::key() const
{
    switch (kind) {
    case Kind::Embedded:
        return QStringLiteral("embedded");
    case Kind::Database:
        return QStringLiteral("db:") + withoutPassword(url); // never a password in the settings
    case Kind::Server:
        return QStringLiteral("server:") + url + QLatin1Char('|') + user;
    }
    return {};
}

ConnectTarget ConnectTarget::fromKey(const QString &key)
{
    ConnectTarget t;
    if (key.startsWith(QLatin1String("db:"))) {
        t.kind = Kind::Database;
        t.url = key.mid(3);
    } else if (key.startsWith(QLatin1String("server:"))) {
        t.kind = Kind::Server;
        t.url = key.mid(7).section(QLatin1Char('|'), 0, 0);
        t.user = key.section(QLatin1Char('|'), 1);
    }
    return t;
}

QString ConnectTarget::label() const
{
    switch (kind) {
    case Kind::Embedded:
        return ConnectDialog::tr("This computer");
    case Kind::Database:
        return withoutPassword(url);
    case Kind::Server:
        return user + QLatin1Char('@') + url;
    }
    return {};
}

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent), m_recent(new QComboBox(this)), m_embedded(new QRadioButton(tr("&This computer"), this)),
      m_database(new QRadioButton(tr("Another &database"), this)), m_server(new QRadioButton(tr("A &server"), this)),
      m_dbUrl(new QLineEdit(this)), m_browse(new QPushButton(tr("Browse…"), this)), m_serverUrl(new QLineEdit(this)),
      m_user(new QLineEdit(this)), m_password(new QLineEdit(this)), m_error(new QLabel(this)),
      m_connect(new QPushButton(tr("&Connect"), this))
{
    setWindowTitle(tr("Connect"));
    m_embedded->setToolTip(tr("The store in this computer's app-data folder (SQLite)"));
    m_dbUrl->setPlaceholderText(tr("sqlite:///path/to/file.db or postgresql://user@host:5432/salesflow"));
    m_serverUrl->setPlaceholderText(tr("https://salesflow.example.com:8765"));
    m_password->setEchoMode(QLineEdit::Password);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    m_error->hide();
    m_recent->addItem(tr("Recent connections…"));
    for (const ConnectTarget &t : recent())
        m_recent->addItem(t.label(), t.key());

    auto *group = new QButtonGroup(this);
    for (QRadioButton *b : {m_embedded, m_database, m_server})
        group->addButton(b);
    m_embedded->setChecked(true);
    auto *dbRow = new QHBoxLayout;
    dbRow->addWidget(m_dbUrl, 1);
    dbRow->addWidget(m_browse);
    auto *form = new QFormLayout;
    form->addRow(m_embedded);
    form->addRow(m_database);
    form->addRow(tr("Database:"), dbRow);
    form->addRow(m_server);
    form->addRow(tr("Server &URL:"), m_serverUrl);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(m_connect, QDialogButtonBox::AcceptRole);
    m_connect->setDefault(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_recent);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(group, &QButtonGroup::buttonToggled, this, &ConnectDialog::updateFields);
    connect(m_recent, &QComboBox::activated, this, [this](int i) {
        if (i > 0)
            setTarget(ConnectTarget::fromKey(m_recent->itemData(i).toString()));
    });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("SQLite database"), QDir::homePath(),
                                                          tr("SQLite databases (*.db *.sqlite)"), nullptr,
                                                          QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_dbUrl->setText(QStringLiteral("sqlite://") + QDir::fromNativeSeparators(file));
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateFields();
}

void ConnectDialog::updateFields()
{
    m_dbUrl->setEnabled(m_database->isChecked());
    m_browse->setEnabled(m_database->isChecked());
    for (QLineEdit *e : {m_serverUrl, m_user, m_password})
        e->setEnabled(m_server->isChecked());
}

ConnectTarget ConnectDialog::target() const
{
    ConnectTarget t;
    if (m_database->isChecked()) {
        t.kind = ConnectTarget::Kind::Database;
        t.url = m_dbUrl->text().trimmed();
    } else if (m_server->isChecked()) {
        t.kind = ConnectTarget::Kind::Server;
        t.url = m_serverUrl->text().trimmed();
        t.user = m_user->text().trimmed();
        t.password = m_password->text().toUtf8();
    }
    return t;
}

void ConnectDialog::setTarget(const ConnectTarget &t)
{
    m_embedded->setChecked(t.kind == ConnectTarget::Kind::Embedded);
    m_database->setChecked(t.kind == ConnectTarget::Kind::Database);
    m_server->setChecked(t.kind == ConnectTarget::Kind::Server);
    if (t.kind == ConnectTarget::Kind::Database)
        m_dbUrl->setText(t.url);
    if (t.kind == ConnectTarget::Kind::Server) {
        m_serverUrl->setText(t.url);
        m_user->setText(t.user);
        m_password->setFocus();
    }
    updateFields();
}

QString ConnectDialog::problem(const ConnectTarget &t) const
{
    if (t.kind == ConnectTarget::Kind::Database && !t.url.startsWith(QLatin1String("sqlite:///"))
        && !t.url.startsWith(QLatin1String("postgresql://")) && !t.url.startsWith(QLatin1String("postgres://")))
        return tr("Give the database as sqlite:///path/to/file.db or postgresql://user@host:port/name.");
    if (t.kind != ConnectTarget::Kind::Server)
        return {};
    const QUrl url(t.url, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return tr("Give the server as http://host:port or https://host:port.");
    if (t.user.isEmpty())
        return tr("Who logs in? Give the user name.");
    if (t.password.isEmpty())
        return tr("Give the password.");
    return {};
}

void ConnectDialog::submit()
{
    const ConnectTarget t = target();
    if (const QString why = problem(t); !why.isEmpty())
        return failed(why);
    m_error->hide();
    m_connect->setEnabled(false);
    m_connect->setText(tr("Connecting…"));
    Q_EMIT connectTo(t);
}

void ConnectDialog::succeeded()
{
    remember(target());
    m_password->clear();
    accept();
}

void ConnectDialog::failed(const QString &message)
{
    m_error->setText(message);
    m_error->show();
    m_connect->setEnabled(true);
    m_connect->setText(tr("&Connect"));
}

QString ConnectDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

QList<ConnectTarget> ConnectDialog::recent()
{
    QList<ConnectTarget> out;
    const QStringList keys = QSettings().value(kRecentKey).toStringList();
    for (const QString &k : keys)
        out << ConnectTarget::fromKey(k);
    return out;
}

void ConnectDialog::remember(const ConnectTarget &target)
{
    QSettings s;
    QStringList keys = s.value(kRecentKey).toStringList();
    keys.removeAll(target.key());
    keys.prepend(target.key()); // the key never holds the password
    s.setValue(kRecentKey, keys.mid(0, kRecentMax));
}

} // namespace salesflow::ui
