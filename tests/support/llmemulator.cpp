#include "llmemulator.h"

#include "emulatorserver.h"
#include "engine/llm/offline.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>

#include <deque>
#include <optional>

namespace salesflow::test {

QByteArray LlmEmulator::Received::header(const QByteArray &name) const
{
    for (const auto &h : headers)
        if (h.first == name.toLower())
            return h.second;
    return {};
}

namespace {

QByteArray randomHex(int bytes)
{
    QByteArray b(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        b[i] = char(QRandomGenerator::global()->bounded(256));
    return b.toHex();
}

/// The event text the enrich prompt fences with """ lines.
QString eventTextOf(const QString &prompt)
{
    const qsizetype open = prompt.indexOf(QLatin1String("\"\"\"\n"));
    const qsizetype close = open < 0 ? -1 : prompt.indexOf(QLatin1String("\n\"\"\""), open + 4);
    return close < 0 ? prompt : prompt.mid(open + 4, close - open - 4);
}

QString missingRequired(const QJsonObject &schema, const QString &path)
{
    // OpenAI strict mode: every object closed and every property required (NOTES §1).
    if (schema.value(QLatin1String("type")).toString() == QLatin1String("object")) {
        if (schema.value(QLatin1String("additionalProperties")) != QJsonValue(false))
            return QStringLiteral("In context=(%1), 'additionalProperties' is required to be supplied and to be false.")
                .arg(path);
        const QJsonArray req = schema.value(QLatin1String("required")).toArray();
        const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
        for (const QString &k : props.keys()) {
            if (!req.contains(k))
                return QStringLiteral("In context=(%1), 'required' is required to be supplied and to be an array "
                                      "including every key in properties. Missing '%2'.")
                    .arg(path, k);
            const QString inner
                = missingRequired(props.value(k).toObject(),
                                  path.isEmpty() ? QStringLiteral("'properties', '%1'").arg(k)
                                                 : path + QStringLiteral(", 'properties', '%1'").arg(k));
            if (!inner.isEmpty())
                return inner;
        }
    }
    if (schema.value(QLatin1String("type")).toString() == QLatin1String("array"))
        return missingRequired(schema.value(QLatin1String("items")).toObject(), path + QStringLiteral(", 'items'"));
    return {};
}

} // namespace

struct LlmEmulator::Server
{
    LlmEmulator *owner;
    std::deque<qint64> window; // request times for the rpm limit
    int counter = 0;

    explicit Server(LlmEmulator *o) : owner(o) { }

    static QByteArray header(const QList<QPair<QByteArray, QByteArray>> &h, const QByteArray &name)
    {
        for (const auto &p : h)
            if (p.first == name)
                return p.second;
        return {};
    }

