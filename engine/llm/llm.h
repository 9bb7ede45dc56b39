#pragma once

#include "../api/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace salesflow {
struct Config;
}

namespace salesflow::llm {

/// One structured-output request: a system part (static instructions, cacheable), a user part
/// (the event and its CRM context) and the JSON schema the answer must follow.
struct Request
{
    QString system;
    QString user;
    QJsonObject schema; ///< strict-compatible JSON Schema of the answer
    QString schemaName; ///< OpenAI json_schema.name / Anthropic tool name
    int maxOutputTokens = 1200;
    double temperature = 0.2;
    QString model; ///< empty: the provider's configured model
    QString eventText; ///< the text evidence must quote (used by the offline analyser)
    QJsonObject facts; ///< kind, actor, first_name, subject, company, linked, deal_stage (offline)
};

/// How a call ended when the provider answered 200.
enum class Outcome {
    Ok, ///< an answer to validate
    Refused, ///< the model declined (OpenAI refusal, Anthropic stop_reason refusal)
    Truncated, ///< finish_reason length / stop_reason max_tokens
    Filtered, ///< finish_reason content_filter
    NoToolUse, ///< Anthropic answered text instead of the forced tool
};
QString outcomeName(Outcome o);

struct Response
{
    Outcome outcome = Outcome::Ok;
    QJsonObject output; ///< the parsed answer (Outcome::Ok and the JSON parsed)
    QString rawOutput; ///< the answer as received (a JSON string, refusal text, ...)
    QString parseError; ///< set when the answer text is not a JSON object
    QString reason; ///< refusal/stop explanation for review
    QString provider;
    QString model; ///< as the provider reports it
    QString requestId; ///< x-request-id / request-id
    qint64 inputTokens = 0; ///< all input tokens, cached ones included
    qint64 outputTokens = 0;
    qint64 cachedTokens = 0; ///< read from cache
    qint64 cacheWriteTokens = 0;
    qint64 latencyMs = 0; ///< wall time of the call, retries included
    int retries = 0; ///< transport retries taken
};

/// A source of structured analyses. complete() blocks the calling worker thread; errors are
/// "llm.*" (retryable by the job queue) or "permanent.llm.*" (bad key, bad request: the event
/// fails with the provider's message and can be replayed once fixed).
class IProvider
{
public:
    virtual ~IProvider() = default;
    virtual QString name() const = 0; ///< offline | openai | openai-compatible | anthropic
    virtual QString model() const = 0;
    /// How many calls may run at once; the enrich stage gets this many workers.
    virtual int concurrency() const = 0;
    virtual Result<Response> complete(const Request &request) = 0;
    /// Several calls, each as complete() would make it, at once as far as concurrency() allows
    /// (the HTTP providers send them together); the results in request order. By default one
    /// after the other.
    virtual QList<Result<Response>> completeAll(const QList<Request> &requests)
    {
        QList<Result<Response>> out;
        for (const Request &r : requests)
            out.append(complete(r));
        return out;
    }
};

/// The provider the configuration names (SALESFLOW_LLM and friends). Errors name the missing
/// setting (e.g. OPENAI_API_KEY) without echoing any secret.
Result<std::shared_ptr<IProvider>> makeProvider(const Config &config);

} // namespace salesflow::llm
