#include "templatehighlighter.h"

#include <QRegularExpression>
#include <QTextDocument>

namespace salesflow::ui {

TemplateHighlighter::TemplateHighlighter(QTextDocument *document) : QSyntaxHighlighter(document) { }

void TemplateHighlighter::setProblems(const QList<PromptProblem> &problems)
{
    m_problems = problems;
    rehighlight();
}

void TemplateHighlighter::highlightBlock(const QString &text)
{
    if (text.startsWith(QLatin1String("###"))) {
        QTextCharFormat heading;
        heading.setFontWeight(QFont::Bold);
        heading.setForeground(QColor(0x5e, 0x35, 0xb1));
        setFormat(0, int(text.size()), heading);
    }
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{[^}]*\\}\\}"));
    QTextCharFormat known;
    known.setForeground(QColor(0x15, 0x65, 0xc0));
    known.setFontWeight(QFont::DemiBold);
    for (auto it = placeholder.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), known);
    }
    const int line = currentBlock().blockNumber() + 1;
    for (const PromptProblem &p : std::as_const(m_problems)) {
        if (p.line != line)
            continue;
        const int from = qBound(0, p.column - 1, int(text.size()));
        // The rest of the token the problem points at (at least one character).
        int to = from;
        while (to < text.size() && !text.at(to).isSpace())
            ++to;
        QTextCharFormat wrong = format(from);
        wrong.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        wrong.setUnderlineColor(QColor(0xc6, 0x28, 0x28));
        wrong.setToolTip(p.message);
        setFormat(from, qMax(1, to - from), wrong);
    }
}

} // namespace salesflow::ui