    void send(const EmulatorServer::Reply &s, int status, const QJsonObject &body,
              QList<QPair<QByteArray, QByteArray>> headers, int delayMs, bool html = false)
    {
        const QByteArray payload = html
            ? QByteArrayLiteral("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
            : QJsonDocument(body).toJson(QJsonDocument::Compact);
        if (status == 200)
            ++owner->m_answered;
        s.send(status, html ? "text/html" : "application/json", payload, headers, delayMs);
        QTimer::singleShot(qMax(0, delayMs), s.context, [o = owner] { --o->m_inFlight; });
    }

    QList<QPair<QByteArray, QByteArray>> rateHeaders(Api api, int remaining)
    {
        const int limit = owner->m_rpm > 0 ? owner->m_rpm.load() : 5000;
        if (api == Api::OpenAi) {
            return {{"x-ratelimit-limit-requests", QByteArray::number(limit)},
                    {"x-ratelimit-remaining-requests", QByteArray::number(remaining)},
                    {"x-ratelimit-reset-requests", "12ms"},
                    {"x-ratelimit-limit-tokens", "800000"},
                    {"x-ratelimit-remaining-tokens", "799000"},
                    {"x-ratelimit-reset-tokens", "6m0s"},
                    {"openai-version", "2020-10-01"},
                    {"openai-processing-ms", "42"}};
        }
        const QByteArray reset = QDateTime::currentDateTimeUtc().addSecs(60).toString(Qt::ISODate).toLatin1();
        return {{"anthropic-ratelimit-requests-limit", QByteArray::number(limit)},
                {"anthropic-ratelimit-requests-remaining", QByteArray::number(remaining)},
                {"anthropic-ratelimit-requests-reset", reset},
                {"anthropic-ratelimit-tokens-limit", "400000"},
                {"anthropic-ratelimit-tokens-remaining", "399000"},
                {"anthropic-ratelimit-tokens-reset", reset}};
    }

    void error(const EmulatorServer::Reply &s, Api api, int status, QByteArray type, QByteArray code,
               const QString &message, QList<QPair<QByteArray, QByteArray>> headers, int delayMs = 0)
    {
        const QByteArray requestId = "req_" + randomHex(12);
        headers += rateHeaders(api, 100);
        if (api == Api::OpenAi) {
            if (type.isEmpty())
                type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
            headers.append({"x-request-id", requestId});
            send(s, status,
                 QJsonObject{{QStringLiteral("error"),
                              QJsonObject{{QStringLiteral("message"), message},
                                          {QStringLiteral("type"), QString::fromLatin1(type)},
                                          {QStringLiteral("param"), QJsonValue()},
                                          {QStringLiteral("code"),
                                           code.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(code))}}}},
                 headers, delayMs);
        } else {
            if (type.isEmpty()) {
                static const QHash<int, QByteArray> types = {{400, "invalid_request_error"},
                                                             {401, "authentication_error"},
                                                             {403, "permission_error"},
                                                             {404, "not_found_error"},
                                                             {413, "request_too_large"},
                                                             {429, "rate_limit_error"},
                                                             {500, "api_error"},
                                                             {504, "timeout_error"},
                                                             {529, "overloaded_error"}};
                type = types.value(status, "api_error");
            }
            headers.append({"request-id", requestId});
            send(s, status,
                 QJsonObject{{QStringLiteral("type"), QStringLiteral("error")},
                             {QStringLiteral("error"),
                              QJsonObject{{QStringLiteral("type"), QString::fromLatin1(type)},
                                          {QStringLiteral("message"), message}}},
                             {QStringLiteral("request_id"), QString::fromLatin1(requestId)}},
                 headers, delayMs);
        }
    }

    QJsonObject defaultAnswer(const QString &userPrompt)
    {
        llm::Analysis a
            = llm::OfflineAnalyser::analyse(eventTextOf(userPrompt), QJsonObject{{QStringLiteral("linked"), true}});
        a.confidence = 0.85; // a model that is sure of itself
        return llm::toJson(a);
    }

    using Headers = QList<QPair<QByteArray, QByteArray>>;

    /// Why a request is refused, as the provider says it.
    struct Refused
    {
        int status = 400;
        QByteArray type;
        QByteArray code;
        QString message;
        Headers headers;
    };
    using Verdict = std::optional<Refused>;

    /// What the checks read from a request body.
    struct Asked
    {
        QJsonObject body;
        QString userPrompt;
        QString toolName;
    };

    static Refused badRequest(const QString &message) { return {400, {}, {}, message, {}}; }

    Api record(const EmulatorServer::Request &req, QJsonDocument &doc, QJsonParseError &pe)
    {
        ++owner->m_requests;
        if (++owner->m_inFlight > owner->m_maxInFlight)
            owner->m_maxInFlight = owner->m_inFlight;
        const Api api = req.path.startsWith("/v1/messages") ? Api::Anthropic : Api::OpenAi;
        doc = QJsonDocument::fromJson(req.body, &pe);
        QMutexLocker lock(&owner->m_mutex);
        owner->m_received.append({api, req.path, req.headers, doc.object()});
        return api;
    }

