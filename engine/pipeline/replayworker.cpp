#include "replayworker.h"

#include "../api/json.h"
#include "../core/clock.h"
#include "../core/logging.h"
#include "../core/metrics.h"
#include "../store/database.h"
#include "../store/promptrepository.h"
#include "preview.h"
#include "replay.h"

#include <QJsonDocument>

namespace salesflow::pipeline {

namespace {

QString diffJson(const ReplayItem &item)
{
    QJsonObject o = json::toJson(item);
    for (const char *own : {"seq", "event_id", "state", "changed", "error"}) // kept in their own columns
        o.remove(QLatin1String(own));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void countItems(const char *mode, const QList<store::ReplayOutcome> &outcomes)
{
    for (const store::ReplayOutcome &o : outcomes)
        Metrics::instance().add("salesflow_replay_items_total",
                                Metrics::label("mode", QLatin1String(mode)) + ',' + Metrics::label("state", o.state));
}

} // namespace

ReplayWorker::ReplayWorker(std::shared_ptr<store::Database> db, std::shared_ptr<Preview> preview, Options options,
                           std::function<void()> changed)
    : m_db(std::move(db)), m_preview(std::move(preview)), m_options(std::move(options)), m_changed(std::move(changed))
{ }

ReplayWorker::~ReplayWorker()
{
    stop();
}

void ReplayWorker::start()
{
    m_thread = std::thread([this] { loop(); });
}

void ReplayWorker::stop()
{
    m_stop.request();
    m_waker.stop();
    if (m_thread.joinable())
        m_thread.join();
}

void ReplayWorker::wake()
{
    m_waker.notify();
}

void ReplayWorker::loop()
{
    StopToken::Scope scope(&m_stop);
    while (!m_stop.requested()) {
        const quint64 seen = m_waker.generation();
        auto c = m_db->acquire();
        Result<std::optional<store::ReplayLease>> lease = c
            ? store::ReplayRepository::claim(*c.value(), m_options.owner, nowMs(), m_options.leaseMs,
                                             m_preview != nullptr)
            : Result<std::optional<store::ReplayLease>>(c.error());
        if (c)
            (void)store::ReplayRepository::interruptStale(*c.value(), nowMs()); // best effort, logged by the store
        if (lease && lease->has_value()) {
            const store::ReplayLease held = *lease.value();
            if (Status s = work(*c.value(), held); !s)
                qCWarning(lcPipeline) << "replay" << held.id << "paused:" << s.error().message;
            continue;
        }
        if (!lease)
            qCWarning(lcPipeline) << "replays: cannot look for work:" << lease.error().message;
        m_waker.wait(seen, m_options.idleMs);
    }
}

Status ReplayWorker::work(store::Connection &c, const store::ReplayLease &lease)
{
    qCInfo(lcPipeline) << "replay" << lease.id << "taken by" << lease.owner;
    while (!m_stop.requested()) {
        auto more = batch(c, lease);
        if (!more)
            return more.error().code == QLatin1String("replay.lease") ? Status(Done{}) : Status(more.error());
        m_changed();
        if (!more.value())
            return store::ReplayRepository::finish(c, lease, {}, nowMs());
    }
    return Done{};
}

Result<bool> ReplayWorker::batch(store::Connection &c, const store::ReplayLease &lease)
{
    const int size = lease.request.dryRun ? m_options.dryBatch : m_options.realBatch;
    auto items = store::ReplayRepository::pending(c, lease.id, size);
    if (!items)
        return items.error();
    if (items->isEmpty())
        return false;
    Status s = lease.request.dryRun ? dryBatch(c, lease, items.value()) : realBatch(c, lease, items.value());
    if (!s)
        return s.error();
    return true;
}

Status ReplayWorker::realBatch(store::Connection &c, const store::ReplayLease &lease,
                               const QList<QPair<int, QString>> &items)
{
    QStringList ids;
    for (const auto &item : items)
        ids << item.second;
    store::Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s;
    if (Status s = store::ReplayRepository::renew(c, lease, nowMs() + m_options.leaseMs); !s)
        return s;
    auto plan = Replay::requeueIn(c, ids, lease.request.fromStage, lease.requestedBy, m_options.maxAttempts, nowMs(),
                                  lease.request.promptVersion, QStringLiteral("replay %1").arg(lease.id));
    if (!plan)
        return plan.error();
    QList<store::ReplayOutcome> outcomes;
    for (const auto &[seq, id] : items) {
        const bool queued = plan->queued.contains(id);
        ReplayItem note;
        note.note = queued ? QString() : QStringLiteral("left alone: a job of this event is still waiting or running");
        outcomes.append({seq, queued ? QStringLiteral("done") : QStringLiteral("skipped"), false, diffJson(note), {}});
    }
    if (Status s = store::ReplayRepository::record(c, lease.id, outcomes, 0, 0, 0); !s)
        return s;
    if (Status s = tx.commit(); !s)
        return s;
    countItems("replay", outcomes);
    return Done{};
}

Status ReplayWorker::dryBatch(store::Connection &c, const store::ReplayLease &lease,
                              const QList<QPair<int, QString>> &items)
{
    const int version = lease.promptVersion;
    auto prompt = version > 0 ? store::PromptRepository::get(c, QStringLiteral("enrich"), version)
                              : store::PromptRepository::active(c, QStringLiteral("enrich"));
    if (!prompt)
        return prompt.error();
    QList<store::ReplayOutcome> outcomes;
    qint64 in = 0, out = 0;
    double cost = 0;
    for (const auto &[seq, id] : items) {
        if (m_stop.requested())
            break; // what is computed so far is recorded; the rest stays pending
        // Each item may take model calls: keep the lease (and see a cancel) item by item.
        if (Status held = store::ReplayRepository::renew(c, lease, nowMs() + m_options.leaseMs); !held)
            return held;
        auto stage = Replay::startingStage(c, id, lease.request.fromStage);
        if (!stage)
            return stage.error();
        auto item = m_preview
            ? m_preview->dryRun(c, id, stage.value(), prompt.value(), &in, &out, &cost)
            : Result<ReplayItem>(makeError("replay.no_llm", QStringLiteral("no LLM provider is configured"), 503));
        if (item)
            outcomes.append({seq, QStringLiteral("done"), item->changed, diffJson(item.value()), {}});
        else
            outcomes.append({seq, QStringLiteral("failed"), false, {}, item.error().message});
    }
    store::Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s;
    if (Status s = store::ReplayRepository::renew(c, lease, nowMs() + m_options.leaseMs); !s)
        return s;
    if (Status s = store::ReplayRepository::record(c, lease.id, outcomes, in, out, cost); !s)
        return s;
    if (Status s = tx.commit(); !s)
        return s;
    countItems("dry_run", outcomes);
    return Done{};
}

} // namespace salesflow::pipeline
