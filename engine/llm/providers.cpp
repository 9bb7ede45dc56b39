// OpenAI Chat Completions (and OpenAI-compatible local servers) and Anthropic Messages, as
// reference/llm/NOTES.md §1, §3, §4 and §6 describe them.
#include "llm.h"

#include "../core/config.h"
#include "../core/logging.h"
#include "httpcall.h"
#include "offline.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSemaphore>

namespace salesflow::llm {

QString outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Ok:
        return QStringLiteral("ok");
    case Outcome::Refused:
        return QStringLiteral("refused");
    case Outcome::Truncated:
        return QStringLiteral("truncated");
    case Outcome::Filtered:
        return QStringLiteral("filtered");
    case Outcome::NoToolUse:
        return QStringLiteral("no_tool_use");
    }
    return QStringLiteral("unknown");
}

namespace {

bool retryable(int status)
{
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

/// A non-200 answer as an Error with the provider's own message (never the request or key).
Error statusError(const QString &provider, const HttpAnswer &a)
{
    const QJsonObject body = QJsonDocument::fromJson(a.body).object();
    const QJsonObject e = body.value(QLatin1String("error")).toObject();
    QString type = e.value(QLatin1String("type")).toString();
    const QJsonValue code = e.value(QLatin1String("code"));
    const QString codeText = code.isString() ? code.toString() : QString();
    QString message = e.value(QLatin1String("message")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(a.body.left(200)).simplified();
    QString what = type;
    if (!codeText.isEmpty())
        what += (what.isEmpty() ? QString() : QStringLiteral("/")) + codeText;
    const QString requestId = QString::fromLatin1(a.headers.value("x-request-id", a.headers.value("request-id")));
    QString text = QStringLiteral("%1 answered HTTP %2").arg(provider).arg(a.status);
    if (!what.isEmpty())
        text += QStringLiteral(" (%1)").arg(what);
    text += QStringLiteral(": ") + message.left(500);
    if (a.retries > 0)
        text += QStringLiteral(" after %1 retries").arg(a.retries);
    if (!requestId.isEmpty())
        text += QStringLiteral(" [request %1]").arg(requestId);
    const bool quota = a.body.contains("insufficient_quota") || a.body.contains("credit_balance_exhausted");
    const QString codeName = QStringLiteral("llm.http_%1").arg(a.status);
    if (retryable(a.status) && !quota)
        return Error{codeName, text, 502};
    return Error{QStringLiteral("permanent.") + codeName, text, 502, 0, Retry::Permanent};
}

Error badBody(const QString &provider, const HttpAnswer &a, const QString &why)
{
    // A 200 whose body is not what the API defines (a proxy page, a cut connection): the job retries.
    return Error{QStringLiteral("llm.bad_response"),
                 QStringLiteral("%1 answered HTTP 200 with %2: %3")
                     .arg(provider, why, QString::fromUtf8(a.body.left(120)).simplified()),
                 502};
}

using Exchanged = Result<std::pair<HttpAnswer, QJsonObject>>;

/// One call's answer: the 200 answer and its JSON object, or the provider's error
/// (statusError) or a bad body.
Exchanged parse(const QString &provider, Result<HttpAnswer> answer)
{
    if (!answer)
        return answer.error();
    const HttpAnswer &a = answer.value();
    if (a.status != 200)
        return statusError(provider, a);
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(a.body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return badBody(provider, a, QStringLiteral("a body that is not JSON"));
    return std::make_pair(a, doc.object());
}

/// The bodies' calls under the provider's concurrency cap, in waves: each wave takes the slots
/// free at that moment (at least one, waited for) and sends that many calls at once.
QList<Exchanged> exchangeAll(const QString &provider, QSemaphore &slots, const QUrl &url,
                             const QList<std::pair<QByteArray, QByteArray>> &headers, const QList<QJsonObject> &bodies,
                             const RetryPolicy &policy)
{
    QList<Exchanged> out;
    for (qsizetype next = 0; next < bodies.size();) {
        slots.acquire();
        qsizetype wave = 1;
        while (next + wave < bodies.size() && slots.tryAcquire())
            ++wave;
        QList<QByteArray> encoded;
        for (qsizetype i = next; i < next + wave; ++i)
            encoded.append(QJsonDocument(bodies[i]).toJson(QJsonDocument::Compact));
        QList<Result<HttpAnswer>> answers = postJsonAll(url, headers, encoded, policy);
        slots.release(int(wave));
        for (auto &a : answers)
            out.append(parse(provider, std::move(a)));
        next += wave;
    }
    return out;
}

/// OpenAI's and Anthropic's common part: a call is a JSON body to one URL, read back from JSON.
class HttpProvider : public IProvider
{
public:
    HttpProvider(int concurrency, RetryPolicy policy)
        : m_concurrency(concurrency), m_slots(concurrency), m_policy(policy)
    { }
    int concurrency() const override { return m_concurrency; }
    Result<Response> complete(const Request &r) override { return completeAll({r}).first(); }
    QList<Result<Response>> completeAll(const QList<Request> &requests) override
    {
        QList<QJsonObject> bodies;
        for (const Request &r : requests)
            bodies.append(bodyFor(r));
        const QList<Exchanged> exchanged = exchangeAll(name(), m_slots, m_url, headers(), bodies, m_policy);
        QList<Result<Response>> out;
        for (qsizetype i = 0; i < requests.size(); ++i)
            out.append(exchanged[i] ? read(requests[i], exchanged[i]->first, exchanged[i]->second)
                                    : Result<Response>(exchanged[i].error()));
        return out;
    }

protected:
    virtual QJsonObject bodyFor(const Request &r) const = 0;
    virtual QList<std::pair<QByteArray, QByteArray>> headers() const = 0;
    virtual Result<Response> read(const Request &r, const HttpAnswer &a, const QJsonObject &root) const = 0;

    QUrl m_url;

private:
    int m_concurrency;
    QSemaphore m_slots;
    RetryPolicy m_policy;
};

/// What every answer records about where it came from.
Response provenance(const QString &provider, const QString &configuredModel, const HttpAnswer &a,
                    const QJsonObject &root, const QByteArray &requestIdHeader)
{
    Response out;
    out.provider = provider;
    out.model = root.value(QLatin1String("model")).toString(configuredModel);
    out.requestId = QString::fromLatin1(a.headers.value(requestIdHeader));
    out.latencyMs = a.latencyMs;
    out.retries = a.retries;
    return out;
}

class OpenAiProvider final : public HttpProvider
{
public:
    OpenAiProvider(const Config &c, bool compatible)
        : HttpProvider(c.llmConcurrency, RetryPolicy{RetryPolicy::Flavour::OpenAi, c.llmMaxRetries, c.llmTimeoutMs}),
          m_compatible(compatible), m_key(c.openaiApiKey)
    {
        QString base = c.openaiBaseUrl.isEmpty() ? QStringLiteral("https://api.openai.com/v1") : c.openaiBaseUrl;
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        m_url = QUrl(base + QStringLiteral("/chat/completions"));
        m_model = !c.llmModel.isEmpty() ? c.llmModel
            : compatible                ? QStringLiteral("llama3.1")
                                        : QStringLiteral("gpt-4o-mini");
    }
    QString name() const override
    {
        return m_compatible ? QStringLiteral("openai-compatible") : QStringLiteral("openai");
    }
    QString model() const override { return m_model; }

protected:
    QJsonObject bodyFor(const Request &r) const override
    {
        QJsonObject body{
            {QStringLiteral("model"), r.model.isEmpty() ? m_model : r.model},
            {QStringLiteral("messages"),
             QJsonArray{
                 QJsonObject{
                     {QStringLiteral("role"), m_compatible ? QStringLiteral("system") : QStringLiteral("developer")},
                     {QStringLiteral("content"), r.system}},
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), r.user}}}},
            // The nested json_schema form: the one OpenAI, Ollama, llama.cpp and vLLM all read.
            {QStringLiteral("response_format"),
             QJsonObject{{QStringLiteral("type"), QStringLiteral("json_schema")},
                         {QStringLiteral("json_schema"),
                          QJsonObject{{QStringLiteral("name"), r.schemaName},
                                      {QStringLiteral("strict"), true},
                                      {QStringLiteral("schema"), r.schema}}}}},
            {QStringLiteral("temperature"), r.temperature},
        };
        if (m_compatible) {
            body.insert(QStringLiteral("max_tokens"), r.maxOutputTokens); // local servers read only this
        } else {
            body.insert(QStringLiteral("max_completion_tokens"), r.maxOutputTokens);
            body.insert(QStringLiteral("store"), false);
        }
        return body;
    }

    QList<std::pair<QByteArray, QByteArray>> headers() const override
    {
        if (m_key.isEmpty())
            return {};
        return {{QByteArrayLiteral("Authorization"), QByteArray("Bearer " + m_key)}};
    }

    Result<Response> read(const Request &r, const HttpAnswer &a, const QJsonObject &root) const override
    {
        const QJsonArray choices = root.value(QLatin1String("choices")).toArray();
        if (choices.isEmpty())
            return badBody(name(), a, QStringLiteral("no choices"));
        Response out = provenance(name(), m_model, a, root, "x-request-id");
        const QJsonObject usage = root.value(QLatin1String("usage")).toObject();
        out.inputTokens = usage.value(QLatin1String("prompt_tokens")).toInteger();
        out.outputTokens = usage.value(QLatin1String("completion_tokens")).toInteger();
        out.cachedTokens = usage.value(QLatin1String("prompt_tokens_details"))
                               .toObject()
                               .value(QLatin1String("cached_tokens"))
                               .toInteger();
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject message = choice.value(QLatin1String("message")).toObject();
        const QString finish = choice.value(QLatin1String("finish_reason")).toString();
        const QJsonValue refusal = message.value(QLatin1String("refusal"));
        out.rawOutput = message.value(QLatin1String("content")).toString();
        if (refusal.isString() && !refusal.toString().isEmpty()) {
            out.outcome = Outcome::Refused;
            out.reason = refusal.toString();
            out.rawOutput = out.reason;
        } else if (finish == QLatin1String("length")) {
            out.outcome = Outcome::Truncated;
            out.reason = QStringLiteral("the answer was cut at %1 output tokens (finish_reason length)")
                             .arg(r.maxOutputTokens);
        } else if (finish == QLatin1String("content_filter")) {
            out.outcome = Outcome::Filtered;
            out.reason = QStringLiteral("the provider's content filter stopped the answer");
        } else {
            QJsonParseError cpe;
            const QJsonDocument content = QJsonDocument::fromJson(out.rawOutput.toUtf8(), &cpe);
            if (cpe.error != QJsonParseError::NoError || !content.isObject())
                out.parseError = cpe.error != QJsonParseError::NoError
                    ? QStringLiteral("the answer is not valid JSON (%1 at offset %2)")
                          .arg(cpe.errorString())
                          .arg(cpe.offset)
                    : QStringLiteral("the answer is JSON but not an object");
            else
                out.output = content.object();
        }
        return out;
    }

private:
    bool m_compatible;
    QByteArray m_key;
    QString m_model;
};

class AnthropicProvider final : public HttpProvider
{
public:
    explicit AnthropicProvider(const Config &c)
        : HttpProvider(c.llmConcurrency, RetryPolicy{RetryPolicy::Flavour::Anthropic, c.llmMaxRetries, c.llmTimeoutMs}),
          m_key(c.anthropicApiKey)
    {
        QString base = c.anthropicBaseUrl.isEmpty() ? QStringLiteral("https://api.anthropic.com") : c.anthropicBaseUrl;
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        if (base.endsWith(QLatin1String("/v1")))
            base.chop(3);
        m_url = QUrl(base + QStringLiteral("/v1/messages"));
        m_model = c.llmModel.isEmpty() ? QStringLiteral("claude-sonnet-4-5") : c.llmModel;
    }
    QString name() const override { return QStringLiteral("anthropic"); }
    QString model() const override { return m_model; }

protected:
    QJsonObject bodyFor(const Request &r) const override
    {
        return QJsonObject{
            {QStringLiteral("model"), r.model.isEmpty() ? m_model : r.model},
            {QStringLiteral("max_tokens"), r.maxOutputTokens},
            // Static instructions first and marked for the prompt cache; the event comes after.
            {QStringLiteral("system"),
             QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                    {QStringLiteral("text"), r.system},
                                    {QStringLiteral("cache_control"),
                                     QJsonObject{{QStringLiteral("type"), QStringLiteral("ephemeral")}}}}}},
            {QStringLiteral("messages"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), r.user}}}},
            {QStringLiteral("tools"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("name"), r.schemaName},
                 {QStringLiteral("description"), QStringLiteral("Return the structured analysis of the sales event.")},
                 {QStringLiteral("input_schema"), r.schema}}}},
            {QStringLiteral("tool_choice"),
             QJsonObject{{QStringLiteral("type"), QStringLiteral("tool")},
                         {QStringLiteral("name"), r.schemaName},
                         {QStringLiteral("disable_parallel_tool_use"), true}}},
            {QStringLiteral("temperature"), std::clamp(r.temperature, 0.0, 1.0)},
        };
    }

    QList<std::pair<QByteArray, QByteArray>> headers() const override
    {
        return {{QByteArrayLiteral("x-api-key"), m_key},
                {QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("2023-06-01")}};
    }

    Result<Response> read(const Request &r, const HttpAnswer &a, const QJsonObject &root) const override
    {
        if (root.value(QLatin1String("type")).toString() != QLatin1String("message"))
            return badBody(name(), a, QStringLiteral("no message object"));
        Response out = provenance(name(), m_model, a, root, "request-id");
        const QJsonObject usage = root.value(QLatin1String("usage")).toObject();
        out.cachedTokens = usage.value(QLatin1String("cache_read_input_tokens")).toInteger();
        out.cacheWriteTokens = usage.value(QLatin1String("cache_creation_input_tokens")).toInteger();
        // input_tokens excludes the cache tokens (NOTES §3): the total is the sum.
        out.inputTokens
            = usage.value(QLatin1String("input_tokens")).toInteger() + out.cachedTokens + out.cacheWriteTokens;
        out.outputTokens = usage.value(QLatin1String("output_tokens")).toInteger();
        const QString stop = root.value(QLatin1String("stop_reason")).toString();
        QJsonObject toolInput;
        bool found = false;
        QString text;
        for (const QJsonValue &block : root.value(QLatin1String("content")).toArray()) {
            const QJsonObject b = block.toObject();
            if (b.value(QLatin1String("type")).toString() == QLatin1String("tool_use")
                && b.value(QLatin1String("name")).toString() == r.schemaName) {
                toolInput = b.value(QLatin1String("input")).toObject();
                found = b.value(QLatin1String("input")).isObject();
            } else if (b.value(QLatin1String("type")).toString() == QLatin1String("text")) {
                text += b.value(QLatin1String("text")).toString();
            }
        }
        if (stop == QLatin1String("refusal")) {
            const QJsonObject details = root.value(QLatin1String("stop_details")).toObject();
            out.outcome = Outcome::Refused;
            out.reason = details.value(QLatin1String("explanation")).toString();
            const QString category = details.value(QLatin1String("category")).toString();
            if (!category.isEmpty())
                out.reason = category + (out.reason.isEmpty() ? QString() : QStringLiteral(": ") + out.reason);
            if (out.reason.isEmpty())
                out.reason = QStringLiteral("the model declined (stop_reason refusal)");
            out.rawOutput = text;
        } else if (stop == QLatin1String("max_tokens") || stop == QLatin1String("model_context_window_exceeded")) {
            out.outcome = Outcome::Truncated;
            out.reason = QStringLiteral("the answer was cut (stop_reason %1 at max_tokens %2)")
                             .arg(stop)
                             .arg(r.maxOutputTokens);
            out.rawOutput = found ? QString::fromUtf8(QJsonDocument(toolInput).toJson(QJsonDocument::Compact)) : text;
        } else if (!found) {
            out.outcome = Outcome::NoToolUse;
            out.reason = QStringLiteral("the model answered in text instead of calling %1").arg(r.schemaName);
            out.rawOutput = text;
        } else {
            out.output = toolInput;
            out.rawOutput = QString::fromUtf8(QJsonDocument(toolInput).toJson(QJsonDocument::Compact));
        }
        return out;
    }

