#include "mailtext.h"

#include <QRegularExpression>
#include <QStringDecoder>

namespace salesflow::sources {

namespace {

struct Word
{
    QByteArray charset;
    QByteArray bytes;
};

QByteArray qDecode(const QByteArray &text)
{
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '_') {
            out += ' ';
        } else if (text[i] == '=' && i + 2 < text.size() && isxdigit(uchar(text[i + 1]))
                   && isxdigit(uchar(text[i + 2]))) {
            out += char(text.mid(i + 1, 2).toInt(nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

QString inCharset(const QByteArray &bytes, const QByteArray &charset)
{
    QStringDecoder d(charset.constData(), QStringDecoder::Flag::Stateless);
    if (d.isValid()) {
        QString s = d(bytes);
        if (!d.hasError())
            return s;
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString s = utf8(bytes);
    return utf8.hasError() ? QString::fromLatin1(bytes) : s;
}

/// An RFC 2047 encoded-word: charset (with an optional *language), encoding, text.
const QRegularExpression &encodedWord()
{
    static const QRegularExpression word(QStringLiteral("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?="));
    return word;
}

/// The bytes an encoded-word matched by encodedWord() carries.
QByteArray wordBytes(const QRegularExpressionMatch &m)
{
    const QByteArray text = m.captured(3).toLatin1();
    return m.captured(2).compare(QLatin1String("B"), Qt::CaseInsensitive) == 0 ? QByteArray::fromBase64(text)
                                                                               : qDecode(text);
}

} // namespace

QString decodeHeaderText(const QByteArray &raw)
{
    const QRegularExpression &word = encodedWord();
    QByteArray unfolded = raw;
    unfolded.replace("\r\n", "").replace('\n', "");
    const QString s = QString::fromLatin1(unfolded); // bytes as they came: decoded per piece below
    QString out;
    QList<Word> pending; // adjacent encoded-words not yet decoded
    const auto flush = [&] {
        for (qsizetype i = 0; i < pending.size();) {
            QByteArray bytes = pending[i].bytes;
            qsizetype j = i + 1;
            while (j < pending.size() && pending[j].charset == pending[i].charset)
                bytes += pending[j++].bytes;
            out += inCharset(bytes, pending[i].charset);
            i = j;
        }
        pending.clear();
    };
    qsizetype last = 0;
    for (auto it = word.globalMatch(s); it.hasNext();) {
        const auto m = it.next();
        const QString gap = s.mid(last, m.capturedStart() - last);
        if (pending.isEmpty() || !gap.trimmed().isEmpty()) {
            flush();
            out += inCharset(gap.toLatin1(), "UTF-8");
        }
        const QByteArray charset = m.captured(1).section(QLatin1Char('*'), 0, 0).toLatin1().toLower();
        pending.append({charset, wordBytes(m)});
        last = m.capturedEnd();
    }
    flush();
    out += inCharset(s.mid(last).toLatin1(), "UTF-8");
    return out.trimmed();
}

QByteArray joinEncodedWords(const QByteArray &raw)
{
    const QRegularExpression &word = encodedWord();
    const QString s = QString::fromLatin1(raw);
    QByteArray out, charset, bytes;
    int words = 0; // in the run being joined
    const auto flush = [&] {
        if (words > 0)
            out += "=?" + charset + "?B?" + bytes.toBase64() + "?=";
        words = 0;
        bytes.clear();
    };
    qsizetype last = 0;
    for (auto it = word.globalMatch(s); it.hasNext();) {
        const auto m = it.next();
        const QString gap = s.mid(last, m.capturedStart() - last);
        const QByteArray cs = m.captured(1).toLatin1();
        if (words == 0 || !gap.trimmed().isEmpty() || cs.compare(charset, Qt::CaseInsensitive) != 0) {
            flush();
            out += gap.toLatin1();
            charset = cs;
        }
        bytes += wordBytes(m);
        ++words;
        last = m.capturedEnd();
    }
    flush();
    return out + s.mid(last).toLatin1();
}

QByteArray tidyMessageHead(const QByteArray &message, QString *repair)
{
    static const QRegularExpression field(QStringLiteral("^[\\x21-\\x39\\x3b-\\x7e]+:"));
    QList<QByteArray> lines = message.split('\n');
    qsizetype first = 0;
    while (first < lines.size() && lines[first].trimmed().isEmpty())
        ++first;
    if (first < lines.size() && lines[first].startsWith("From ")) // an mbox envelope line
        ++first;
    QList<QByteArray> head = lines.mid(first);
    for (qsizetype i = 0; i < head.size(); ++i) {
        const QByteArray line = QByteArray(head[i]).replace('\r', "");
        if (line.isEmpty())
            break; // the blank line is there
        if (line[0] == ' ' || line[0] == '\t' || field.match(QString::fromLatin1(line)).hasMatch())
            continue;
        if (i == 0)
            break; // no header at all: GMime says so
        head.insert(i, QByteArray(head[i].endsWith('\r') ? "\r" : ""));
        *repair = QStringLiteral("no blank line between the header and the body");
        break;
    }
    return head.join('\n');
}

QString rawMessageId(const QByteArray &raw)
{
    const qsizetype end = [&] {
        qsizetype a = raw.indexOf("\r\n\r\n"), b = raw.indexOf("\n\n");
        if (a < 0)
            return b < 0 ? raw.size() : b;
        return b < 0 ? a : qMin(a, b);
    }();
    const QList<QByteArray> lines = raw.left(end).split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (!line.toLower().startsWith("message-id:"))
            continue;
        QByteArray value = line.mid(11);
        while (i + 1 < lines.size() && (lines[i + 1].startsWith(' ') || lines[i + 1].startsWith('\t')))
            value += lines[++i];
        return QString::fromUtf8(value.trimmed());
    }
    return {};
}

} // namespace salesflow::sources
