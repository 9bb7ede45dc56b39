#include "enrichstage.h"

#include "../../core/clock.h"
#include "../../core/logging.h"
#include "../../core/metrics.h"
#include "../../llm/analysis.h"
#include "../../store/enrichmentrepository.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace salesflow::pipeline {

namespace {

constexpr int kCharsPerToken = 4; // budget heuristic (NOTES §8); usage reconciles the real count

QString propertiesBlock(const std::optional<store::EnrichContext::Entity> &e, int maxProperties)
{
    if (!e)
        return QStringLiteral("(not known)");
    QStringList lines;
    lines << QStringLiteral("- key: %1%2")
                 .arg(e->key, e->hubspotId.isEmpty() ? QString() : QStringLiteral(" (HubSpot %1)").arg(e->hubspotId));
    const QStringList keys = e->properties.keys();
    for (qsizetype i = 0; i < keys.size() && i < maxProperties; ++i) {
        const QJsonValue v = e->properties.value(keys[i]);
        lines << QStringLiteral("- %1: %2")
                     .arg(keys[i],
                          v.isString() ? v.toString().left(200)
                                       : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                                             .mid(1)
                                             .chopped(1));
    }
    if (keys.size() > maxProperties)
        lines << QStringLiteral("- (%1 more properties left out)").arg(keys.size() - maxProperties);
    return lines.join(QLatin1Char('\n'));
}

QString isoTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QStringLiteral("unknown time");
}