    /// Authentication and headers, as each API checks them.
    Verdict checkAuth(Api api, const Headers &headers) const
    {
        if (api == Api::OpenAi) {
            // An empty key is a local server that takes none (Ollama ignores it, NOTES §6).
            if (!owner->openaiKey.isEmpty() && header(headers, "authorization") != "Bearer " + owner->openaiKey)
                return Refused{401,
                               "invalid_request_error",
                               "invalid_api_key",
                               QStringLiteral("Incorrect API key provided. You can find your API key at "
                                              "https://platform.openai.com/account/api-keys."),
                               {}};
            return {};
        }
        const QByteArray key = header(headers, "x-api-key");
        if (key.isEmpty() || key != owner->anthropicKey)
            return Refused{401,
                           {},
                           {},
                           key.isEmpty() ? QStringLiteral("x-api-key header is required")
                                         : QStringLiteral("invalid x-api-key"),
                           {}};
        if (header(headers, "anthropic-version").isEmpty())
            return badRequest(QStringLiteral("anthropic-version: header is required"));
        return {};
    }

    static Verdict checkResponseFormat(const QJsonObject &rf)
    {
        if (rf.value(QLatin1String("type")).toString() != QLatin1String("json_schema"))
            return {};
        const QJsonObject js = rf.value(QLatin1String("json_schema")).toObject();
        static const QRegularExpression nameRe(QStringLiteral("^[a-zA-Z0-9_-]{1,64}$"));
        if (!nameRe.match(js.value(QLatin1String("name")).toString()).hasMatch())
            return badRequest(QStringLiteral("Missing required parameter: 'response_format.json_schema.name'."));
        if (!js.value(QLatin1String("strict")).toBool())
            return {};
        const QString why = missingRequired(js.value(QLatin1String("schema")).toObject(), {});
        if (why.isEmpty())
            return {};
        return badRequest(QStringLiteral("Invalid schema for response_format '%1': %2")
                              .arg(js.value(QLatin1String("name")).toString(), why));
    }

    static Verdict checkOpenAi(Asked &a)
    {
        if (!a.body.value(QLatin1String("model")).isString())
            return badRequest(QStringLiteral("you must provide a model parameter"));
        const QJsonArray messages = a.body.value(QLatin1String("messages")).toArray();
        if (messages.isEmpty())
            return badRequest(QStringLiteral("Missing required parameter: 'messages'."));
        for (const QJsonValue &m : messages)
            if (m.toObject().value(QLatin1String("role")).toString() == QLatin1String("user"))
                a.userPrompt = m.toObject().value(QLatin1String("content")).toString();
        return checkResponseFormat(a.body.value(QLatin1String("response_format")).toObject());
    }

    static Verdict checkAnthropic(Asked &a)
    {
        for (const char *field : {"model", "max_tokens", "messages"})
            if (!a.body.contains(QLatin1String(field)))
                return badRequest(QStringLiteral("%1: Field required").arg(QLatin1String(field)));
        const double t = a.body.value(QLatin1String("temperature")).toDouble(1.0);
        if (t < 0 || t > 1)
            return badRequest(QStringLiteral("temperature: range: 0..1"));
        const QJsonValue content
            = a.body.value(QLatin1String("messages")).toArray().first().toObject().value(QLatin1String("content"));
        a.userPrompt = content.toString();
        a.toolName = a.body.value(QLatin1String("tool_choice")).toObject().value(QLatin1String("name")).toString();
        bool known = a.toolName.isEmpty();
        for (const QJsonValue &tool : a.body.value(QLatin1String("tools")).toArray())
            known = known || tool.toObject().value(QLatin1String("name")).toString() == a.toolName;
        if (!known)
            return badRequest(
                QStringLiteral("tool_choice.name: Tool '%1' not found in provided tools").arg(a.toolName));
        return {};
    }

