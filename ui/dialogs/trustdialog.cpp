#include "trustdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace salesflow::ui {

namespace {

QString settingsKey(const QUrl &server)
{
    return QStringLiteral("trust/%1:%2").arg(server.host()).arg(server.port(443));
}

QString names(const QStringList &parts)
{
    return parts.isEmpty() ? QStringLiteral("—") : parts.join(QStringLiteral(", "));
}

} // namespace

QList<QSslCertificate> TrustStore::trusted(const QUrl &server)
{
    return QSslCertificate::fromData(QSettings().value(settingsKey(server)).toByteArray(), QSsl::Pem);
}

void TrustStore::trust(const QUrl &server, const QSslCertificate &certificate)
{
    QSettings().setValue(settingsKey(server), certificate.toPem());
}

QString TrustDialog::fingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

TrustDialog::TrustDialog(const QUrl &server, const QList<QSslCertificate> &chain, QWidget *parent)
    : QDialog(parent), m_server(server), m_leaf(chain.value(0))
{
    setWindowTitle(tr("Certificate not trusted"));
    const QString where = QStringLiteral("%1:%2").arg(server.host()).arg(server.port(443));
    m_text = tr("The server %1 presented a certificate this computer does not trust. Trust it only if its "
                "fingerprint is the one your server's operator gave you.\n\n"
                "Issued to: %2\nIssued by: %3\nValid: %4 to %5\nSHA-256 fingerprint:\n%6")
                 .arg(where, names(m_leaf.subjectInfo(QSslCertificate::CommonName)),
                      names(m_leaf.issuerInfo(QSslCertificate::CommonName)),
                      QLocale().toString(m_leaf.effectiveDate(), QLocale::ShortFormat),
                      QLocale().toString(m_leaf.expiryDate(), QLocale::ShortFormat), fingerprint(m_leaf));
    auto *label = new QLabel(m_text, this);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *trust
        = buttons->addButton(tr("&Trust this certificate for %1").arg(where), QDialogButtonBox::AcceptRole);
    trust->setEnabled(!m_leaf.isNull());
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true); // trusting is a deliberate act
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        TrustStore::trust(m_server, m_leaf);
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(buttons);
}

QString TrustDialog::text() const
{
    return m_text;
}

} // namespace salesflow::ui
