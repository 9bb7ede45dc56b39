#pragma once

#include <QString>

namespace salesflow::ui {

/// A side-by-side line diff of two texts as an HTML table (removed lines red on the left, added
/// green on the right, unchanged lines on both), from the longest common subsequence of lines.
/// Meant for prompt templates (a few hundred lines at most: quadratic in lines).
QString sideBySideDiff(const QString &before, const QString &after, const QString &beforeTitle,
                       const QString &afterTitle);

} // namespace salesflow::ui
