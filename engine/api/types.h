#pragma once

#include "caller.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace salesflow {

/// The sources the ingest API accepts (PRODUCT.md, "HTTP API").
enum class Source { Form, Email, Transcript, Chat, Product, Hubspot };

/// Lifecycle statuses of an event (PRODUCT.md, "Lifecycle of an event").
namespace EventStatus {
inline const QString Received = QStringLiteral("received");
inline const QString Normalised = QStringLiteral("normalised");
inline const QString Enriched = QStringLiteral("enriched");
inline const QString InReview = QStringLiteral("in_review");
inline const QString Approved = QStringLiteral("approved");
inline const QString Rejected = QStringLiteral("rejected");
inline const QString Planned = QStringLiteral("planned");
inline const QString Done = QStringLiteral("done");
inline const QString Failed = QStringLiteral("failed");
QStringList all();
} // namespace EventStatus

/// One raw event as handed to the engine: bytes exactly as received, plus what the door knows.
struct IngestItem
{
    QString source; ///< "form", "email", ...
    QByteArray contentType; ///< as sent, e.g. "application/json"
    QByteArray payload; ///< raw bytes
    QByteArray idempotencyKey; ///< the Idempotency-Key header, may be empty
};

struct IngestReceipt
{
    QString id;
    bool duplicate = false;
};

struct EventQuery
{
    QString status; ///< empty: any
    QString source; ///< empty: any
    QString text; ///< case-insensitive substring of subject, text, contact, company or dedup key; or an id
    qint64 sinceMs = 0; ///< received_at >= since (0: unbounded)
    qint64 untilMs = 0; ///< received_at < until (0: unbounded)
    int limit = 100;
    QString after; ///< keyset cursor: the last id of the previous page
    QStringList ids; ///< only these events (at most 1000; a list refreshing its rows in place)
};

struct EventSummary
{
    QString id;
    QString source;
    QString status;
    QString contentType;
    QString dedupKey;
    qint64 receivedAtMs = 0;
    qint64 updatedAtMs = 0;
    qint64 sizeBytes = 0;
    QString failedStage;
    QString lastError;
    // What a person reads in a list (empty until the stage that knows it has run):
    QString contact; ///< the normalised actor (name or address)
    QString company;
    QString subject; ///< the subject, else the text's first line (at most 160 characters)
    QString intent; ///< the newest enrichment's (a reviewer's version counts)
    std::optional<double> confidence;
};

struct EventPage
{
    QList<EventSummary> items;
    QString next; ///< empty when this is the last page
};

struct AuditEntry
{
    qint64 id = 0;
    QString eventId;
    QString actor;
    QString action;
    QString before;
    QString after;
    QString detail;
    qint64 atMs = 0;
};

/// A page of the audit log, newest first (GET /v1/audit). Every filter is optional.
struct AuditQuery
{
    QString actor; ///< exact actor, e.g. "token:website" or "user:dana"
    QString eventId;
    QString action; ///< e.g. "received", "normalised", "replay"
    qint64 sinceMs = 0; ///< at >= since (0: unbounded)
    qint64 untilMs = 0; ///< at < until (0: unbounded)
    int limit = 100; ///< 1..1000
    QString after; ///< keyset cursor from the previous page's `next`; empty: the newest
};

struct AuditPage
{
    QList<AuditEntry> items;
    QString next; ///< empty when this is the last page
};

/// One event whose status changed (an audit entry of it was written) after the feed's cursor.
struct Change
{
    QString eventId;
    QString status; ///< the event's status now
    QString action; ///< the latest audit action that touched it
    QString actor;
    qint64 atMs = 0;
};

/// The change feed (GET /v1/changes): what changed after a cursor, the counts per status now,
/// and the cursor to ask with next time. Each event appears once, with its latest status.
struct ChangeSet
{
    QList<Change> items;
    QMap<QString, qint64> counts;
    QString cursor;
};

/// A person who logs in (users table); the password hash never leaves the store.
struct UserInfo
{
    QString name;
    Role role = Role::Viewer;
    qint64 createdAtMs = 0;
    qint64 disabledAtMs = 0; ///< 0: active
};

/// An API token as listed (never the token itself, which is shown once when created).
struct TokenInfo
{
    QString name;
    Role role = Role::Ingest;
    qint64 createdAtMs = 0;
    qint64 revokedAtMs = 0; ///< 0: active
};

/// A login (POST /v1/session): the session token is in clear only in this answer.
struct Session
{
    QString user;
    Role role = Role::Viewer;
    QByteArray token;
    qint64 expiresAtMs = 0;
};

