// libFuzzer target for one source parser (chosen at build time with -DFUZZ_SOURCE="form" and
// -DFUZZ_TYPE="application/json"): the parser must return a result or a precise error for any
// input, never crash, hang or leak. Built and run by tests/fuzz/run (make fuzz), under ASan.
#include "engine/sources/intake.h"
#include "engine/sources/normalised.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString source = QStringLiteral(FUZZ_SOURCE);
    auto parsed = salesflow::sources::normalise(source, FUZZ_TYPE, input);
    if (!parsed.ok() && parsed.error().message.isEmpty())
        __builtin_trap(); // an error must say what was wrong
    // The door's own checks on the same bytes.
    salesflow::IngestItem item{source, FUZZ_TYPE, input, {}};
    auto parts = salesflow::sources::explode(item);
    if (parts.ok()) {
        for (const auto &p : parts.value())
            (void)salesflow::sources::admit(p);
    }
    return 0;
}
