#pragma once
// `salesflow --screenshots DIR` (`make screenshots`): the real app on a fresh embedded store with
// the sample events, driven through each main view the way a person would use it, each view saved
// as a PNG rendered by the app itself (QWidget::grab, works offscreen).

#include "connection.h"

namespace salesflow::app {

/// Runs the tour and answers the process exit code (0 when every picture was written).
int takeScreenshots(const Connection &connection, const QString &directory);

} // namespace salesflow::app
