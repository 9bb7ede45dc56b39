#pragma once

#include "engine/api/iengine.h"

namespace salesflow::app {

/// The sample events shipped in resources/samples (compiled in under :/samples), one per file:
/// the source is the file-name prefix, the content type follows the extension.
QList<IngestItem> sampleEvents();

/// On the first start against an empty store, ingests the samples. Resolves to the number of
/// events stored (0 when the store already had events).
QFuture<Result<int>> seedIfEmpty(IEngine *engine, const Caller &caller);

} // namespace salesflow::app
