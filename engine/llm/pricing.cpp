#include "pricing.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace salesflow::llm {

Result<PriceTable> PriceTable::load(const QString &file)
{
    QFile f(file.isEmpty() ? QStringLiteral(":/llm/prices.json") : file);
    if (!f.open(QIODevice::ReadOnly))
        return makeError("config.prices",
                         QStringLiteral("cannot read the LLM price table %1: %2").arg(f.fileName(), f.errorString()));
    auto t = parse(f.readAll());
    if (!t)
        return Error{t.error().code, f.fileName() + QStringLiteral(": ") + t.error().message, 500};
    return t;
}

Result<PriceTable> PriceTable::parse(const QByteArray &json)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return makeError("config.prices",
                         QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset));
    const QJsonObject models = doc.object().value(QLatin1String("models")).toObject();
    if (models.isEmpty())
        return makeError(
            "config.prices",
            QStringLiteral("expected {\"models\": {\"NAME\": {\"input\", \"cached_input\", \"output\"}}}"));
    PriceTable t;
    for (auto it = models.begin(); it != models.end(); ++it) {
        const QJsonObject p = it.value().toObject();
        if (!p.value(QLatin1String("input")).isDouble() || !p.value(QLatin1String("output")).isDouble())
            return makeError("config.prices",
                             QStringLiteral("model %1 needs numeric input and output prices").arg(it.key()));
        Price price;
        price.input = p.value(QLatin1String("input")).toDouble();
        price.output = p.value(QLatin1String("output")).toDouble();
        price.cachedInput = p.value(QLatin1String("cached_input")).toDouble(price.input);
        price.cacheWrite = p.value(QLatin1String("cache_write")).toDouble(price.input);
        t.m_prices.insert(it.key(), price);
    }
    return t;
}

std::optional<PriceTable::Price> PriceTable::priceFor(const QString &model) const
{
    if (auto it = m_prices.constFind(model); it != m_prices.cend())
        return it.value();
    qsizetype best = 0;
    std::optional<Price> found;
    for (auto it = m_prices.cbegin(); it != m_prices.cend(); ++it) {
        if (model.startsWith(it.key()) && it.key().size() > best) {
            best = it.key().size();
            found = it.value();
        }
    }
    return found;
}

std::optional<double> PriceTable::cost(const QString &model, qint64 inputTokens, qint64 cachedTokens,
                                       qint64 cacheWriteTokens, qint64 outputTokens) const
{
    const auto p = priceFor(model);
    if (!p)
        return std::nullopt;
    const qint64 plain = std::max<qint64>(0, inputTokens - cachedTokens - cacheWriteTokens);
    return (plain * p->input + cachedTokens * p->cachedInput + cacheWriteTokens * p->cacheWrite
            + outputTokens * p->output)
        / 1e6;
}

} // namespace salesflow::llm
