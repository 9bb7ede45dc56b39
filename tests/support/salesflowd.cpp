#include "salesflowd.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

namespace salesflow::test {

QString salesflowdPath()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/salesflowd");
}

CliRun runSalesflowd(const QStringList &args, const QProcessEnvironment &env, const QByteArray &input, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(salesflowdPath(), args);
    if (!p.waitForStarted(10000))
        return CliRun{-1, {}, p.errorString().toUtf8()};
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return CliRun{-1, p.readAllStandardOutput(), p.readAllStandardError()};
    }
    return CliRun{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                  p.readAllStandardError()};
}

quint16 startServe(QProcess &p, const QStringList &args, const QProcessEnvironment &env, quint16 port)
{
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(salesflowdPath(),
            QStringList{QStringLiteral("serve")} + args
                + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)});
    if (!p.waitForStarted(10000))
        return 0;
    for (int i = 0; i < 300; ++i) {
        if (p.canReadLine() || p.waitForReadyRead(100)) {
            const QByteArray line = p.readLine().trimmed();
            if (line.startsWith("listening on "))
                return quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
        }
        if (p.state() != QProcess::Running)
            return 0;
    }
    return 0;
}

std::pair<QString, QString> selfSignedCertificate(const QString &dir)
{
    const QString cert = dir + QStringLiteral("/cert.pem"), key = dir + QStringLiteral("/key.pem");
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
                   QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1")});
    if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0) {
        qWarning("openssl failed: %s", openssl.readAllStandardError().constData());
        return {};
    }
    return {cert, key};
}

QString stopOrDescribe(QProcess &p, int timeoutMs)
{
    p.terminate();
    if (p.waitForFinished(timeoutMs))
        return {};
    QString out
        = QStringLiteral("pid %1 still running %2 ms after SIGTERM; its threads:\n").arg(p.processId()).arg(timeoutMs);
    const QString tasks = QStringLiteral("/proc/%1/task").arg(p.processId());
    for (const QString &tid : QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const auto read = [&](const char *name) {
            QFile f(tasks + QLatin1Char('/') + tid + QLatin1Char('/') + QLatin1String(name));
            return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).simplified() : QStringLiteral("?");
        };
        const QString stat = read("stat");
        out += QStringLiteral("  %1 %2 state %3 wchan %4 syscall %5\n")
                   .arg(tid, read("comm"),
                        stat.section(QLatin1Char(')'), 1).simplified().section(QLatin1Char(' '), 0, 0), read("wchan"),
                        read("syscall").section(QLatin1Char(' '), 0, 0));
    }
    out += QStringLiteral("its log's end:\n") + QString::fromUtf8(p.readAllStandardError().right(3000));
    p.kill();
    p.waitForFinished(5000);
    return out;
}

} // namespace salesflow::test
