#include "linediff.h"

#include <QStringList>

#include <vector>

namespace salesflow::ui {

namespace {

QString cell(const QString &text, const char *colour)
{
    return QStringLiteral("<td style='background:%1'><pre style='margin:0'>%2</pre></td>")
        .arg(QLatin1String(colour), text.toHtmlEscaped());
}

} // namespace

QString sideBySideDiff(const QString &before, const QString &after, const QString &beforeTitle,
                       const QString &afterTitle)
{
    const QStringList a = before.split(QLatin1Char('\n')), b = after.split(QLatin1Char('\n'));
    const qsizetype n = a.size(), m = b.size();
    // lcs[i][j]: the common lines of a[i..] and b[j..].
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    QString rows;
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            rows += QStringLiteral("<tr>%1%2</tr>").arg(cell(a[i], "transparent"), cell(b[j], "transparent"));
            ++i, ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            rows += QStringLiteral("<tr>%1%2</tr>").arg(cell(QString(), "transparent"), cell(b[j], "#c8e6c9"));
            ++j;
        } else {
            rows += QStringLiteral("<tr>%1%2</tr>").arg(cell(a[i], "#ffcdd2"), cell(QString(), "transparent"));
            ++i;
        }
    }
    return QStringLiteral("<table width='100%' cellspacing='0'><tr><th>%1</th><th>%2</th></tr>%3</table>")
        .arg(beforeTitle.toHtmlEscaped(), afterTitle.toHtmlEscaped(), rows);
}

} // namespace salesflow::ui
