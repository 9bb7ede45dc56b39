#pragma once

#include "../../api/types.h"
#include "../../llm/analysis.h"
#include "../../llm/llm.h"
#include "../../llm/pricing.h"
#include "../../store/enrichmentrepository.h"
#include "../../store/promptrepository.h"
#include "../istage.h"

#include <QHash>

#include <memory>

namespace salesflow::pipeline {

/// The enrich stage: renders the active `enrich` prompt with the event and its CRM context,
/// asks the configured provider for the structured analysis, validates it (one retry with the
/// validation errors in the prompt), records the output with its provenance and cost, and
/// routes the event: `enriched` (next: plan) or `in_review` with the reasons. Transport
/// failures are retried by the provider as the SDKs do, then by the job queue; refusals,
/// truncations and content-filter stops go to review without a retry.
class EnrichStage final : public IStage
{
public:
    struct Options
    {
        double reviewThreshold = 0.6;
        int scoreChangePolicy = 15; ///< |lead_score_change| above this goes to review
        QString promptName = QStringLiteral("enrich");
        qint64 leaseMs = 15 * 60 * 1000; ///< longest run: the slowest call with its retries
    };

    EnrichStage(std::shared_ptr<llm::IProvider> provider, llm::PriceTable prices, Options options);

    QString name() const override { return QStringLiteral("enrich"); }
    /// A model's answer is committed as soon as it arrives (one job a lease: an answer paid for
    /// is never held back behind the next call, nor lost with it in a crash). The offline
    /// analyser costs nothing and answers at once: its jobs go in batches like normalise's.
    int batchSize() const override { return m_provider->name() == QLatin1String("offline") ? 32 : 1; }
    int dedicatedWorkers() const override;
    qint64 leaseMs() const override { return m_options.leaseMs; }
    Result<StageOutput> run(const queue::Job &job, store::Connection &conn) override;
    /// Each job as run() does, reading each prompt version once for the batch.
    QList<Result<StageOutput>> runBatch(const QList<queue::Job> &jobs, store::Connection &conn) override;

    /// The enrichment of one event with a given prompt version, written nowhere (the stage and
    /// prompt tests use it). `in_review` reasons are filled; reviewState says pending or not.
    Result<EnrichmentInfo> enrich(store::Connection &conn, const QString &eventId, const llm::PromptVersion &prompt);
    /// The same on a context the caller built (a dry run from normalise overrides the event's fields).
    Result<EnrichmentInfo> enrichWith(const store::EnrichContext &ctx, const llm::PromptVersion &prompt);
    /// How many earlier events of the contact the prompt wants in its context.
    static int recentEvents(const llm::PromptVersion &prompt);

    const llm::IProvider &provider() const { return *m_provider; }

private:
    /// Prompt versions read for a batch: 0 the active one, else a pinned version.
    using Prompts = QHash<int, llm::PromptVersion>;
    /// The job's prompt: the version its replay pinned, else the active one.
    Result<llm::PromptVersion> promptFor(store::Connection &conn, const queue::Job &job, Prompts &prompts);
    /// The batch's enrichments, written together when it commits.
    struct Outputs final : BatchWrite
    {
        QList<std::pair<QString, EnrichmentInfo>> rows; ///< event id, enrichment
        Status apply(store::Connection &c, const QList<int> &parts) override;
    };
    /// One job, its enrichment added to `write`; `loaded` is its context when the batch read it
    /// already (else it is read now).
    Result<StageOutput> runWith(const queue::Job &job, store::Connection &conn, Prompts &prompts,
                                const std::shared_ptr<Outputs> &write, Result<store::EnrichContext> *loaded = nullptr);
    /// Calls the model; an answer that fails validation is retried once with the errors. Adds
    /// tokens, latency and cost to `info`; `validation` is the last answer's.
    Result<llm::Response> callModel(llm::Request req, const QString &eventText, EnrichmentInfo &info,
                                    llm::Validation &validation);
    /// Fills outcome, the analysis and the review reasons from the last answer.
    void judge(EnrichmentInfo &info, const llm::Response &last, const llm::Validation &validation) const;

    std::shared_ptr<llm::IProvider> m_provider;
    llm::PriceTable m_prices;
    Options m_options;
};

/// The analysis fields of an enrichment, both ways (the rest — provenance, review — untouched).
void copyAnalysis(EnrichmentInfo &info, const llm::Analysis &a);
llm::Analysis analysisOf(const EnrichmentInfo &e);

} // namespace salesflow::pipeline
