#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace salesflow::test {

/// The salesflowd built beside the tests (build/app/salesflowd).
QString salesflowdPath();

struct CliRun
{
    int exitCode = -1; ///< -1: did not finish within the time
    QByteArray out;
    QByteArray err;
};

/// Runs `salesflowd ARGS` to its end (at most `timeoutMs`) with `input` on stdin.
CliRun runSalesflowd(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                     const QByteArray &input = {}, int timeoutMs = 60000);

/// Starts `salesflowd serve ARGS` (with --listen 127.0.0.1:PORT added, 0: any free port);
/// answers the port it bound, 0 when it did not start (its stderr says why).
quint16 startServe(QProcess &p, const QStringList &args,
                   const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), quint16 port = 0);

/// Stops `p` with SIGTERM within `timeoutMs`. When it does not stop, answers what it was doing
/// (each thread's name, state and kernel wait channel, and its log's last lines), kills it and
/// answers that text; an empty answer means it stopped in time.
QString stopOrDescribe(QProcess &p, int timeoutMs = 30000);

/// A self-signed certificate for 127.0.0.1 and its key (openssl, valid a day) written into
/// `dir` as cert.pem and key.pem; empty strings when openssl failed (a warning says why).
std::pair<QString, QString> selfSignedCertificate(const QString &dir);

} // namespace salesflow::test
