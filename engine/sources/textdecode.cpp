// Text of unknown encoding (SRT files, old mail parts) and HTML-style character references.
#include "textdecode.h"

#include <QHash>
#include <QStringDecoder>

#include <uchardet/uchardet.h>

#include <memory>
#include <optional>
#include <type_traits>

namespace salesflow::sources {

namespace {

/// UTF-16 without a byte-order mark: most of one parity's bytes are zero (Latin text).
const char *utf16WithoutBom(const QByteArray &b)
{
    if (b.size() < 4 || b.size() % 2)
        return nullptr;
    qsizetype evenZero = 0, oddZero = 0;
    const qsizetype n = qMin<qsizetype>(b.size(), 4096);
    for (qsizetype i = 0; i + 1 < n; i += 2) {
        evenZero += b[i] == 0;
        oddZero += b[i + 1] == 0;
    }
    if (oddZero * 10 > n / 2 * 6 && evenZero * 10 < n / 2)
        return "UTF-16LE";
    if (evenZero * 10 > n / 2 * 6 && oddZero * 10 < n / 2)
        return "UTF-16BE";
    return nullptr;
}

/// libuchardet's guess for 8-bit text; empty when it has none.
QByteArray detected(const QByteArray &b)
{
    std::unique_ptr<std::remove_pointer_t<uchardet_t>, void (*)(uchardet_t)> ud(uchardet_new(), uchardet_delete);
    if (!ud || uchardet_handle_data(ud.get(), b.constData(), size_t(b.size())) != 0)
        return {};
    uchardet_data_end(ud.get());
    const QByteArray name = uchardet_get_charset(ud.get());
    return name == "ASCII" ? QByteArray() : name;
}

QString decodeAs(const QByteArray &bytes, const char *name, QString *encoding)
{
    QStringDecoder d(name, QStringDecoder::Flag::Stateless);
    if (!d.isValid())
        return QString();
    *encoding = QString::fromLatin1(name);
    return d(bytes);
}

} // namespace

QString decodeUnknownText(const QByteArray &bytes, const QByteArray &declared, QString *encoding)
{
    if (bytes.startsWith("\xef\xbb\xbf"))
        return decodeAs(bytes.mid(3), "UTF-8", encoding);
    if (bytes.startsWith("\xff\xfe"))
        return decodeAs(bytes.mid(2), "UTF-16LE", encoding);
    if (bytes.startsWith("\xfe\xff"))
        return decodeAs(bytes.mid(2), "UTF-16BE", encoding);
    if (const char *utf16 = utf16WithoutBom(bytes))
        return decodeAs(bytes, utf16, encoding);
    // Valid UTF-8 is UTF-8 whatever the sender declared: 8-bit text with any letter beyond ASCII
    // is almost never valid UTF-8, while a wrong declaration on UTF-8 text is common.
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8(bytes);
    if (!utf8.hasError()) {
        *encoding = QStringLiteral("UTF-8");
        return text;
    }
    if (!declared.isEmpty()) {
        QStringDecoder d(declared.constData(), QStringDecoder::Flag::Stateless);
        if (d.isValid()) {
            text = d(bytes);
            if (!d.hasError()) {
                *encoding = QString::fromLatin1(declared);
                return text;
            }
        }
    }
    const QByteArray guess = detected(bytes);
    if (!guess.isEmpty() && guess != "UTF-8") {
        text = decodeAs(bytes, guess.constData(), encoding);
        if (!encoding->isEmpty() && !text.isNull())
            return text;
    }
    return decodeAs(bytes, "windows-1252", encoding); // the likeliest 8-bit subtitle text
}

namespace {

/// What the reference `&name;` stands for; nothing when it is none we know.
std::optional<QString> referenced(const QString &name)
{
    static const QHash<QString, QString> named{{QStringLiteral("amp"), QStringLiteral("&")},
                                               {QStringLiteral("lt"), QStringLiteral("<")},
                                               {QStringLiteral("gt"), QStringLiteral(">")},
                                               {QStringLiteral("quot"), QStringLiteral("\"")},
                                               {QStringLiteral("apos"), QStringLiteral("'")},
                                               {QStringLiteral("nbsp"), QStringLiteral(" ")},
                                               {QStringLiteral("lrm"), QString()},
                                               {QStringLiteral("rlm"), QString()},
                                               {QStringLiteral("hellip"), QStringLiteral("…")},
                                               {QStringLiteral("mdash"), QStringLiteral("—")},
                                               {QStringLiteral("ndash"), QStringLiteral("–")},
                                               {QStringLiteral("rsquo"), QStringLiteral("’")},
                                               {QStringLiteral("lsquo"), QStringLiteral("‘")},
                                               {QStringLiteral("rdquo"), QStringLiteral("”")},
                                               {QStringLiteral("ldquo"), QStringLiteral("“")},
                                               {QStringLiteral("auml"), QStringLiteral("ä")},
                                               {QStringLiteral("ouml"), QStringLiteral("ö")},
                                               {QStringLiteral("uuml"), QStringLiteral("ü")},
                                               {QStringLiteral("Auml"), QStringLiteral("Ä")},
                                               {QStringLiteral("Ouml"), QStringLiteral("Ö")},
                                               {QStringLiteral("Uuml"), QStringLiteral("Ü")},
                                               {QStringLiteral("szlig"), QStringLiteral("ß")},
                                               {QStringLiteral("eacute"), QStringLiteral("é")},
                                               {QStringLiteral("egrave"), QStringLiteral("è")},
                                               {QStringLiteral("agrave"), QStringLiteral("à")},
                                               {QStringLiteral("ccedil"), QStringLiteral("ç")},
                                               {QStringLiteral("ntilde"), QStringLiteral("ñ")},
                                               {QStringLiteral("euro"), QStringLiteral("€")},
                                               {QStringLiteral("copy"), QStringLiteral("©")}};
    bool ok = false;
    uint code = 0;
    if (name.startsWith(QLatin1String("#x")) || name.startsWith(QLatin1String("#X")))
        code = name.mid(2).toUInt(&ok, 16);
    else if (name.startsWith(QLatin1Char('#')))
        code = name.mid(1).toUInt(&ok, 10);
    if (ok && code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) {
        const char32_t c = code;
        return QString::fromUcs4(&c, 1);
    }
    const auto it = named.constFind(name);
    return it == named.cend() ? std::nullopt : std::optional<QString>(*it);
}

/// The ';' closing a reference that starts at `amp`; -1 when none is within a name's length.
qsizetype referenceEnd(const QString &text, qsizetype amp)
{
    for (qsizetype j = amp + 1; j < text.size() && j <= amp + 10; ++j) {
        if (text[j] == QLatin1Char(';'))
            return j;
    }
    return -1;
}

} // namespace

QString decodeCharacterReferences(const QString &text)
{
    if (!text.contains(QLatin1Char('&')))
        return text;
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const qsizetype semi = text[i] == QLatin1Char('&') ? referenceEnd(text, i) : -1;
        const auto value = semi < 0 ? std::nullopt : referenced(text.mid(i + 1, semi - i - 1));
        if (!value) {
            out += text[i];
            continue;
        }
        out += *value;
        i = semi;
    }
    return out;
}

} // namespace salesflow::sources
