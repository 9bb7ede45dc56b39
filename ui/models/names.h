#pragma once

#include <QColor>
#include <QCoreApplication>
#include <QString>

namespace salesflow::ui {

/// The words a person reads for the engine's status, source and intent names (translated), and
/// the colour that helps tell statuses apart. Unknown names are shown as they are.
class Names
{
    Q_DECLARE_TR_FUNCTIONS(Names)

public:
    static QString status(const QString &status);
    static QString source(const QString &source);
    static QString intent(const QString &intent);
    /// Red for failed, amber for in review, green for done, grey for rejected; invalid otherwise.
    static QColor statusColor(const QString &status);
    /// The statuses in lifecycle order, then failed.
    static QStringList statuses();
    static QStringList sources();
};

} // namespace salesflow::ui
