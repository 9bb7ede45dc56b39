#include "groupcommitter.h"

#include "../../core/clock.h"
#include "../../core/logging.h"
#include "../../store/database.h"

namespace salesflow::pipeline {

namespace {
constexpr int kMaxBatchEvents = 2000;
constexpr qint64 kMaxBatchBytes = 16 * 1024 * 1024;
} // namespace

GroupCommitter::GroupCommitter(std::shared_ptr<store::Database> db, QString firstStage, int maxAttempts, int threads,
                               std::function<void()> onCommitted)
    : m_db(std::move(db)), m_firstStage(std::move(firstStage)), m_maxAttempts(maxAttempts),
      m_onCommitted(std::move(onCommitted))
{
    for (int i = 0; i < threads; ++i)
        m_threads.emplace_back([this] { loop(); });
}

GroupCommitter::~GroupCommitter()
{
    stop();
}

void GroupCommitter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    for (std::thread &t : m_threads)
        t.join();
    m_threads.clear();
    // Anything still waiting was never written: say so rather than leave callers hanging.
    std::deque<Pending> left;
    {
        std::lock_guard lock(m_mutex);
        left.swap(m_queue);
    }
    for (Pending &p : left) // answered outside the lock: a caller's callback may submit again
        answer(p, Receipts(makeError("store.unavailable", QStringLiteral("the engine is shutting down"), 503)));
}

void GroupCommitter::submit(QList<store::NewRawEvent> events, Done done)
{
    Pending p{std::move(events), std::move(done)};
    {
        std::lock_guard lock(m_mutex);
        if (!m_stopping) {
            m_queue.push_back(std::move(p));
            m_cv.notify_one();
            return;
        }
    }
    answer(p, Receipts(makeError("store.unavailable", QStringLiteral("the engine is shutting down"), 503)));
}

std::vector<GroupCommitter::Pending> GroupCommitter::takeBatch()
{
    std::vector<Pending> batch;
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
    int events = 0;
    qint64 bytes = 0;
    while (
        !m_queue.empty()
        && (batch.empty() || (events + m_queue.front().events.size() <= kMaxBatchEvents && bytes < kMaxBatchBytes))) {
        events += int(m_queue.front().events.size());
        for (const auto &e : m_queue.front().events)
            bytes += e.payload.size();
        batch.push_back(std::move(m_queue.front()));
        m_queue.pop_front();
    }
    return batch;
}

GroupCommitter::Receipts GroupCommitter::commit(std::unique_ptr<store::Connection> &conn,
                                                const QList<store::NewRawEvent> &events, bool *maybeCommitted)
{
    // A failure before the batch was sent leaves nothing behind, so a connection that turned out
    // dead (database restarted) is replaced and the batch tried once more. A batch whose outcome
    // is unknown (the connection broke with it sent) is never retried: the caller gets a 503 and
    // sends again, which dedup answers as a duplicate if it was stored after all.
    auto attempt = [&]() -> Receipts {
        if (conn)
            conn->probe(); // a restarted server's goodbye, read now rather than after sending
        if (!conn || conn->broken()) {
            auto c = m_db->connect();
            if (!c)
                return c.error();
            conn = std::move(c).value();
            conn->deferWakes(); // the workers are woken after the callers are answered (loop)
        }
        return store::EventRepository::storeBatch(*conn, events, m_firstStage, m_maxAttempts, nowMs(), maybeCommitted);
    };
    *maybeCommitted = false;
    Receipts result = attempt();
    if (!result && !*maybeCommitted && conn && conn->broken())
        result = attempt();
    if (!result && conn && conn->broken())
        return makeError("store.unavailable",
                         *maybeCommitted ? QStringLiteral("the event store went away while storing this; send it again "
                                                          "(if it was stored, the retry is answered as a duplicate)")
                                         : QStringLiteral("the event store is unavailable; nothing was stored"),
                         503);
    return result;
}

void GroupCommitter::answer(Pending &p, const Receipts &receipts)
{
    p.done(receipts);
}

void GroupCommitter::commitEach(std::unique_ptr<store::Connection> &conn, std::vector<Pending> &batch)
{
    for (Pending &p : batch) {
        bool sent = false;
        const Receipts r = commit(conn, p.events, &sent);
        if (!r) {
            static LogThrottle throttle(10000);
            qint64 held = 0;
            if (throttle.allow(&held))
                qCWarning(lcIngest) << "a submission of" << p.events.size()
                                    << "events was refused by the store:" << r.error().code << "(" << held
                                    << "more such refusals not logged since the last line)";
            answer(p,
                   r.error().httpStatus == 503 ? r
                                               : Receipts(makeError("ingest.refused",
                                                                    QStringLiteral("the store refused this event; "
                                                                                   "nothing of it was stored"),
                                                                    400)));
            continue;
        }
        ++commits;
        committedEvents += p.events.size();
        answer(p, r);
    }
}

void GroupCommitter::loop()
{
    std::unique_ptr<store::Connection> conn;
    for (;;) {
        std::vector<Pending> batch = takeBatch();
        if (batch.empty())
            return; // stopping, nothing waiting
        QList<store::NewRawEvent> all;
        for (const Pending &p : batch)
            all += p.events;
        bool maybeCommitted = false;
        Receipts result = commit(conn, all, &maybeCommitted);
        if (!result && !maybeCommitted && result.error().httpStatus != 503) {
            // The store refused the data of one submission (nothing was committed): commit each
            // on its own, so only that one fails and the others it shared the batch with do not.
            commitEach(conn, batch);
        } else if (!result) {
            static LogThrottle throttle(10000);
            qint64 held = 0;
            if (throttle.allow(&held))
                qCWarning(lcIngest) << "ingest commit of" << all.size() << "events failed:" << result.error().code
                                    << "(" << held << "more failed commits not logged since the last line)";
            for (Pending &p : batch)
                answer(p, result.error());
        } else {
            ++commits;
            committedEvents += all.size();
            qsizetype offset = 0;
            for (Pending &p : batch) {
                answer(p, Receipts(result->mid(offset, p.events.size())));
                offset += p.events.size();
            }
        }
        if (conn && !conn->broken())
            conn->flushWakes(); // other processes' workers; this one's are woken by m_onCommitted
        if (m_onCommitted)
            m_onCommitted();
    }
}

} // namespace salesflow::pipeline
