#pragma once

#include "../../api/types.h"
#include "../../llm/analysis.h"
#include "../../llm/llm.h"
#include "../../llm/pricing.h"
#include "../../store/enrichmentrepository.h"
#include "../../store/promptrepository.h"
#include "../istage.h"

#include <QHash>

#include <algorithm>
#include <memory>
#include <optional>

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
    /// A model's calls for a batch go out together, as many at once as the provider's
    /// concurrency allows, and are committed together: an answer waits for the slowest call of
    /// its batch (never behind a call made after it), and a crash loses at most a batch of
    /// answers paid for. The batch is the provider's concurrency (at most 16). The offline
    /// analyser costs nothing and answers at once: its jobs go in batches like normalise's.
    int batchSize() const override
    {
        return m_provider->name() == QLatin1String("offline") ? 32 : std::clamp(m_provider->concurrency(), 1, 16);
    }
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
    /// One event's model calls: the request, and what its answers added up to.
    struct Call
    {
        llm::Request request;
        QString originalUser; ///< the user part before a re-ask added the validation errors
        EnrichmentInfo info;
        llm::Validation validation; ///< the last answer's
        llm::Response last;
        std::optional<Error> error; ///< no answer (the provider's error; the job queue retries)
    };
    /// A job of a batch: settled without a model call (a HubSpot change, a missing prompt or
    /// context), or the call to make.
    struct Work
    {
        std::optional<Result<StageOutput>> settled;
        Call call;
    };
    /// The job's prompt and context (`loaded` when the batch read it already, else read now).
    Work prepare(const queue::Job &job, store::Connection &conn, Prompts &prompts,
                 Result<store::EnrichContext> *loaded);
    /// The request for an event: the prompt rendered within its budget.
    Result<Call> callFor(const store::EnrichContext &ctx, const llm::PromptVersion &prompt) const;
    /// Makes the calls together (the provider sends them at once as far as its concurrency
    /// allows); an answer that fails validation is asked again once with the errors, again
    /// together with the batch's other re-asks.
    void callModels(QList<Call *> calls);
    /// Adds an answer's tokens, latency and cost to the call; true when it is to be asked again.
    bool takeAnswer(Call &c, llm::Response answer, int call);
    /// The enrichment the call's last answer makes, or its error.
    Result<EnrichmentInfo> finish(Call &c) const;
    /// The job's output, its enrichment added to `write`.
    static Result<StageOutput> outputFor(const QString &eventId, Result<EnrichmentInfo> info,
                                         const std::shared_ptr<Outputs> &write);
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