QString recentBlock(const QList<store::EnrichContext::Earlier> &recent)
{
    if (recent.isEmpty())
        return QStringLiteral("(none)");
    QStringList lines;
    for (const auto &r : recent) {
        QString line = QStringLiteral("- %1 %2").arg(isoTime(r.occurredAtMs), r.kind);
        if (!r.subject.isEmpty())
            line += QStringLiteral(" \"%1\"").arg(r.subject.left(120));
        line += QStringLiteral(": ") + (r.summary.isEmpty() ? r.text.simplified().left(300) : r.summary.left(300));
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

QString firstName(const store::EnrichContext &ctx)
{
    if (ctx.contact) {
        const QString f = ctx.contact->properties.value(QLatin1String("firstname")).toString();
        if (!f.isEmpty())
            return f;
    }
    QString actor = ctx.actor;
    const qsizetype lt = actor.indexOf(QLatin1Char('<'));
    if (lt >= 0)
        actor = actor.left(lt);
    actor = actor.trimmed().remove(QLatin1Char('"'));
    if (actor.isEmpty() || actor.contains(QLatin1Char('@')))
        return {};
    return actor.section(QLatin1Char(' '), 0, 0);
}

/// Keeps the head and the tail of a long text (the ask is usually at one end).
QString trimMiddle(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    const qsizetype head = maxChars * 7 / 10;
    const qsizetype tail = maxChars - head;
    return text.left(head) + QStringLiteral("\n[... %1 characters left out ...]\n").arg(text.size() - maxChars)
        + text.right(tail);
}

} // namespace

EnrichStage::EnrichStage(std::shared_ptr<llm::IProvider> provider, llm::PriceTable prices, Options options)
    : m_provider(std::move(provider)), m_prices(std::move(prices)), m_options(std::move(options))
{ }

int EnrichStage::dedicatedWorkers() const
{
    // Offline: one worker per core's worth of analysis. A network model: a worker's batch
    // already has its calls in flight together, so enough workers to fill the cap, plus one
    // that commits and leases while the others wait on their calls, keep every slot busy
    // without holding many more jobs leased than can be called.
    const int concurrency = m_provider->concurrency();
    if (m_provider->name() == QLatin1String("offline"))
        return concurrency;
    const int batch = batchSize();
    return (concurrency + batch - 1) / batch + (concurrency > 1 ? 1 : 0);
}

namespace {

QHash<QString, QString> promptValues(const store::EnrichContext &ctx, const QString &text, int maxProperties)
{
    return {
        {QStringLiteral("event.id"), ctx.eventId},
        {QStringLiteral("event.kind"), ctx.kind},
        {QStringLiteral("event.source"), ctx.source},
        {QStringLiteral("event.occurred_at"), isoTime(ctx.occurredAtMs)},
        {QStringLiteral("event.actor"), ctx.actor.isEmpty() ? QStringLiteral("(unknown)") : ctx.actor},
        {QStringLiteral("event.subject"), ctx.subject.isEmpty() ? QStringLiteral("(none)") : ctx.subject},
        {QStringLiteral("event.text"), text.isEmpty() ? QStringLiteral("(no text)") : text},
        {QStringLiteral("contact"), propertiesBlock(ctx.contact, maxProperties)},
        {QStringLiteral("company"), propertiesBlock(ctx.company_, maxProperties)},
        {QStringLiteral("deal"), propertiesBlock(ctx.deal, maxProperties)},
        {QStringLiteral("recent_events"), recentBlock(ctx.recent)},
    };
}

/// The user part rendered within the prompt's token budget: drops the oldest earlier events
/// first, then shortens the event text in the middle, then caps the property lists.
Result<QString> renderWithinBudget(const llm::PromptVersion &prompt, store::EnrichContext ctx)
{
    const int budgetTokens = prompt.settings.value(QLatin1String("context_token_budget")).toInt(3000);
    const qsizetype budgetChars = qsizetype(budgetTokens) * kCharsPerToken;
    int maxProperties = 40;
    QString text = ctx.text;
    for (int round = 0;; ++round) {
        auto user = llm::renderPrompt(prompt.userPart(), promptValues(ctx, text, maxProperties));
        if (!user)
            return user.error();
        const qsizetype over = user->size() - budgetChars;
        if (over <= 0 || round > 8)
            return user;
        if (!ctx.recent.isEmpty())
            ctx.recent.removeLast();
        else if (text.size() > 400)
            text = trimMiddle(ctx.text, std::max<qsizetype>(400, text.size() - over));
        else if (maxProperties > 5)
            maxProperties = 5;
        else
            return user; // the fixed parts alone exceed the budget; send what we have
    }
}

llm::Request requestFor(const llm::PromptVersion &prompt, const store::EnrichContext &ctx, const QString &user)
{
    llm::Request req;
    req.system = prompt.systemPart();
    req.user = user;
    req.schema = llm::analysisSchema();
    req.schemaName = QStringLiteral("record_sales_analysis");
    req.maxOutputTokens = prompt.settings.value(QLatin1String("max_output_tokens")).toInt(1200);
    req.temperature = prompt.settings.value(QLatin1String("temperature")).toDouble(0.2);
    req.model = prompt.settings.value(QLatin1String("model")).toString();
    req.eventText = ctx.text;
    const QString dealStage = ctx.deal
        ? ctx.deal->properties.value(QLatin1String("dealstage")).toString(QStringLiteral("open"))
        : QString();
    req.facts = QJsonObject{{QStringLiteral("kind"), ctx.kind},
                            {QStringLiteral("actor"), ctx.actor},
                            {QStringLiteral("first_name"), firstName(ctx)},
                            {QStringLiteral("subject"), ctx.subject},
                            {QStringLiteral("company"), ctx.company},
                            {QStringLiteral("company_domain"), ctx.company_ ? ctx.company_->key : QString()},
                            {QStringLiteral("linked"), ctx.contact.has_value()},
                            {QStringLiteral("deal_stage"), dealStage}};
    return req;
}

/// The call in the process's counters (one set per process, /metrics).
void countCall(const llm::Response &r, std::optional<double> cost)
{
    Metrics &m = Metrics::instance();
    const QByteArray who = Metrics::label("provider", r.provider) + ',' + Metrics::label("model", r.model);
    m.add("salesflow_llm_calls_total", who + ',' + Metrics::label("outcome", llm::outcomeName(r.outcome)));
    m.add("salesflow_llm_tokens_total", who + ",kind=\"input\"", double(r.inputTokens));
    m.add("salesflow_llm_tokens_total", who + ",kind=\"output\"", double(r.outputTokens));
    m.add("salesflow_llm_tokens_total", who + ",kind=\"cached\"", double(r.cachedTokens));
    if (cost)
        m.add("salesflow_llm_cost_usd_total", who, *cost);
}

} // namespace

void copyAnalysis(EnrichmentInfo &info, const llm::Analysis &a)
{
    info.summary = a.summary;
    info.intent = a.intent;
    info.leadQuality = a.leadQuality;
    for (const llm::Objection &o : a.objections)
        info.objections.append({o.category, o.evidence});
    info.nextAction = a.nextAction;
    info.followUpSubject = a.followUpSubject;
    info.followUpBody = a.followUpBody;
    info.leadScoreChange = a.leadScoreChange;
    info.confidence = a.confidence;
}

llm::Analysis analysisOf(const EnrichmentInfo &e)
{
    llm::Analysis a;
    a.summary = e.summary;
    a.intent = e.intent;
    a.leadQuality = e.leadQuality;
    for (const ObjectionInfo &o : e.objections)
        a.objections.append({o.category, o.evidence});
    a.nextAction = e.nextAction;
    a.followUpSubject = e.followUpSubject;
    a.followUpBody = e.followUpBody;
    a.leadScoreChange = e.leadScoreChange;
    a.confidence = e.confidence;
    return a;
}

bool EnrichStage::takeAnswer(Call &c, llm::Response answer, int call)
{
    c.last = std::move(answer);
    const llm::Response &last = c.last;
    EnrichmentInfo &info = c.info;
    info.llmCalls = call;
    info.inputTokens += last.inputTokens;
    info.outputTokens += last.outputTokens;
    info.cachedTokens += last.cachedTokens;
    info.latencyMs += last.latencyMs;
    info.httpRetries += last.retries;
    const auto cost
        = m_prices.cost(last.model, last.inputTokens, last.cachedTokens, last.cacheWriteTokens, last.outputTokens);
    countCall(last, cost);
    if (cost)
        info.costUsd = info.costUsd.value_or(0) + *cost;
    else
        info.costUsd.reset();
    if (last.outcome != llm::Outcome::Ok)
        return false; // refusal, truncation, filter, no tool use: not retried, reviewed
    c.validation = last.parseError.isEmpty() ? llm::validate(last.output, c.request.eventText)
                                             : llm::Validation{{}, {last.parseError}, {}};
    if (c.validation.analysis || call == 2)
        return false;
    c.request.user = c.originalUser + QStringLiteral("\n\nYour previous answer was rejected because: ")
        + c.validation.errors.join(QLatin1String("; "))
        + QStringLiteral(". Answer again, following the schema and the ranges exactly.");
    return true;
}

void EnrichStage::callModels(QList<Call *> calls)
{
    for (int call = 1; call <= 2 && !calls.isEmpty(); ++call) {
        QList<llm::Request> requests;
        for (const Call *c : calls)
            requests.append(c->request);
        QList<Result<llm::Response>> answers = m_provider->completeAll(requests);
        QList<Call *> again;
        for (qsizetype i = 0; i < calls.size(); ++i) {
            if (!answers[i]) {
                Metrics::instance().add("salesflow_llm_errors_total", Metrics::label("code", answers[i].error().code));
                calls[i]->error = answers[i].error();
            } else if (takeAnswer(*calls[i], std::move(answers[i]).value(), call)) {
                again.append(calls[i]);
            }
        }
        calls = again;
    }
}

void EnrichStage::judge(EnrichmentInfo &info, const llm::Response &last, const llm::Validation &validation) const
{
    if (last.outcome != llm::Outcome::Ok) {
        info.outcome = llm::outcomeName(last.outcome);
        info.reviewReasons << QStringLiteral("%1: %2").arg(info.outcome, last.reason);
    } else if (!validation.analysis) {
        info.outcome = QStringLiteral("invalid");
        info.reviewReasons << QStringLiteral("invalid answer after %1 calls: %2")
                                  .arg(info.llmCalls)
                                  .arg(validation.errors.join(QLatin1String("; ")));
    } else {
        info.outcome = QStringLiteral("ok");
        const llm::Analysis &a = *validation.analysis;
        copyAnalysis(info, a);
        info.validationNotes = validation.notes;
        if (a.confidence < m_options.reviewThreshold) {
            info.reviewReasons << QStringLiteral("confidence %1 is below the review threshold %2")
                                      .arg(a.confidence, 0, 'f', 2)
                                      .arg(m_options.reviewThreshold, 0, 'f', 2);
        }
        if (std::abs(a.leadScoreChange) > m_options.scoreChangePolicy) {
            info.reviewReasons << QStringLiteral("policy: lead score change %1%2 is beyond ±%3")
                                      .arg(a.leadScoreChange > 0 ? QStringLiteral("+") : QString())
                                      .arg(a.leadScoreChange)
                                      .arg(m_options.scoreChangePolicy);
        }
    }
    info.reviewState = info.reviewReasons.isEmpty() ? QStringLiteral("not_required") : QStringLiteral("pending");
}

Result<EnrichmentInfo> EnrichStage::enrich(store::Connection &conn, const QString &eventId,
                                           const llm::PromptVersion &prompt)
{
    auto ctx = store::EnrichmentRepository::loadContext(conn, eventId, recentEvents(prompt));
    if (!ctx)
        return ctx.error();
    return enrichWith(ctx.value(), prompt);
}

int EnrichStage::recentEvents(const llm::PromptVersion &prompt)
{
    return prompt.settings.value(QLatin1String("recent_events")).toInt(5);
}

Result<EnrichStage::Call> EnrichStage::callFor(const store::EnrichContext &ctx, const llm::PromptVersion &prompt) const
{
    auto user = renderWithinBudget(prompt, ctx);
    if (!user)
        return user.error();
    Call c;
    c.request = requestFor(prompt, ctx, user.value());
    c.originalUser = c.request.user;
    c.info.promptName = prompt.name;
    c.info.promptVersion = prompt.version;
    return c;
}

Result<EnrichmentInfo> EnrichStage::finish(Call &c) const
{
    if (c.error)
        return *c.error;
    EnrichmentInfo &info = c.info;
    const llm::Response &last = c.last;
    info.provider = last.provider.isEmpty() ? m_provider->name() : last.provider;
    info.model = last.model.isEmpty() ? m_provider->model() : last.model;
    info.requestId = last.requestId;
    info.rawOutput = last.rawOutput.isEmpty() && !last.output.isEmpty()
        ? QString::fromUtf8(QJsonDocument(last.output).toJson(QJsonDocument::Compact))
        : last.rawOutput;
    info.createdAtMs = nowMs();
    judge(info, last, c.validation);
    return info;
}

Result<EnrichmentInfo> EnrichStage::enrichWith(const store::EnrichContext &ctx, const llm::PromptVersion &prompt)
{
    auto call = callFor(ctx, prompt);
    if (!call)
        return call.error();
    callModels({&call.value()});
    return finish(call.value());
}

namespace {

/// HubSpot telling us about its own records: it updated the entity snapshot (context for later
/// events) and there is nothing for a model to analyse or a rep to act on.
StageOutput crmChangeDone()
{
    StageOutput out;
    out.newStatus = EventStatus::Done;
    out.detail = QStringLiteral("HubSpot change kept as CRM context; nothing to enrich");
    return out;
}

bool isCrmChange(store::Connection &conn, const QString &eventId)
{
    auto kind = conn.exec("SELECT kind FROM normalised_events WHERE event_id = $1", {eventId});
    return kind && !kind->isEmpty() && kind->text(0, 0) == QLatin1String("crm_change");
}

} // namespace

Result<llm::PromptVersion> EnrichStage::promptFor(store::Connection &conn, const queue::Job &job, Prompts &prompts)
{
    // A replay may pin a prompt version; otherwise the active one (0).
    const int pinned
        = QJsonDocument::fromJson(job.args.toUtf8()).object().value(QLatin1String("prompt_version")).toInt();
    if (auto it = prompts.constFind(qMax(0, pinned)); it != prompts.cend())
        return it.value();
    auto prompt = pinned > 0 ? store::PromptRepository::get(conn, m_options.promptName, pinned)
                             : store::PromptRepository::active(conn, m_options.promptName);
    if (prompt)
        prompts.insert(qMax(0, pinned), prompt.value());
    return prompt;
}

QList<Result<StageOutput>> EnrichStage::runBatch(const QList<queue::Job> &jobs, store::Connection &conn)
{
    Prompts prompts; // read once a batch: an activation applies from the next batch on
    QStringList ids;
    for (const queue::Job &job : jobs)
        ids << job.eventId;
    auto contexts = store::EnrichmentRepository::loadContexts(conn, ids, false); // one statement for the batch
    if (!contexts) // the store's trouble is every job's: each retries
        return QList<Result<StageOutput>>(jobs.size(), contexts.error());
    std::vector<Work> work;
    work.reserve(size_t(jobs.size()));
    for (const queue::Job &job : jobs) {
        LogScope scope({{}, {}, job.eventId, {}});
        auto it = contexts->find(job.eventId);
        work.push_back(prepare(job, conn, prompts, it == contexts->end() ? nullptr : &it.value()));
    }
    QList<Call *> calls; // the batch's model calls, made together
    for (Work &w : work)
        if (!w.settled)
            calls.append(&w.call);
    callModels(calls);
    auto write = std::make_shared<Outputs>();
    qsizetype index = 0;
    return eachJob(jobs, [&](const queue::Job &job) {
        Work &w = work[size_t(index++)];
        return w.settled ? std::move(*w.settled) : outputFor(job.eventId, finish(w.call), write);
    });
}

Status EnrichStage::Outputs::apply(store::Connection &c, const QList<int> &parts)
{
    QList<std::pair<QString, EnrichmentInfo>> chosen;
    for (int part : parts)
        chosen.append(rows.at(part));
    return store::EnrichmentRepository::insertAll(c, chosen);
}

Result<StageOutput> EnrichStage::run(const queue::Job &job, store::Connection &conn)
{
    return runBatch({job}, conn).first();
}

EnrichStage::Work EnrichStage::prepare(const queue::Job &job, store::Connection &conn, Prompts &prompts,
                                       Result<store::EnrichContext> *loaded)
{
    Work w;
    auto prompt = promptFor(conn, job, prompts);
    if (!prompt) { // a HubSpot change needs no prompt, whatever the prompt's trouble
        w.settled = isCrmChange(conn, job.eventId) ? Result<StageOutput>(crmChangeDone()) : prompt.error();
        return w;
    }
    auto ctx = loaded ? std::move(*loaded)
                      : store::EnrichmentRepository::loadContext(conn, job.eventId, recentEvents(prompt.value()));
    if (ctx && loaded) {
        if (Status s = store::EnrichmentRepository::completeContext(conn, ctx.value(), recentEvents(prompt.value()));
            !s)
            ctx = s.error();
    }
    if (!ctx) {
        w.settled = ctx.error();
    } else if (ctx->kind == QLatin1String("crm_change")) {
        w.settled = crmChangeDone();
    } else if (auto call = callFor(ctx.value(), prompt.value()); !call) {
        w.settled = call.error();
    } else {
        w.call = std::move(call).value();
    }
    return w;
}

Result<StageOutput> EnrichStage::outputFor(const QString &eventId, Result<EnrichmentInfo> info,
                                           const std::shared_ptr<Outputs> &write)
{
    if (!info)
        return info.error();
    StageOutput out;
    const bool review = !info->reviewReasons.isEmpty();
    out.newStatus = review ? EventStatus::InReview : EventStatus::Enriched;
    out.nextStage = review ? QString() : QStringLiteral("plan");
    out.detail = QStringLiteral("%1/%2 prompt %3 v%4")
                     .arg(info->provider, info->model, info->promptName)
                     .arg(info->promptVersion);
    if (review)
        out.detail += QStringLiteral("; review: ") + info->reviewReasons.join(QLatin1String("; "));
    out.batchWrite = write;
    out.batchPart = int(write->rows.size());
    write->rows.append({eventId, std::move(info).value()});
    return out;
}

} // namespace salesflow::pipeline
