#pragma once

#include "analysis.h"
#include "llm.h"

namespace salesflow::llm {

/// The offline provider (the default): no network, deterministic. Lexicons and rules find
/// buying signals and objections (each with the sentence that shows it as evidence), an
/// extractive summary picks the sentences with the most signal, and templates write the next
/// action and follow-up. Its confidence grows with the signal it found and stays low when it
/// found little, so thin events go to review instead of pretending.
class OfflineAnalyser final : public IProvider
{
public:
    QString name() const override { return QStringLiteral("offline"); }
    QString model() const override { return QStringLiteral("offline-rules-1"); }
    int concurrency() const override { return 2; }
    Result<Response> complete(const Request &request) override;

    static Analysis analyse(const QString &text, const QJsonObject &facts);
};

} // namespace salesflow::llm
