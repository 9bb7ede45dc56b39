// libFuzzer target for the offline analyser and the answer validator: for any event text the
// analyser's answer must pass validation unchanged (every objection's evidence is a quote of
// the text, every value in range), and the validator must take any JSON without crashing.
// Built and run by tests/fuzz/run (make fuzz), under ASan and UBSan.
#include "engine/llm/analysis.h"
#include "engine/llm/offline.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString text = QString::fromUtf8(input);
    const salesflow::llm::Analysis a = salesflow::llm::OfflineAnalyser::analyse(
        text, QJsonObject{{QStringLiteral("kind"), QStringLiteral("email")}});
    const auto v = salesflow::llm::validate(salesflow::llm::toJson(a), text);
    if (!v.analysis || !v.notes.isEmpty() || v.analysis->objections.size() != a.objections.size())
        __builtin_trap(); // the analyser invented evidence or left the schema's ranges
    const QJsonDocument doc = QJsonDocument::fromJson(input);
    if (doc.isObject())
        (void)salesflow::llm::validate(doc.object(), text);
    return 0;
}
