#include "eventrepository.h"

#include "enrichmentrepository.h"

#include <QDateTime>

#include "pgarray.h"

#include "../core/ids.h"

#include <QHash>

namespace salesflow::store {

namespace {

const QByteArray kSummaryColumns = "id, source, status, content_type, dedup_key, received_at, updated_at, size_bytes, "
                                   "failed_stage, last_error, received_by";

EventSummary summaryFrom(const Rows &r, int i)
{
    EventSummary s;
    s.id = r.text(i, 0);
    s.source = r.text(i, 1);
    s.status = r.text(i, 2);
    s.contentType = r.text(i, 3);
    s.dedupKey = r.text(i, 4);
    s.receivedAtMs = r.int64(i, 5);
    s.updatedAtMs = r.int64(i, 6);
    s.sizeBytes = r.int64(i, 7);
    s.failedStage = r.text(i, 8);
    s.lastError = r.text(i, 9);
    return s;
}

/// The new events' rows and first jobs, one statement (atomic on its own); the ids inserted.
Result<QSet<QString>> insertRowsPg(Connection &c, const QList<NewRawEvent> &events, const QString &firstStage,
                                   int maxAttempts, qint64 now)
{
    QList<QString> ids, sources, types, keys, actors;
    QList<QByteArray> payloads;
    QList<qint64> sizes;
    // Rows go in in key order, so two concurrent batches that share keys wait for each other
    // instead of deadlocking.
    QList<const NewRawEvent *> sorted;
    for (const NewRawEvent &e : events)
        sorted.append(&e);
    std::sort(sorted.begin(), sorted.end(),
              [](const NewRawEvent *a, const NewRawEvent *b) { return a->dedupKey < b->dedupKey; });
    for (const NewRawEvent *ep : sorted) {
        const NewRawEvent &e = *ep;
        ids << e.id;
        sources << e.source;
        types << QString::fromLatin1(e.contentType);
        keys << e.dedupKey;
        actors << e.actor;
        payloads << e.payload;
        sizes << e.payload.size();
    }
    // One statement: the rows and their first jobs. The first audit entry is the row itself
    // (received_at, received_by), so ingest writes two rows per event, not three.
    auto ins
        = c.exec("WITH ins AS ("
                 "  INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes,"
                 "                          received_at, received_by, status, updated_at)"
                 "  SELECT t.id, t.source, t.ct, t.k, t.p, t.sz, $7, t.actor, 'received', $7"
                 "  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::bigint[], $10::text[])"
                 "       AS t(id, source, ct, k, p, sz, actor)"
                 "  ON CONFLICT (dedup_key) DO NOTHING RETURNING id)"
                 " INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at)"
                 " SELECT id, $8, 0, $9, $7, $7 FROM ins RETURNING event_id",
                 {pgTextArray(ids), pgTextArray(sources), pgTextArray(types), pgTextArray(keys),
                  pgByteaArrayBinary(payloads), pgIntArray(sizes), now, firstStage, maxAttempts, pgTextArray(actors)});
    if (!ins)
        return ins.error();
    QSet<QString> inserted;
    for (int i = 0; i < ins->size(); ++i)
        inserted.insert(ins->text(i, 0));
    return inserted;
}

/// Receipts in input order: the new events' own ids, and for a duplicate the stored event's id
/// (read after the insert: a conflicting row another transaction committed meanwhile is seen).
Result<QList<IngestReceipt>> receiptsPg(Connection &c, const QList<NewRawEvent> &events, const QSet<QString> &inserted)
{
    QList<IngestReceipt> out;
    out.reserve(events.size());
    if (inserted.size() == events.size()) {
        for (const NewRawEvent &e : events)
            out.append(IngestReceipt{e.id, false});
    } else {
        QList<QString> dupKeys;
        for (const NewRawEvent &e : events) {
            if (!inserted.contains(e.id))
                dupKeys << e.dedupKey;
        }
        auto found
            = c.exec("SELECT dedup_key, id FROM raw_events WHERE dedup_key = ANY($1::text[])", {pgTextArray(dupKeys)});
        if (!found)
            return found.error();
        QHash<QString, QString> byKey;
        for (int i = 0; i < found->size(); ++i)
            byKey.insert(found->text(i, 0), found->text(i, 1));
        for (const NewRawEvent &e : events) {
            if (inserted.contains(e.id))
                out.append(IngestReceipt{e.id, false});
            else if (byKey.contains(e.dedupKey))
                out.append(IngestReceipt{byKey.value(e.dedupKey), true});
            else
                return makeError("store.error", QStringLiteral("dedup lookup found no row for a conflicting key"));
        }
    }
    return out;
}

Result<QList<IngestReceipt>> insertBatchPg(Connection &c, const QList<NewRawEvent> &events, const QString &firstStage,
                                           int maxAttempts, qint64 now, bool *inserted = nullptr)
{
    auto rows = insertRowsPg(c, events, firstStage, maxAttempts, now);
    if (!rows)
        return rows.error();
    if (inserted)
        *inserted = true;
    if (!rows->isEmpty())
        c.wakeAfterCommit("salesflow_jobs", firstStage);
    return receiptsPg(c, events, rows.value());
}

Result<QList<IngestReceipt>> insertBatchSqlite(Connection &c, const QList<NewRawEvent> &events,
                                               const QString &firstStage, int maxAttempts, qint64 now)
{
    QList<IngestReceipt> out;
    out.reserve(events.size());
    for (const NewRawEvent &e : events) {
        auto ins = c.exec("INSERT INTO raw_events (id, source, content_type, dedup_key, payload,"
                          " size_bytes, received_at, received_by, status, updated_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $7)"
                          " ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
                          {e.id, e.source, QString::fromLatin1(e.contentType), e.dedupKey, e.payload,
                           qint64(e.payload.size()), now, e.actor});
        if (!ins)
            return ins.error();
        if (ins->isEmpty()) {
            auto found = c.exec("SELECT id FROM raw_events WHERE dedup_key = $1", {e.dedupKey});
            if (!found)
                return found.error();
            if (found->isEmpty())
                return makeError("store.error", QStringLiteral("dedup lookup found no row for a conflicting key"));
            out.append(IngestReceipt{found->text(0, 0), true});
            continue;
        }
        auto job = c.exec("INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, created_at)"
                          " VALUES ($1, $2, 0, $3, $4, $4)",
                          {e.id, firstStage, maxAttempts, now});
        if (!job)
            return job.error();
        out.append(IngestReceipt{e.id, false});
    }
    return out;
}

} // namespace

Result<QList<IngestReceipt>> EventRepository::insertBatch(Connection &c, const QList<NewRawEvent> &events,
                                                          const QString &firstStage, int maxAttempts, qint64 nowMs)
{
    if (events.isEmpty())
        return QList<IngestReceipt>{};
    return c.dialect() == Dialect::Postgres ? insertBatchPg(c, events, firstStage, maxAttempts, nowMs)
                                            : insertBatchSqlite(c, events, firstStage, maxAttempts, nowMs);
}

Result<QList<IngestReceipt>> EventRepository::storeBatch(Connection &c, const QList<NewRawEvent> &events,
                                                         const QString &firstStage, int maxAttempts, qint64 nowMs,
                                                         bool *maybeCommitted)
{
    *maybeCommitted = false;
    if (c.dialect() == Dialect::Postgres) {
        // The writes are one statement, atomic on its own; once it succeeded they are committed.
        bool inserted = false;
        auto r = insertBatchPg(c, events, firstStage, maxAttempts, nowMs, &inserted);
        *maybeCommitted = !r && (inserted || c.broken());
        return r;
    }
    Tx tx(c);
    if (Status s = tx.begin(true); !s)
        return s.error();
    auto r = insertBatch(c, events, firstStage, maxAttempts, nowMs);
    if (!r)
        return r;
    if (Status s = tx.commit(); !s) {
        *maybeCommitted = true;
        return s.error();
    }
    return r;
}

namespace {

/// A list row: the raw event's columns, then what the normalise and enrich stages learned
/// (the newest enrichment's intent and confidence, a reviewer's version included).
const QByteArray kListColumns
    = "r.id, r.source, r.status, r.content_type, r.dedup_key, r.received_at, r.updated_at, r.size_bytes, "
      "r.failed_stage, r.last_error, r.received_by, n.actor, n.company, "
      "COALESCE(NULLIF(n.subject, ''), substr(n.body_text, 1, 200)), "
      "(SELECT e.intent FROM enrichment_outputs e WHERE e.event_id = r.id ORDER BY e.id DESC LIMIT 1), "
      "(SELECT e.confidence FROM enrichment_outputs e WHERE e.event_id = r.id ORDER BY e.id DESC LIMIT 1)";

EventSummary listRowFrom(const Rows &r, int i)
{
    EventSummary s = summaryFrom(r, i);
    s.contact = r.text(i, 11);
    s.company = r.text(i, 12);
    // The first line of the text, when there is no subject.
    s.subject = r.text(i, 13).section(QLatin1Char('\n'), 0, 0).trimmed().left(160);
    s.intent = r.text(i, 14);
    if (!r.isNull(i, 15))
        s.confidence = r.real(i, 15);
    return s;
}

QString likePattern(const QString &text)
{
    QString pattern = text.toLower();
    pattern.replace(QLatin1String("\\"), QLatin1String("\\\\"))
        .replace(QLatin1String("%"), QLatin1String("\\%"))
        .replace(QLatin1String("_"), QLatin1String("\\_"));
    return QLatin1Char('%') + pattern + QLatin1Char('%');
}

/// The WHERE clause of a list query, its parameters appended to `params`.
QByteArray listWhere(const EventQuery &q, QVariantList &params)
{
    QByteArray sql = " WHERE 1=1";
    auto add = [&](const char *clause, const QVariant &v) {
        params.append(v);
        sql += QByteArray(clause).replace("$?", QByteArray("$" + QByteArray::number(params.size())));
    };
    if (!q.status.isEmpty())
        add(" AND r.status = $?", q.status);
    if (!q.source.isEmpty())
        add(" AND r.source = $?", q.source);
    // Ids are time-ordered: a time range is an id range, served by the primary key.
    if (q.sinceMs > 0)
        add(" AND r.id >= $?", ids::lowerBound(q.sinceMs));
    if (q.untilMs > 0)
        add(" AND r.id < $?", ids::lowerBound(q.untilMs));
    if (!q.ids.isEmpty()) {
        QByteArrayList marks;
        for (const QString &id : q.ids) {
            params.append(id);
            marks.append("$" + QByteArray::number(params.size()));
        }
        sql += " AND r.id IN (" + marks.join(", ") + ")";
    }
    if (!q.text.isEmpty()) {
        params.append(likePattern(q.text));
        const QByteArray like = " LIKE $" + QByteArray::number(params.size()) + " ESCAPE '\\'";
        sql += " AND (lower(r.dedup_key)" + like + " OR lower(n.subject)" + like + " OR lower(n.body_text)" + like
            + " OR lower(n.actor)" + like + " OR lower(n.company)" + like;
        add(" OR r.id = $?)", q.text);
    }
    if (!q.after.isEmpty())
        add(" AND r.id < $?", q.after); // newest first
    return sql;
}

} // namespace

Result<EventPage> EventRepository::list(Connection &c, const EventQuery &q)
{
    const int limit = qBound(1, q.limit, 1000);
    QVariantList params;
    const QByteArray sql = "SELECT " + kListColumns
        + " FROM raw_events r LEFT JOIN normalised_events n ON n.event_id = r.id" + listWhere(q, params)
        + " ORDER BY r.id DESC LIMIT " + QByteArray::number(limit + 1);
    auto rows = c.exec(sql, params);
    if (!rows)
        return rows.error();
    EventPage page;
    for (int i = 0; i < rows->size() && i < limit; ++i)
        page.items.append(listRowFrom(rows.value(), i));
    if (rows->size() > limit)
        page.next = page.items.last().id;
    return page;
}

Result<EventDetail> EventRepository::detail(Connection &c, const QString &id)
{
    auto rows = c.exec(QByteArray("SELECT " + kSummaryColumns + ", payload FROM raw_events WHERE id = $1"), {id});
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return makeError("event.not_found", QStringLiteral("no event with id %1").arg(id), 404);
    EventDetail d;
    d.summary = summaryFrom(rows.value(), 0);
    d.payload = rows->bytes(0, 11);
    auto a = auditOf(c, id);
    if (!a)
        return a.error();
    // The first entry of every trail: the event arriving, kept on the row itself.
    d.audit.append(AuditEntry{0, id, rows->text(0, 10), QStringLiteral("received"), QString(), EventStatus::Received,
                              QStringLiteral("%1, %2 bytes").arg(d.summary.contentType).arg(d.summary.sizeBytes),
                              d.summary.receivedAtMs});
    d.audit += a.value();
    auto norm
        = c.exec("SELECT n.kind, n.occurred_at, n.actor, n.company, n.deal_ref, n.subject, n.body_text, n.attributes,"
                 " ct.local_key, co.local_key, de.local_key FROM normalised_events n"
                 " LEFT JOIN crm_entities ct ON ct.id = n.contact_id LEFT JOIN crm_entities co ON co.id = n.company_id"
                 " LEFT JOIN crm_entities de ON de.id = n.deal_id WHERE n.event_id = $1",
                 {id});
    if (!norm)
        return norm.error();
    if (!norm->isEmpty()) {
        d.normalised = NormalisedInfo{norm->text(0, 0), norm->int64(0, 1), norm->text(0, 2), norm->text(0, 3),
                                      norm->text(0, 4), norm->text(0, 5),  norm->text(0, 6), norm->text(0, 7),
                                      norm->text(0, 8), norm->text(0, 9),  norm->text(0, 10)};
    }
    auto enrichments = EnrichmentRepository::forEvent(c, id);
    if (!enrichments)
        return enrichments.error();
    d.enrichments = enrichments.value();
    auto actions = c.exec("SELECT a.id, a.kind, a.idempotency_key, a.target, a.status, a.hubspot_id, a.attempts, "
                          "a.last_error, a.verified,"
                          " (SELECT r.response_code FROM crm_action_results r WHERE r.action_id = a.id ORDER BY r.id "
                          "DESC LIMIT 1), a.payload"
                          " FROM crm_actions a WHERE a.event_id = $1 ORDER BY a.id",
                          {id});
    if (!actions)
        return actions.error();
    for (int i = 0; i < actions->size(); ++i) {
        d.actions.append(ActionInfo{actions->int64(i, 0), actions->text(i, 1), actions->text(i, 2), actions->text(i, 3),
                                    actions->text(i, 4), actions->text(i, 5), int(actions->int64(i, 6)),
                                    actions->text(i, 7), actions->text(i, 8), int(actions->int64(i, 9)),
                                    actions->text(i, 10)});
    }
    auto jobs = c.exec("SELECT id, stage, attempts, run_after, lease_owner, last_error FROM jobs"
                       " WHERE event_id = $1 ORDER BY id",
                       {id});
    if (!jobs)
        return jobs.error();
    for (int i = 0; i < jobs->size(); ++i) {
        d.jobs.append(JobInfo{jobs->int64(i, 0), jobs->text(i, 1), int(jobs->int64(i, 2)), jobs->int64(i, 3),
                              jobs->text(i, 4), jobs->text(i, 5)});
    }
    return d;
}

Result<QList<AuditEntry>> EventRepository::auditOf(Connection &c, const QString &eventId)
{
    auto rows = c.exec("SELECT id, event_id, actor, action, before_state, after_state, detail, at FROM audit_logs"
                       " WHERE event_id = $1 ORDER BY id LIMIT 1000",
                       {eventId});
    if (!rows)
        return rows.error();
    QList<AuditEntry> out;
    for (int i = 0; i < rows->size(); ++i) {
        out.append(AuditEntry{rows->int64(i, 0), rows->text(i, 1), rows->text(i, 2), rows->text(i, 3), rows->text(i, 4),
                              rows->text(i, 5), rows->text(i, 6), rows->int64(i, 7)});
    }
    return out;
}

Result<AuditPage> EventRepository::audit(Connection &c, const AuditQuery &q)
{
    qint64 after = 0;
    if (!q.after.isEmpty()) {
        bool ok = false;
        after = q.after.toLongLong(&ok);
        if (!ok || after <= 0)
            return makeError("query.cursor", QStringLiteral("'after' is not a cursor this server gave out"), 400);
    }
    const int limit = qBound(1, q.limit, 1000);
    auto rows = c.exec("SELECT id, event_id, actor, action, before_state, after_state, detail, at FROM audit_logs"
                       " WHERE ($1 = 0 OR id < $1) AND ($2 = '' OR actor = $2) AND ($3 = '' OR event_id = $3)"
                       " AND ($4 = '' OR action = $4) AND ($5 = 0 OR at >= $5) AND ($6 = 0 OR at < $6)"
                       " ORDER BY id DESC LIMIT $7",
                       {after, q.actor, q.eventId, q.action, q.sinceMs, q.untilMs, limit + 1});
    if (!rows)
        return rows.error();
    AuditPage page;
    for (int i = 0; i < rows->size() && i < limit; ++i) {
        page.items.append(AuditEntry{rows->int64(i, 0), rows->text(i, 1), rows->text(i, 2), rows->text(i, 3),
                                     rows->text(i, 4), rows->text(i, 5), rows->text(i, 6), rows->int64(i, 7)});
    }
    if (rows->size() > limit)
        page.next = QString::number(page.items.last().id);
    return page;
}

Result<QMap<QString, qint64>> EventRepository::countByStatus(Connection &c)
{
    auto r = c.exec("SELECT status, count(*) FROM raw_events GROUP BY status");
    if (!r)
        return r.error();
    QMap<QString, qint64> out;
    for (int i = 0; i < r->size(); ++i)
        out.insert(r->text(i, 0), r->int64(i, 1));
    return out;
}

Result<Stats> EventRepository::stats(Connection &c, qint64 nowMs)
{
    Stats s;
    auto byStatus = countByStatus(c);
    if (!byStatus)
        return byStatus.error();
    s.byStatus = byStatus.value();
    for (qint64 n : s.byStatus)
        s.total += n;
    auto bySource = c.exec("SELECT source, count(*) FROM raw_events GROUP BY source");
    if (!bySource)
        return bySource.error();
    for (int i = 0; i < bySource->size(); ++i)
        s.bySource.insert(bySource->text(i, 0), bySource->int64(i, 1));
    auto queue = c.exec("SELECT stage, count(*), MIN(created_at) FROM jobs GROUP BY stage");
    if (!queue)
        return queue.error();
    for (int i = 0; i < queue->size(); ++i) {
        s.queueByStage.insert(queue->text(i, 0), queue->int64(i, 1));
        s.oldestJobAgeMs.insert(queue->text(i, 0), qMax<qint64>(0, nowMs - queue->int64(i, 2)));
    }
    auto replays = c.exec("SELECT count(*) FROM replays WHERE status IN ('selecting', 'running')");
    if (!replays)
        return replays.error();
    s.replaysRunning = replays->int64(0, 0);
    auto recent = c.exec("SELECT count(*) FROM raw_events WHERE received_at >= $1", {nowMs - 60000});
    if (!recent)
        return recent.error();
    s.ingestedLastMinute = recent->int64(0, 0);
    auto llm = c.exec("SELECT count(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),"
                      " COALESCE(SUM(cached_tokens), 0), COALESCE(SUM(cost_usd), 0) FROM enrichment_outputs");
    if (!llm)
        return llm.error();
    s.enrichments = llm->int64(0, 0);
    s.llmInputTokens = llm->int64(0, 1);
    s.llmOutputTokens = llm->int64(0, 2);
    s.llmCachedTokens = llm->int64(0, 3);
    s.llmCostUsd = llm->real(0, 4);
    auto actions = c.exec("SELECT status, count(*) FROM crm_actions GROUP BY status");
    if (!actions)
        return actions.error();
    for (int i = 0; i < actions->size(); ++i)
        s.actionsByStatus.insert(actions->text(i, 0), actions->int64(i, 1));
    const QString day = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).date().toString(Qt::ISODate);
    auto hs = c.exec("SELECT name, value FROM hubspot_state WHERE name = $1 OR name = 'paused_until'",
                     {QString(QStringLiteral("daily:") + day)});
    if (!hs)
        return hs.error();
    for (int i = 0; i < hs->size(); ++i) {
        if (hs->text(i, 0) == QLatin1String("paused_until"))
            s.hubspotPausedUntilMs = hs->text(i, 1).toLongLong();
        else
            s.hubspotCallsToday = hs->text(i, 1).toLongLong();
    }
    return s;
}

} // namespace salesflow::store

