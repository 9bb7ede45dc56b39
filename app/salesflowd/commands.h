#pragma once

#include <QStringList>

namespace salesflow::cli {

/// `salesflowd serve|migrate|token create|import|status` (PRODUCT.md, "Command line").
/// Returns the process exit code: 0 ok, 1 runtime failure, 2 usage error.
int run(const QStringList &args);

} // namespace salesflow::cli