/// An event waiting for a reviewer (GET /v1/review), with what a reviewer needs to pick it.
struct ReviewItem
{
    QString eventId;
    QString source;
    qint64 receivedAtMs = 0;
    QStringList reasons;
    double confidence = 0;
    QString summary; ///< one line
    QString intent;
    QString contact;
    QString company;
    QString holder; ///< who claimed it (empty: nobody, or the claim lapsed)
    qint64 heldUntilMs = 0;
};

struct ReviewPage
{
    QList<ReviewItem> items; ///< oldest first
    QString next;
};

struct ReviewClaim
{
    QString eventId;
    QString holder;
    qint64 untilMs = 0;
};

/// A reviewer's decision. `edits` may change summary, intent, lead_quality, objections,
/// next_action, follow_up_email {subject, body}, lead_score_change (the enrichment's JSON names).
struct ReviewDecision
{
    bool approve = false;
    QJsonObject edits;
    QString comment;
};

struct DecisionResult
{
    QString eventId;
    QString status; ///< approved | rejected
    qint64 enrichmentId = 0; ///< the reviewer's version (approve), or the AI's (reject)
    bool repeated = false; ///< the same decision by the same reviewer was already applied
};

struct JobInfo
{
    qint64 id = 0;
    QString stage;
    int attempts = 0;
    qint64 runAfterMs = 0;
    QString leaseOwner;
    QString lastError;
};

/// The internal model of an event after the normalise stage, with its linked entities.
struct NormalisedInfo
{
    QString kind;
    qint64 occurredAtMs = 0;
    QString actor;
    QString company;
    QString dealRef;
    QString subject;
    QString text;
    QString attributesJson;
    QString contactKey; ///< the linked contact's key (email or hubspot:ID), empty when unlinked
    QString companyKey;
    QString dealKey;
};

struct ObjectionInfo
{
    QString category;
    QString evidence;
};

/// One enrichment of an event with its provenance (enrichment_outputs).
struct EnrichmentInfo
{
    qint64 id = 0;
    QString summary;
    QString intent;
    int leadQuality = 0;
    QList<ObjectionInfo> objections;
    QString nextAction;
    QString followUpSubject;
    QString followUpBody;
    int leadScoreChange = 0;
    double confidence = 0;
    QString promptName;
    int promptVersion = 0;
    QString provider;
    QString model;
    QString requestId;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cachedTokens = 0;
    qint64 latencyMs = 0;
    std::optional<double> costUsd; ///< empty when the model has no price in the table
    int llmCalls = 0;
    int httpRetries = 0;
    QString outcome; ///< ok | invalid | refused | truncated | filtered | no_tool_use
    QString reviewState; ///< not_required | pending | approved | rejected
    QStringList reviewReasons;
    QStringList validationNotes;
    QString rawOutput;
    qint64 createdAtMs = 0;
    QString reviewedBy; ///< the reviewer whose version this is (their edits); empty: the AI's own
    QString reviewComment;
};

/// A planned HubSpot change and where it stands (crm_actions, with its latest attempt).
struct ActionInfo
{
    qint64 id = 0;
    QString kind; ///< upsert_contact | upsert_company | note | task | update_contact
    QString key; ///< idempotency key
    QString target;
    QString status; ///< planned | written | done | failed | dry_run | superseded
    QString hubspotId;
    int attempts = 0;
    QString lastError;
    QString verified; ///< empty: not read back; ok; or what was missing
    int lastResponseCode = 0;
    QString payloadJson;
};

struct EventDetail
{
    EventSummary summary;
    std::optional<NormalisedInfo> normalised;
    QList<EnrichmentInfo> enrichments; ///< oldest first
    QList<ActionInfo> actions; ///< planned HubSpot changes, in plan order
    QByteArray payload;
    QList<AuditEntry> audit;
    QList<JobInfo> jobs;
};

struct Stats
{
    QMap<QString, qint64> byStatus;
    QMap<QString, qint64> bySource;
    QMap<QString, qint64> queueByStage; ///< jobs waiting or leased, per stage
    QMap<QString, qint64> oldestJobAgeMs; ///< per stage: how long its oldest job has been queued
    qint64 total = 0;
    qint64 ingestedLastMinute = 0;
    qint64 enrichments = 0;
    qint64 llmInputTokens = 0;
    qint64 llmOutputTokens = 0;
    qint64 llmCachedTokens = 0;
    double llmCostUsd = 0;
    QMap<QString, qint64> actionsByStatus; ///< HubSpot actions: planned, done, failed, dry_run, ...
    qint64 hubspotCallsToday = 0; ///< by every writer (UTC day)
    qint64 hubspotDailyBudget = 0; ///< calls SalesFlow may make today (the quota less the reserve)
    qint64 hubspotPausedUntilMs = 0; ///< writers wait until then (a 429 or the headers said so)
    qint64 replaysRunning = 0; ///< replays choosing their events or working through them
};

} // namespace salesflow