    /// The route, the headers, then the body, in the order the providers check them.
    Verdict check(const EmulatorServer::Request &req, Api api, const QJsonDocument &doc, const QJsonParseError &pe,
                  Asked &a) const
    {
        if (req.method != "POST" || (req.path != "/v1/chat/completions" && req.path != "/v1/messages"))
            return Refused{404,
                           "not_found_error",
                           {},
                           QStringLiteral("Unknown request URL: %1 %2")
                               .arg(QString::fromLatin1(req.method), QString::fromLatin1(req.path)),
                           {}};
        if (Verdict no = checkAuth(api, req.headers))
            return no;
        if (pe.error != QJsonParseError::NoError || !doc.isObject())
            return badRequest(QStringLiteral("We could not parse the JSON body of your request."));
        a.body = doc.object();
        return api == Api::OpenAi ? checkOpenAi(a) : checkAnthropic(a);
    }

    /// Requests a minute: counts this one unless it is over the limit.
    Verdict rateLimited(Api api, qint64 now)
    {
        while (!window.empty() && window.front() <= now - 60000)
            window.pop_front();
        const int rpm = owner->m_rpm;
        if (rpm <= 0 || int(window.size()) < rpm) {
            window.push_back(now);
            return {};
        }
        const qint64 wait = window.front() + 60000 - now;
        return Refused{429,
                       {},
                       api == Api::OpenAi ? "rate_limit_exceeded" : QByteArray(),
                       QStringLiteral("Rate limit reached for requests: limit %1 requests per minute.").arg(rpm),
                       {{"retry-after", QByteArray::number((wait + 999) / 1000)}}};
    }

    Step takeStep(Api api)
    {
        QMutexLocker lock(&owner->m_mutex);
        for (qsizetype i = 0; i < owner->m_script.size(); ++i)
            if (owner->m_script[i].first == api)
                return owner->m_script.takeAt(i).second;
        return {};
    }

    /// Answers a scripted fault that is not a 200 with an answer; false when the step has an answer.
    bool answeredByFault(const EmulatorServer::Reply &s, Api api, const Step &step, int delay)
    {
        switch (step.kind) {
        case Step::Status:
            error(s, api, step.status, step.errorType, step.errorCode,
                  step.errorType == "insufficient_quota"
                      ? QStringLiteral("You exceeded your current quota, please check your plan and billing details.")
                      : step.status == 529 ? QStringLiteral("Overloaded")
                      : step.status == 429 ? QStringLiteral("Rate limit reached for requests.")
                                           : QStringLiteral("The server had an error while processing your request."),
                  step.headers, delay);
            return true;
        case Step::Timeout:
            --owner->m_inFlight;
            return true; // hold the connection; the client gives up
        case Step::Drop:
            --owner->m_inFlight;
            s.drop();
            return true;
        case Step::NotJsonBody:
            send(s, 200, {}, {}, delay, true);
            return true;
        default:
            return false;
        }
    }

    QJsonObject answerFor(const Step &step, const QString &userPrompt)
    {
        QJsonObject answer = step.kind == Step::Custom ? step.answer : defaultAnswer(userPrompt);
        if (step.kind == Step::InvalidAnswer) {
            answer.insert(QStringLiteral("intent"), QStringLiteral("maybe"));
            answer.insert(QStringLiteral("lead_quality"), 150);
        } else if (step.kind == Step::FakeEvidence) {
            QJsonArray objections = answer.value(QLatin1String("objections")).toArray();
            objections.append(
                QJsonObject{{QStringLiteral("category"), QStringLiteral("budget")},
                            {QStringLiteral("evidence"), QStringLiteral("We can never afford a tool like this")}});
            answer.insert(QStringLiteral("objections"), objections);
        }
        return answer;
    }

    /// One answer being sent: what the model says and what it cost.
    struct ModelAnswer
    {
        Step::Kind kind;
        QJsonObject answer;
        QString content;
        qint64 promptTokens;
        qint64 completionTokens;
        QString model;
        QString toolName;
        qint64 now;
    };

