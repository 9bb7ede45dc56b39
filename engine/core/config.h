#pragma once

#include <QHash>
#include <QString>

namespace salesflow {

/// Engine configuration. Every field has an environment variable (PRODUCT.md, "Environment");
/// command-line flags override it.
/// Keys that verify chat platforms' webhook signatures; empty: that platform must send a token.
struct ChatWebhookSecrets
{
    QByteArray intercom;
    QByteArray front;
    QByteArray zendesk;
};

struct Config
{
    QString dbUrl; ///< SALESFLOW_DB; empty: SQLite in the app-data folder
    QString listen = QStringLiteral("127.0.0.1:8765"); ///< SALESFLOW_LISTEN
    int workers = 2; ///< worker threads in this process
    int httpThreads = 2; ///< SALESFLOW_HTTP_THREADS: HTTP transport and API server threads
    int httpHeadTimeoutMs = 10000; ///< SALESFLOW_HTTP_HEAD_TIMEOUT_MS: a request head must arrive within it
    int httpBodyTimeoutMs = 60000; ///< SALESFLOW_HTTP_BODY_TIMEOUT_MS: its body within this after the head
    int httpMaxConnections = 0; ///< SALESFLOW_HTTP_MAX_CONNECTIONS; 0: the descriptor limit less a reserve
    QString role = QStringLiteral("all"); ///< all | api | worker
    qint64 maxBodyBytes = 1024 * 1024; ///< SALESFLOW_MAX_BODY, 413 above it
    /// SALESFLOW_MAX_BODY_<SOURCE> (e.g. _TRANSCRIPT, _EMAIL): a source's own limit instead of
    /// SALESFLOW_MAX_BODY. Call transcripts with alternatives and mail with attachments are big:
    /// 16 MiB and 40 MiB unless set (the inbound-mail services post up to 35 MB: Postmark's limit).
    QHash<QString, qint64> maxBodyBySource{{QStringLiteral("transcript"), 16 * 1024 * 1024},
                                           {QStringLiteral("email"), 40 * 1024 * 1024}};
    QByteArray hubspotClientSecret; ///< HUBSPOT_CLIENT_SECRET (webhook signatures)
    /// The chat platforms' webhook signing secrets: INTERCOM_CLIENT_SECRET (the app's client
    /// secret), FRONT_APP_SECRET (the app's signing key), ZENDESK_WEBHOOK_SECRET (the webhook's).
    ChatWebhookSecrets chatSecrets;
    int maxAttempts = 5; ///< per job, then the event is failed
    /// SALESFLOW_LEASE_MS: a job lease, renewed every third of it while the job runs; a dead
    /// worker's lease lapses within it and another worker resumes the job.
    int leaseMs = 20000;
    bool leaseSet = false; ///< SALESFLOW_LEASE_MS was given

    // Enrichment (PRODUCT.md "Environment"; the last five are SalesFlow extensions).
    QString llm = QStringLiteral("offline"); ///< SALESFLOW_LLM: offline | openai | openai-compatible | anthropic
    QString llmModel; ///< SALESFLOW_LLM_MODEL; empty: the provider's default
    QByteArray openaiApiKey; ///< OPENAI_API_KEY
    QString openaiBaseUrl; ///< OPENAI_BASE_URL (any OpenAI-compatible server)
    QByteArray anthropicApiKey; ///< ANTHROPIC_API_KEY
    QString anthropicBaseUrl; ///< ANTHROPIC_BASE_URL
    double reviewThreshold = 0.6; ///< SALESFLOW_REVIEW_THRESHOLD
    int llmConcurrency = 4; ///< SALESFLOW_LLM_CONCURRENCY: calls in flight per process
    int llmTimeoutMs = 60000; ///< SALESFLOW_LLM_TIMEOUT_MS: per HTTP attempt
    int llmMaxRetries = 3; ///< SALESFLOW_LLM_MAX_RETRIES: transport retries per call
    QString llmPricesFile; ///< SALESFLOW_LLM_PRICES: JSON price table; empty: built in

    // HubSpot writeback.
    QByteArray hubspotAccessToken; ///< HUBSPOT_ACCESS_TOKEN; empty: dry run
    QString hubspotBaseUrl = QStringLiteral("https://api.hubapi.com"); ///< HUBSPOT_BASE_URL
    int hubspotBurst = 100; ///< SALESFLOW_HUBSPOT_BURST: requests per 10 s (100 | 190 | 250 by tier)
    qint64 hubspotDaily = 250000; ///< SALESFLOW_HUBSPOT_DAILY: the account's daily quota
    double hubspotDailyReserve = 0.1; ///< SALESFLOW_HUBSPOT_DAILY_RESERVE: left for other apps
    int hubspotWorkers = 2; ///< SALESFLOW_HUBSPOT_WORKERS: write workers per process
    double hubspotVerify = 0.1; ///< SALESFLOW_HUBSPOT_VERIFY: share of writes read back
    int hubspotTimeoutMs = 30000; ///< SALESFLOW_HUBSPOT_TIMEOUT_MS

    /// The settings of the environment. A secret (SALESFLOW_DB, HUBSPOT_ACCESS_TOKEN,
    /// HUBSPOT_CLIENT_SECRET, OPENAI_API_KEY, ANTHROPIC_API_KEY) may instead be given as a file:
    /// NAME_FILE=/path (Docker and Compose secrets, systemd credentials, mounted Kubernetes
    /// secrets); its content, less a trailing newline, is the value. An unreadable file reads as
    /// unset: call environmentProblem() first to refuse it loudly.
    static Config fromEnvironment();
    /// Why the environment cannot be used (a NAME_FILE that cannot be read, or set beside NAME);
    /// empty when it can. Names the variable and the path, never a value.
    static QString environmentProblem();
    /// The default database: SQLite in QStandardPaths::AppDataLocation.
    static QString defaultDbUrl();
};

} // namespace salesflow
