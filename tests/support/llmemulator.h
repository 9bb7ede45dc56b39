#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QString>

#include <atomic>
#include <memory>

namespace salesflow::test {

/// An HTTP server speaking OpenAI Chat Completions (`POST /v1/chat/completions`) and Anthropic
/// Messages (`POST /v1/messages`) as reference/llm/NOTES.md describes them: bearer / x-api-key
/// auth, anthropic-version, required fields, the success bodies with usage and request ids,
/// each API's error body, rate-limit headers (OpenAI durations, Anthropic RFC 3339), and
/// scripted faults. It runs on its own thread (EmulatorServer), so blocking callers work.
///
/// Answers: the next scripted Step for that API, else a default analysis made from the event
/// text in the prompt (the text between the prompt's `"""` fences), with evidence quoted from it.
class LlmEmulator
{
public:
    enum class Api { OpenAi, Anthropic };
    struct Step
    {
        enum Kind {
            Answer, ///< the default answer (with `delayMs`)
            Status, ///< an HTTP error with the API's error body: status, errorType, errorCode, headers
            Timeout, ///< accept the request, never answer
            Drop, ///< close the connection without answering
            NotJsonBody, ///< 200 with an HTML page (a proxy in the way)
            MalformedContent, ///< 200, the model's answer is cut-off JSON (finish_reason stop)
            InvalidAnswer, ///< 200, JSON that breaks the schema's enums and ranges
            FakeEvidence, ///< 200, valid, with one objection quoting text not in the event
            Refusal, ///< OpenAI message.refusal / Anthropic stop_reason refusal
            Truncated, ///< finish_reason length / stop_reason max_tokens
            ContentFilter, ///< finish_reason content_filter (OpenAI)
            TextInsteadOfTool, ///< Anthropic: a text block, no tool_use
            Custom, ///< 200 with `answer` as the model's JSON
        };
        Kind kind = Answer;
        int status = 0;
        QByteArray errorType;
        QByteArray errorCode;
        QList<QPair<QByteArray, QByteArray>> headers;
        int delayMs = 0;
        QJsonObject answer;
    };
    struct Received
    {
        Api api;
        QByteArray path;
        QList<QPair<QByteArray, QByteArray>> headers; ///< names lower-cased
        QJsonObject body;
        QByteArray header(const QByteArray &name) const;
    };

    LlmEmulator();
    ~LlmEmulator();
    LlmEmulator(const LlmEmulator &) = delete;
    LlmEmulator &operator=(const LlmEmulator &) = delete;

    /// Listens on 127.0.0.1 (port 0: a free one); returns the port.
    quint16 start(quint16 port = 0);
    QString openaiBaseUrl() const; ///< http://127.0.0.1:PORT/v1
    QString anthropicBaseUrl() const; ///< http://127.0.0.1:PORT

    void script(Api api, const Step &step);
    void setDefaultDelayMs(int ms) { m_defaultDelayMs = ms; }
    /// Requests a minute before 429 rate_limit_error with retry-after (0: unlimited).
    void setRequestsPerMinute(int rpm) { m_rpm = rpm; }
    QByteArray openaiKey = "sk-test-openai-key";
    QByteArray anthropicKey = "sk-ant-test-key";

    QList<Received> received() const;
    int requestCount() const { return m_requests.load(); }
    int answered200() const { return m_answered.load(); }
    /// The most requests that were waiting for their answer at the same moment.
    int maxInFlight() const { return m_maxInFlight.load(); }

    struct Server;

private:
    friend struct Server;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<class EmulatorServer> m_http;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QList<QPair<Api, Step>> m_script;
    QList<Received> m_received;
    std::atomic<int> m_defaultDelayMs{0};
    std::atomic<int> m_rpm{0};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_answered{0};
    int m_inFlight = 0; ///< emulator thread only
    std::atomic<int> m_maxInFlight{0};
};

} // namespace salesflow::test