namespace salesflow::store {

Status TransitionWriter::write(Connection &c, const QList<Transition> &ts, const QString &actor, qint64 nowMs)
{
    if (ts.isEmpty())
        return Done{};
    if (c.dialect() == Dialect::Postgres) {
        QList<QString> ids, statuses, stages, errors, details;
        for (const Transition &t : ts) {
            ids << t.eventId;
            statuses << t.toStatus;
            stages << t.failedStage;
            errors << t.error;
            details << t.detail;
        }
        // All CTEs share one snapshot: `old` sees the status before the update.
        auto r
            = c.exec("WITH t AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
                     "           AS t(id, st, fstage, err, detail)),"
                     " old AS (SELECT r.id, r.status FROM raw_events r JOIN t ON r.id = t.id),"
                     " upd AS (UPDATE raw_events r SET status = t.st, failed_stage = NULLIF(t.fstage, ''),"
                     "         last_error = NULLIF(t.err, ''), updated_at = $6 FROM t WHERE r.id = t.id RETURNING r.id)"
                     " INSERT INTO audit_logs (event_id, actor, action, before_state, after_state, detail, at)"
                     " SELECT t.id, $7, 'transition', old.status, t.st, NULLIF(t.detail, ''), $6"
                     " FROM t JOIN old ON old.id = t.id",
                     {pgTextArray(ids), pgTextArray(statuses), pgTextArray(stages), pgTextArray(errors),
                      pgTextArray(details), nowMs, actor});
        if (!r)
            return r.error();
        return Done{};
    }
    for (const Transition &t : ts) {
        auto old = c.exec("SELECT status FROM raw_events WHERE id = $1", {t.eventId});
        if (!old)
            return old.error();
        if (old->isEmpty())
            continue;
        auto u = c.exec("UPDATE raw_events SET status = $1, failed_stage = $2, last_error = $3,"
                        " updated_at = $4 WHERE id = $5",
                        {t.toStatus, t.failedStage.isEmpty() ? QVariant() : QVariant(t.failedStage),
                         t.error.isEmpty() ? QVariant() : QVariant(t.error), nowMs, t.eventId});
        if (!u)
            return u.error();
        auto a = c.exec("INSERT INTO audit_logs (event_id, actor, action, before_state, after_state, detail, at)"
                        " VALUES ($1, $2, 'transition', $3, $4, $5, $6)",
                        {t.eventId, actor, old->text(0, 0), t.toStatus,
                         t.detail.isEmpty() ? QVariant() : QVariant(t.detail), nowMs});
        if (!a)
            return a.error();
    }
    return Done{};
}

} // namespace salesflow::store