    static QJsonObject openAiUsage(const ModelAnswer &a)
    {
        return QJsonObject{{QStringLiteral("prompt_tokens"), a.promptTokens},
                           {QStringLiteral("completion_tokens"), a.completionTokens},
                           {QStringLiteral("total_tokens"), a.promptTokens + a.completionTokens},
                           {QStringLiteral("prompt_tokens_details"),
                            QJsonObject{{QStringLiteral("cached_tokens"), 0}, {QStringLiteral("audio_tokens"), 0}}},
                           {QStringLiteral("completion_tokens_details"),
                            QJsonObject{{QStringLiteral("reasoning_tokens"), 0},
                                        {QStringLiteral("audio_tokens"), 0},
                                        {QStringLiteral("accepted_prediction_tokens"), 0},
                                        {QStringLiteral("rejected_prediction_tokens"), 0}}}};
    }

    QJsonObject openAiCompletion(const ModelAnswer &a) const
    {
        QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                            {QStringLiteral("content"), a.content},
                            {QStringLiteral("refusal"), QJsonValue()},
                            {QStringLiteral("annotations"), QJsonArray()}};
        QString finish = QStringLiteral("stop");
        if (a.kind == Step::Refusal) {
            message.insert(QStringLiteral("content"), QJsonValue());
            message.insert(QStringLiteral("refusal"), QStringLiteral("I'm sorry, I can't help with that request."));
        } else if (a.kind == Step::Truncated) {
            finish = QStringLiteral("length");
        } else if (a.kind == Step::ContentFilter) {
            message.insert(QStringLiteral("content"), QJsonValue());
            finish = QStringLiteral("content_filter");
        }
        return QJsonObject{{QStringLiteral("id"), QStringLiteral("chatcmpl-emu%1").arg(counter)},
                           {QStringLiteral("object"), QStringLiteral("chat.completion")},
                           {QStringLiteral("created"), a.now / 1000},
                           {QStringLiteral("model"), QString(a.model + QStringLiteral("-2024-08-06"))},
                           {QStringLiteral("choices"),
                            QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                                   {QStringLiteral("message"), message},
                                                   {QStringLiteral("logprobs"), QJsonValue()},
                                                   {QStringLiteral("finish_reason"), finish}}}},
                           {QStringLiteral("usage"), openAiUsage(a)},
                           {QStringLiteral("service_tier"), QStringLiteral("default")},
                           {QStringLiteral("system_fingerprint"), QStringLiteral("fp_emulator")}};
    }

    static QJsonObject anthropicUsage(const ModelAnswer &a)
    {
        return QJsonObject{{QStringLiteral("input_tokens"), a.promptTokens},
                           {QStringLiteral("output_tokens"), a.completionTokens},
                           {QStringLiteral("cache_creation_input_tokens"), 0},
                           {QStringLiteral("cache_read_input_tokens"), 0},
                           {QStringLiteral("cache_creation"),
                            QJsonObject{{QStringLiteral("ephemeral_5m_input_tokens"), 0},
                                        {QStringLiteral("ephemeral_1h_input_tokens"), 0}}},
                           {QStringLiteral("service_tier"), QStringLiteral("standard")}};
    }

    QJsonObject toolUse(const ModelAnswer &a, const QJsonObject &input) const
    {
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                           {QStringLiteral("id"), QStringLiteral("toolu_emu%1").arg(counter)},
                           {QStringLiteral("name"), a.toolName},
                           {QStringLiteral("input"), input}};
    }

    QJsonObject anthropicMessage(const ModelAnswer &a) const
    {
        QJsonArray blocks;
        QString stop = QStringLiteral("tool_use");
        QJsonObject msg{{QStringLiteral("id"), QStringLiteral("msg_emu%1").arg(counter)},
                        {QStringLiteral("type"), QStringLiteral("message")},
                        {QStringLiteral("role"), QStringLiteral("assistant")},
                        {QStringLiteral("model"), a.model},
                        {QStringLiteral("stop_sequence"), QJsonValue()},
                        {QStringLiteral("usage"), anthropicUsage(a)}};
        if (a.kind == Step::Refusal) {
            stop = QStringLiteral("refusal");
            msg.insert(QStringLiteral("stop_details"),
                       QJsonObject{{QStringLiteral("type"), QStringLiteral("refusal")},
                                   {QStringLiteral("category"), QStringLiteral("cyber")},
                                   {QStringLiteral("explanation"),
                                    QStringLiteral("This request was declined by the safety system.")}});
        } else if (a.kind == Step::Truncated) {
            stop = QStringLiteral("max_tokens");
            blocks.append(toolUse(a, QJsonObject{{QStringLiteral("summary"), QStringLiteral("The prospect")}}));
        } else if (a.kind == Step::TextInsteadOfTool || a.kind == Step::MalformedContent) {
            stop = QStringLiteral("end_turn");
            blocks.append(
                QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), a.content}});
        } else {
            blocks.append(toolUse(a, a.answer));
        }
        msg.insert(QStringLiteral("content"), blocks);
        msg.insert(QStringLiteral("stop_reason"), stop);
        return msg;
    }

    ModelAnswer answerOf(const Step &step, const Asked &asked, qsizetype requestBytes, qint64 now)
    {
        ModelAnswer a{step.kind, answerFor(step, asked.userPrompt), {}, 0, 0, {}, asked.toolName, now};
        const QByteArray answerJson = QJsonDocument(a.answer).toJson(QJsonDocument::Compact);
        a.content = step.kind == Step::MalformedContent || step.kind == Step::Truncated
            ? QString::fromUtf8(answerJson.left(answerJson.size() / 2))
            : QString::fromUtf8(answerJson);
        a.promptTokens = (requestBytes + 3) / 4;
        a.completionTokens = (answerJson.size() + 3) / 4;
        a.model = asked.body.value(QLatin1String("model")).toString();
        return a;
    }

    void handle(const EmulatorServer::Request &req, const EmulatorServer::Reply &s)
    {
        QJsonParseError pe;
        QJsonDocument doc;
        const Api api = record(req, doc, pe);
        Asked asked;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        Verdict no = check(req, api, doc, pe, asked);
        if (!no)
            no = rateLimited(api, now);
        if (no) {
            error(s, api, no->status, no->type, no->code, no->message, no->headers);
            return;
        }
        const Step step = takeStep(api);
        const int delay = step.delayMs > 0 ? step.delayMs : owner->m_defaultDelayMs.load();
        if (answeredByFault(s, api, step, delay))
            return;
        const ModelAnswer a = answerOf(step, asked, req.body.size(), now);
        const QByteArray requestId = "req_" + randomHex(12);
        ++counter;
        const int rpm = owner->m_rpm;
        Headers hs = rateHeaders(api, rpm > 0 ? rpm - int(window.size()) : 4999);
        hs.append({api == Api::OpenAi ? "x-request-id" : "request-id", requestId});
        send(s, 200, api == Api::OpenAi ? openAiCompletion(a) : anthropicMessage(a), hs, delay);
    }
};

LlmEmulator::LlmEmulator()
    : m_server(std::make_unique<Server>(this)),
      m_http(std::make_unique<EmulatorServer>(
          [this](const EmulatorServer::Request &r, const EmulatorServer::Reply &reply) { m_server->handle(r, reply); }))
{ }

LlmEmulator::~LlmEmulator()
{
    m_http.reset(); // stops the server thread before the state it uses goes
}

quint16 LlmEmulator::start(quint16 port)
{
    m_port = m_http->start(port);
    return m_port;
}

QString LlmEmulator::openaiBaseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_port);
}

QString LlmEmulator::anthropicBaseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

void LlmEmulator::script(Api api, const Step &step)
{
    QMutexLocker lock(&m_mutex);
    m_script.append({api, step});
}

QList<LlmEmulator::Received> LlmEmulator::received() const
{
    QMutexLocker lock(&m_mutex);
    return m_received;
}

} // namespace salesflow::test
