#include "ids.h"

#include "clock.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <array>
#include <atomic>

namespace salesflow::ids {

QString newEventId()
{
    // 48-bit ms timestamp, then a 74-bit counter/random tail. Within one millisecond a process
    // counter keeps ids strictly increasing, so a batch keeps its order.
    static std::atomic<quint64> lastMs{0};
    static std::atomic<quint32> seq{0};
    const quint64 ms = quint64(nowMs());
    quint32 s;
    if (lastMs.exchange(ms) != ms)
        seq.store(QRandomGenerator::global()->bounded(1u << 10));
    s = seq.fetch_add(1) & 0xfff;

    std::array<quint8, 16> b{};
    for (int i = 0; i < 6; ++i)
        b[size_t(i)] = quint8(ms >> (8 * (5 - i)));
    b[6] = quint8(0x70 | ((s >> 8) & 0x0f));
    b[7] = quint8(s & 0xff);
    quint64 r = QRandomGenerator::global()->generate64();
    for (int i = 8; i < 16; ++i)
        b[size_t(i)] = quint8(r >> (8 * (i - 8)));
    b[8] = quint8(0x80 | (b[8] & 0x3f));

    const QByteArray hex = QByteArray(reinterpret_cast<const char *>(b.data()), 16).toHex();
    return QString::fromLatin1(hex.left(8) + '-' + hex.mid(8, 4) + '-' + hex.mid(12, 4) + '-' + hex.mid(16, 4) + '-'
                               + hex.mid(20));
}

bool isEventId(const QString &text)
{
    if (text.size() != 36)
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != u'-' : !((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

QString lowerBound(qint64 ms)
{
    const QByteArray hex = QByteArray::number(qMax<qint64>(0, ms), 16).rightJustified(12, '0');
    return QString::fromLatin1(hex.left(8) + '-' + hex.mid(8, 4) + "-0000-0000-000000000000");
}

QByteArray randomToken(int bytes)
{
    QByteArray buf(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(buf.data()),
                                         reinterpret_cast<quint32 *>(buf.data()) + bytes / 4);
    return buf.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

bool sameInConstantTime(const QByteArray &a, const QByteArray &b)
{
    unsigned diff = unsigned(a.size() ^ b.size());
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= unsigned(quint8(a[i]) ^ quint8(i < b.size() ? b[i] : 0));
    return diff == 0;
}

} // namespace salesflow::ids
