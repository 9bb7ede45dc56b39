#pragma once

#include <QString>

namespace salesflow {

/// `text` with every control character (C0 including NUL, DEL, C1) written as a visible `\xHH`
/// escape: for error texts that quote input, so what lands in the store, the log and the app is
/// one readable line whatever the input held. Never fails.
QString printable(const QString &text);

} // namespace salesflow
