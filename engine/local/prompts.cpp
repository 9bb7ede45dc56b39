// LocalEngine: prompt versions and prompt tests.
#include "../api/json.h"
#include "../core/clock.h"
#include "../core/logging.h"
#include "../pipeline/enrich/enrichstage.h"
#include "../pipeline/preview.h"
#include "../pipeline/stages.h"
#include "../store/auditlog.h"
#include "../store/promptrepository.h"
#include "localengine.h"
#include "storecall.h"

#include <QJsonDocument>

namespace salesflow {

namespace {

constexpr int kMaxTestEvents = 20;

PromptVersionInfo infoOf(const llm::PromptVersion &p)
{
    return {p.name, p.version, p.templateText, p.settings, p.author, p.createdAtMs, p.notes, p.active};
}

/// The prompt's versions; 404 that names the prompts there are when it has none.
Result<QList<llm::PromptVersion>> versionsOf(store::Connection &c, const QString &name)
{
    auto versions = store::PromptRepository::versions(c, name);
    if (!versions)
        return versions.error();
    if (!versions->isEmpty())
        return versions;
    auto all = store::PromptRepository::list(c);
    if (!all)
        return all.error();
    QStringList names;
    for (const PromptSummary &p : all.value())
        names << p.name;
    return makeError(
        "prompt.not_found",
        QStringLiteral("no prompt named '%1'; SalesFlow uses: %2").arg(name, names.join(QLatin1String(", "))), 404);
}

Status writeTestAudit(store::Connection &c, const QString &actor, const PromptTestResult &r)
{
    QStringList ids;
    for (const PromptTestEvent &e : r.events)
        ids << e.eventId;
    const QJsonObject after{{QStringLiteral("prompt"), r.name},
                            {QStringLiteral("version"), r.version},
                            {QStringLiteral("events"), QJsonArray::fromStringList(ids)},
                            {QStringLiteral("input_tokens"), r.inputTokens},
                            {QStringLiteral("output_tokens"), r.outputTokens},
                            {QStringLiteral("cost_usd"), r.costUsd ? QJsonValue(*r.costUsd) : QJsonValue()}};
    return store::writeAudit(c, {}, actor, QStringLiteral("prompt.test"), {},
                             QString::fromUtf8(QJsonDocument(after).toJson(QJsonDocument::Compact)),
                             QStringLiteral("tested %1 v%2 on %3 events").arg(r.name).arg(r.version).arg(ids.size()),
                             nowMs());
}

void addUsage(PromptTestResult &r, const EnrichmentInfo &e)
{
    if (e.llmCalls == 0)
        return;
    r.inputTokens += e.inputTokens;
    r.outputTokens += e.outputTokens;
    if (!e.costUsd)
        r.costUsd.reset();
    else if (r.costUsd)
        *r.costUsd += *e.costUsd;
}

} // namespace

void LocalEngine::setUpPreview()
{
    std::shared_ptr<pipeline::EnrichStage> enrich;
    for (const auto &stage : m_options.stages)
        enrich = enrich ? enrich : std::dynamic_pointer_cast<pipeline::EnrichStage>(stage);
    if (!enrich) {
        auto built = pipeline::builtStages(m_options.config);
        if (!built) {
            m_previewError
                = Error{QStringLiteral("llm.unconfigured"),
                        QStringLiteral("prompt tests and dry runs need an LLM: ") + built.error().message, 503};
            return;
        }
        for (const auto &stage : built.value())
            enrich = enrich ? enrich : std::dynamic_pointer_cast<pipeline::EnrichStage>(stage);
    }
    m_preview = std::make_shared<pipeline::Preview>(enrich);
}

QFuture<Result<QList<PromptSummary>>> LocalEngine::prompts(const Caller &caller)
{
    return onStoreAs<QList<PromptSummary>>(caller, Permission::Read,
                                           [](store::Connection &c) { return store::PromptRepository::list(c); });
}

QFuture<Result<PromptInfo>> LocalEngine::prompt(const Caller &caller, QString name)
{
    return onStoreAs<PromptInfo>(caller, Permission::Read, [name](store::Connection &c) -> Result<PromptInfo> {
        auto versions = versionsOf(c, name);
        if (!versions)
            return versions.error();
        PromptInfo info{name, {}};
        for (const llm::PromptVersion &p : versions.value())
            info.versions.append(infoOf(p));
        return info;
    });
}

QFuture<Result<QList<PromptProblem>>> LocalEngine::checkPrompt(const Caller &caller, QString name,
                                                               NewPromptVersion version)
{
    Q_UNUSED(name)
    if (Status allowed = allow(caller, Permission::Read); !allowed)
        return refused<QList<PromptProblem>>(allowed.error());
    return QtFuture::makeReadyFuture(
        Result<QList<PromptProblem>>(llm::promptProblems(version.templateText, version.settings)));
}

QFuture<Result<PromptVersionInfo>> LocalEngine::createPromptVersion(const Caller &caller, QString name,
                                                                    NewPromptVersion version)
{
    llm::PromptVersion p;
    p.name = name;
    p.templateText = version.templateText;
    p.settings = version.settings;
    p.notes = version.notes.left(2000);
    if (Status allowed = allow(caller, Permission::Admin); !allowed)
        return refused<PromptVersionInfo>(allowed.error());
    if (Status valid = llm::checkPrompt(p); !valid)
        return refused<PromptVersionInfo>(valid.error());
    const QString actor = caller.actor();
    return onStoreOnce<PromptVersionInfo>([p, actor](store::Connection &c) -> Result<PromptVersionInfo> {
        if (auto known = versionsOf(c, p.name); !known)
            return known.error();
        auto v = store::PromptRepository::create(c, p, actor, nowMs());
        if (!v)
            return v.error();
        auto stored = store::PromptRepository::get(c, p.name, v.value());
        return stored ? Result<PromptVersionInfo>(infoOf(stored.value())) : Result<PromptVersionInfo>(stored.error());
    });
}

QFuture<Result<PromptVersionInfo>> LocalEngine::activatePrompt(const Caller &caller, QString name, int version)
{
    const QString actor = caller.actor();
    if (Status allowed = allow(caller, Permission::Admin); !allowed)
        return refused<PromptVersionInfo>(allowed.error());
    return onStoreOnce<PromptVersionInfo>([name, version, actor](store::Connection &c) -> Result<PromptVersionInfo> {
        auto p = store::PromptRepository::activate(c, name, version, actor, nowMs());
        return p ? Result<PromptVersionInfo>(infoOf(p.value())) : Result<PromptVersionInfo>(p.error());
    });
}

QFuture<Result<PromptTestResult>> LocalEngine::testPrompt(const Caller &caller, QString name, int version,
                                                          QStringList eventIds)
{
    using Out = Result<PromptTestResult>;
    if (Status allowed = allow(caller, Permission::Admin); !allowed)
        return refused<PromptTestResult>(allowed.error());
    eventIds.removeDuplicates();
    if (eventIds.isEmpty() || eventIds.size() > kMaxTestEvents) {
        return refused<PromptTestResult>(makeError(
            "prompt.test_events", QStringLiteral("test a version on 1 to %1 events").arg(kMaxTestEvents), 400));
    }
    if (!m_preview)
        return refused<PromptTestResult>(m_previewError);
    const QString actor = caller.actor();
    std::shared_ptr<store::Database> db = m_db;
    std::shared_ptr<pipeline::Preview> preview = m_preview;
    return QtConcurrent::run(&m_previews, [=]() -> Out {
        auto conn = db->acquire();
        if (!conn)
            return conn.error();
        store::Connection &c = *conn.value();
        auto candidate = store::PromptRepository::get(c, name, version);
        auto active = candidate ? store::PromptRepository::active(c, name) : candidate;
        if (!active)
            return active.error();
        PromptTestResult r{name, version, active->version, {}, 0, 0, 0.0};
        for (const QString &id : eventIds) {
            auto e = preview->test(c, id, candidate.value(), active.value());
            if (!e && store::isUnavailable(e.error()))
                return e.error();
            PromptTestEvent event = e ? e.value() : PromptTestEvent{id, {}, {}, {}, {}, e.error().message};
            addUsage(r, event.active);
            addUsage(r, event.candidate);
            r.events.append(event);
        }
        if (Status s = writeTestAudit(c, actor, r); !s)
            return s.error();
        return r;
    });
}

} // namespace salesflow
