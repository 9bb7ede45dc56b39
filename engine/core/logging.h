#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcQueue)
Q_DECLARE_LOGGING_CATEGORY(lcIngest)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcPipeline)
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcHubspot)
Q_DECLARE_LOGGING_CATEGORY(lcLlm)

namespace salesflow {
/// Headless mode: every log line becomes one JSON object on stderr (for log shippers).
void installJsonLogHandler();
} // namespace salesflow
