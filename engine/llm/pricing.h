#pragma once

#include "../api/result.h"

#include <QHash>
#include <QString>

#include <optional>

namespace salesflow::llm {

struct Response;

/// Estimated prices per million tokens by model (resources/llm/prices.json, or the file named by
/// SALESFLOW_LLM_PRICES), and the cost of one call from its usage (NOTES §8).
class PriceTable
{
public:
    struct Price
    {
        double input = 0, cachedInput = 0, output = 0, cacheWrite = 0;
    };
    /// The built-in table, or `file` when not empty.
    static Result<PriceTable> load(const QString &file);
    static Result<PriceTable> parse(const QByteArray &json);

    /// Exact model name, else the longest configured name that prefixes it; nothing if unknown.
    std::optional<Price> priceFor(const QString &model) const;
    /// USD; nothing when the model has no price (shown as unknown, never as free).
    std::optional<double> cost(const QString &model, qint64 inputTokens, qint64 cachedTokens, qint64 cacheWriteTokens,
                               qint64 outputTokens) const;

private:
    QHash<QString, Price> m_prices;
};

} // namespace salesflow::llm