private:
    QByteArray m_key;
    QString m_model;
};

} // namespace

Result<std::shared_ptr<IProvider>> makeProvider(const Config &c)
{
    if (c.llm == QLatin1String("offline") || c.llm.isEmpty())
        return std::shared_ptr<IProvider>(std::make_shared<OfflineAnalyser>());
    if (c.llm == QLatin1String("openai") || c.llm == QLatin1String("openai-compatible")) {
        // `openai` speaks OpenAI's dialect (developer role, max_completion_tokens, store) to the
        // base URL, which may be a gateway; `openai-compatible` speaks what local servers read
        // (system role, max_tokens): Ollama, llama.cpp, vLLM (NOTES §6).
        const bool compatible = c.llm == QLatin1String("openai-compatible");
        const QUrl base(c.openaiBaseUrl);
        if (!c.openaiBaseUrl.isEmpty() && (!base.isValid() || base.host().isEmpty()))
            return makeError("config.llm", QStringLiteral("OPENAI_BASE_URL is not a URL: %1").arg(c.openaiBaseUrl));
        if (compatible && c.openaiBaseUrl.isEmpty())
            return makeError("config.llm",
                             QStringLiteral("SALESFLOW_LLM=openai-compatible needs OPENAI_BASE_URL, e.g. "
                                            "http://127.0.0.1:11434/v1 for Ollama"));
        if (!compatible && c.openaiApiKey.isEmpty())
            return makeError("config.llm",
                             QStringLiteral("SALESFLOW_LLM=openai needs OPENAI_API_KEY (for a local server without a "
                                            "key use SALESFLOW_LLM=openai-compatible)"));
        if (!compatible && !c.openaiBaseUrl.isEmpty() && base.host() != QLatin1String("api.openai.com"))
            qCInfo(lcLlm)
                << "OPENAI_BASE_URL points at" << base.host()
                << "- if that is a local server (Ollama, llama.cpp, vLLM), set SALESFLOW_LLM=openai-compatible";
        return std::shared_ptr<IProvider>(std::make_shared<OpenAiProvider>(c, compatible));
    }
    if (c.llm == QLatin1String("anthropic")) {
        if (c.anthropicApiKey.isEmpty())
            return makeError("config.llm", QStringLiteral("SALESFLOW_LLM=anthropic needs ANTHROPIC_API_KEY"));
        return std::shared_ptr<IProvider>(std::make_shared<AnthropicProvider>(c));
    }
    return makeError(
        "config.llm",
        QStringLiteral("SALESFLOW_LLM is offline, openai, openai-compatible or anthropic (got '%1')").arg(c.llm));
}

} // namespace salesflow::llm
