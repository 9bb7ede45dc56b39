#pragma once

#include <QDialog>
#include <QSslCertificate>
#include <QUrl>

namespace salesflow::ui {

/// The certificates a person chose to trust, per server (host:port), kept in QSettings as PEM.
/// Only ever added by a person through TrustDialog; never a private key, never a password.
class TrustStore
{
public:
    static QList<QSslCertificate> trusted(const QUrl &server);
    static void trust(const QUrl &server, const QSslCertificate &certificate);
};

/// "The server's certificate is not trusted": who it was issued to and by, when it is valid, and
/// its SHA-256 fingerprint (to compare with what the server's operator says), with Trust and
/// Cancel. Trust stores it for that server only (TrustStore) and accepts the dialog.
class TrustDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrustDialog)

public:
    TrustDialog(const QUrl &server, const QList<QSslCertificate> &chain, QWidget *parent = nullptr);
    /// SHA-256 of the server's own certificate, as colon-separated hex pairs.
    static QString fingerprint(const QSslCertificate &certificate);
    QString text() const;

private:
    QUrl m_server;
    QSslCertificate m_leaf;
    QString m_text;
};

} // namespace salesflow::ui
