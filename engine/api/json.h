#pragma once

#include "dashboardtypes.h"
#include "replaytypes.h"
#include "types.h"

#include <QJsonObject>

namespace salesflow::json {

/// The one JSON codec of the API types, both ways: the HTTP server writes with toJson and a
/// remote client reads with fromJson, so the two cannot drift. Timestamps are ISO 8601 UTC with
/// milliseconds (empty or null for "none"); empty optional strings are null. fromJson is lenient
/// about missing members (they keep their defaults) and never throws: the shapes are the
/// server's own. Round trips are tested (tests/engine/tst_json.cpp).
QString isoTime(qint64 ms);
/// Epoch ms of an ISO 8601 time or of a number of epoch milliseconds; 0 for empty, -1 when neither.
qint64 parseTime(const QString &s);

QJsonObject toJson(const EventSummary &e);
QJsonObject toJson(const EventPage &p);
QJsonObject toJson(const AuditEntry &a);
QJsonObject toJson(const AuditPage &p);
QJsonObject toJson(const JobInfo &j);
QJsonObject toJson(const NormalisedInfo &n);
QJsonObject toJson(const EnrichmentInfo &e);
QJsonObject toJson(const ActionInfo &a);
QJsonObject toJson(const EventDetail &d);
QJsonObject toJson(const Stats &s);
QJsonObject toJson(const Change &c);
QJsonObject toJson(const ChangeSet &c);
QJsonObject toJson(const IngestReceipt &r);
QJsonObject toJson(const UserInfo &v);
QJsonObject toJson(const TokenInfo &v);
QJsonObject toJson(const Session &v);
QJsonObject toJson(const ReviewItem &v);
QJsonObject toJson(const ReviewPage &v);
QJsonObject toJson(const ReviewClaim &v);
QJsonObject toJson(const ReviewDecision &v);
QJsonObject toJson(const DecisionResult &v);
QJsonObject toJson(const PromptSummary &v);
QJsonObject toJson(const PromptVersionInfo &v);
QJsonObject toJson(const PromptInfo &v);
QJsonObject toJson(const NewPromptVersion &v);
QJsonObject toJson(const PromptProblem &v);
QJsonObject toJson(const PromptTestEvent &v);
QJsonObject toJson(const PromptTestResult &v);
QJsonObject toJson(const ReplayRequest &v);
QJsonObject toJson(const FieldChange &v);
QJsonObject toJson(const ActionChange &v);
QJsonObject toJson(const ReplayItem &v);
QJsonObject toJson(const ReplayInfo &v);
QJsonObject toJson(const ReplayPage &v);
QJsonObject toJson(const Dashboard &v);

template<typename T>
T fromJson(const QJsonObject &o);

template<>
EventSummary fromJson<EventSummary>(const QJsonObject &o);
template<>
EventPage fromJson<EventPage>(const QJsonObject &o);
template<>
AuditEntry fromJson<AuditEntry>(const QJsonObject &o);
template<>
AuditPage fromJson<AuditPage>(const QJsonObject &o);
template<>
JobInfo fromJson<JobInfo>(const QJsonObject &o);
template<>
NormalisedInfo fromJson<NormalisedInfo>(const QJsonObject &o);
template<>
EnrichmentInfo fromJson<EnrichmentInfo>(const QJsonObject &o);
template<>
ActionInfo fromJson<ActionInfo>(const QJsonObject &o);
template<>
EventDetail fromJson<EventDetail>(const QJsonObject &o);
template<>
Stats fromJson<Stats>(const QJsonObject &o);
template<>
Change fromJson<Change>(const QJsonObject &o);
template<>
ChangeSet fromJson<ChangeSet>(const QJsonObject &o);
template<>
IngestReceipt fromJson<IngestReceipt>(const QJsonObject &o);
template<>
UserInfo fromJson<UserInfo>(const QJsonObject &o);
template<>
TokenInfo fromJson<TokenInfo>(const QJsonObject &o);
template<>
Session fromJson<Session>(const QJsonObject &o);
template<>
ReviewItem fromJson<ReviewItem>(const QJsonObject &o);
template<>
ReviewPage fromJson<ReviewPage>(const QJsonObject &o);
template<>
ReviewClaim fromJson<ReviewClaim>(const QJsonObject &o);
template<>
ReviewDecision fromJson<ReviewDecision>(const QJsonObject &o);
template<>
DecisionResult fromJson<DecisionResult>(const QJsonObject &o);
template<>
PromptSummary fromJson<PromptSummary>(const QJsonObject &o);
template<>
PromptVersionInfo fromJson<PromptVersionInfo>(const QJsonObject &o);
template<>
PromptInfo fromJson<PromptInfo>(const QJsonObject &o);
template<>
NewPromptVersion fromJson<NewPromptVersion>(const QJsonObject &o);
template<>
PromptProblem fromJson<PromptProblem>(const QJsonObject &o);
template<>
PromptTestEvent fromJson<PromptTestEvent>(const QJsonObject &o);
template<>
PromptTestResult fromJson<PromptTestResult>(const QJsonObject &o);
template<>
ReplayRequest fromJson<ReplayRequest>(const QJsonObject &o);
template<>
FieldChange fromJson<FieldChange>(const QJsonObject &o);
template<>
ActionChange fromJson<ActionChange>(const QJsonObject &o);
template<>
ReplayItem fromJson<ReplayItem>(const QJsonObject &o);
template<>
ReplayInfo fromJson<ReplayInfo>(const QJsonObject &o);
template<>
ReplayPage fromJson<ReplayPage>(const QJsonObject &o);

template<>
Dashboard fromJson<Dashboard>(const QJsonObject &o);

} // namespace salesflow::json
