#pragma once
// The admin's side of the API: prompt versions, prompt tests and replays.

#include "types.h"

#include <QJsonValue>

namespace salesflow {

/// A prompt the engine uses (today: `enrich`), as listed.
struct PromptSummary
{
    QString name;
    int activeVersion = 0; ///< 0: none active
    int versions = 0;
    qint64 updatedAtMs = 0; ///< the newest version's creation
};

/// One stored version of a prompt.
struct PromptVersionInfo
{
    QString name;
    int version = 0;
    QString templateText; ///< `### system` part then `### user` part with {{placeholders}}
    QJsonObject settings; ///< temperature, max_output_tokens, context_token_budget, recent_events, model
    QString author;
    qint64 createdAtMs = 0;
    QString notes;
    bool active = false;
};

struct PromptInfo
{
    QString name;
    QList<PromptVersionInfo> versions; ///< newest first
};

/// A new version as an admin writes it; the engine numbers it and records the author.
struct NewPromptVersion
{
    QString templateText;
    QJsonObject settings;
    QString notes;
};

/// A problem the engine finds in a template or its settings, with where it is (1-based line and
/// column of the template; 0 when it is about the settings or the whole template).
struct PromptProblem
{
    QString message;
    int line = 0;
    int column = 0;
    QString setting; ///< the settings key it is about, if any
};

/// One event's outcome under a tested version beside the active one.
struct PromptTestEvent
{
    QString eventId;
    EnrichmentInfo active; ///< what the active version answers now
    EnrichmentInfo candidate; ///< what the tested version answers
    QList<ActionInfo> activeActions; ///< what each would plan in HubSpot (status "preview")
    QList<ActionInfo> candidateActions;
    QString error; ///< non-empty when this event could not be tested (e.g. not normalised yet)
};

struct PromptTestResult
{
    QString name;
    int version = 0;
    int activeVersion = 0;
    QList<PromptTestEvent> events;
    qint64 inputTokens = 0; ///< of every call the test made (both versions)
    qint64 outputTokens = 0;
    std::optional<double> costUsd; ///< empty when a model has no price
};

/// What a replay takes and how. Either event ids or a filter (at least one of its parts).
struct ReplayRequest
{
    QStringList eventIds;
    qint64 sinceMs = 0; ///< received at or after
    qint64 untilMs = 0; ///< received before
    QString status;
    QString source;
    QString fromStage; ///< normalise | enrich | plan | write; empty: where each failed, else normalise
    int promptVersion = 0; ///< of the enrich prompt; 0: the active one
    bool dryRun = false;
};

/// One field that differs: an enrichment field (`summary`, `objections`, `normalised.subject`, ...)
/// or a HubSpot property of an action.
struct FieldChange
{
    QString field;
    QJsonValue before; ///< null when there was none
    QJsonValue after; ///< null when there will be none
};

/// A planned HubSpot action that a replay adds, changes (with the properties that differ) or removes.
struct ActionChange
{
    QString change; ///< added | changed | removed
    QString kind;
    QString key;
    QString target;
    QList<FieldChange> properties;
};

/// One event of a replay and what happened to it.
struct ReplayItem
{
    int seq = 0;
    QString eventId;
    QString state; ///< pending | done | failed | skipped
    QString fromStage; ///< the stage it was (or would be) taken from
    bool changed = false; ///< a dry run found a difference
    QList<FieldChange> fields;
    QList<ActionChange> actions;
    QString note; ///< e.g. "would go to review: ...", "left alone: a job is still waiting"
    QString error;
};

struct ReplayInfo
{
    QString id;
    QString requestedBy;
    ReplayRequest request;
    QString status; ///< selecting | running | done | failed | cancelled | interrupted
    qint64 total = 0;
    qint64 done = 0; ///< items finished (any state but pending)
    qint64 failed = 0;
    qint64 changed = 0; ///< dry run: items with a difference
    qint64 createdAtMs = 0;
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    int resumed = 0; ///< times another worker took it over after its holder stopped
    QString error;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    double costUsd = 0;
};

struct ReplayPage
{
    ReplayInfo replay;
    QList<ReplayItem> items; ///< in selection order
    QString next; ///< keyset cursor for the next page of items; empty at the end
};

struct ReplayItemQuery
{
    int limit = 100; ///< 1..1000
    QString after;
    bool onlyChanged = false;
};

} // namespace salesflow
