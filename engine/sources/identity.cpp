#include "identity.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace salesflow::sources {

namespace {
// Consumer mailbox providers: their domain identifies no company.
const QSet<QString> &freeMail()
{
    static const QSet<QString> s
        = {QStringLiteral("gmail.com"),      QStringLiteral("googlemail.com"), QStringLiteral("yahoo.com"),
           QStringLiteral("yahoo.co.uk"),    QStringLiteral("yahoo.fr"),       QStringLiteral("yahoo.de"),
           QStringLiteral("ymail.com"),      QStringLiteral("hotmail.com"),    QStringLiteral("hotmail.co.uk"),
           QStringLiteral("hotmail.fr"),     QStringLiteral("hotmail.de"),     QStringLiteral("outlook.com"),
           QStringLiteral("outlook.de"),     QStringLiteral("live.com"),       QStringLiteral("msn.com"),
           QStringLiteral("aol.com"),        QStringLiteral("icloud.com"),     QStringLiteral("me.com"),
           QStringLiteral("mac.com"),        QStringLiteral("proton.me"),      QStringLiteral("protonmail.com"),
           QStringLiteral("pm.me"),          QStringLiteral("gmx.de"),         QStringLiteral("gmx.net"),
           QStringLiteral("gmx.com"),        QStringLiteral("web.de"),         QStringLiteral("t-online.de"),
           QStringLiteral("yandex.ru"),      QStringLiteral("yandex.com"),     QStringLiteral("mail.ru"),
           QStringLiteral("zoho.com"),       QStringLiteral("fastmail.com"),   QStringLiteral("hey.com"),
           QStringLiteral("tutanota.com"),   QStringLiteral("qq.com"),         QStringLiteral("163.com"),
           QStringLiteral("126.com"),        QStringLiteral("naver.com"),      QStringLiteral("orange.fr"),
           QStringLiteral("free.fr"),        QStringLiteral("laposte.net"),    QStringLiteral("libero.it"),
           QStringLiteral("btinternet.com"), QStringLiteral("comcast.net"),    QStringLiteral("verizon.net"),
           QStringLiteral("att.net"),        QStringLiteral("rediffmail.com")};
    return s;
}
} // namespace

bool isFreeMailDomain(const QString &domain)
{
    return freeMail().contains(domain.toLower());
}

QString normaliseEmail(const QString &raw)
{
    QString s = raw.trimmed();
    const qsizetype lt = s.lastIndexOf(QLatin1Char('<'));
    const qsizetype gt = s.lastIndexOf(QLatin1Char('>'));
    if (lt >= 0 && gt > lt)
        s = s.mid(lt + 1, gt - lt - 1).trimmed(); // "Dana Okafor" <dana@x.com>
    if (s.startsWith(QLatin1String("mailto:"), Qt::CaseInsensitive))
        s = s.mid(7);
    s = s.toLower();
    static const QRegularExpression re(QStringLiteral("^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+$"));
    return re.match(s).hasMatch() ? s : QString();
}

QString companyDomainOf(const QString &emailOrUrl)
{
    QString s = emailOrUrl.trimmed().toLower();
    QString host;
    const QString email = normaliseEmail(s);
    if (!email.isEmpty()) {
        host = email.section(QLatin1Char('@'), 1);
    } else if (!s.isEmpty()) {
        const QUrl url = QUrl::fromUserInput(s);
        host = url.host().toLower();
    }
    if (host.startsWith(QLatin1String("www.")))
        host = host.mid(4);
    if (host.isEmpty() || !host.contains(QLatin1Char('.')) || isFreeMailDomain(host))
        return {};
    return host;
}

qint64 parseTimestamp(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return 0;
    bool ok = false;
    const qint64 n = t.toLongLong(&ok);
    if (ok) {
        if (n <= 0 || n > 100000000000000LL)
            return 0; // not a plausible epoch
        return n < 100000000000LL ? n * 1000 : n; // seconds or milliseconds
    }
    QDateTime d = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!d.isValid())
        d = QDateTime::fromString(t, Qt::RFC2822Date);
    return d.isValid() ? d.toMSecsSinceEpoch() : 0;
}

} // namespace salesflow::sources
