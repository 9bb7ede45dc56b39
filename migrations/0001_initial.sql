-- SalesFlow schema, version 1: the tables of the data model (PRODUCT.md) and the job queue.
-- Written once for both stores; the migrator replaces {{ID}} (auto-increment key), {{BLOB}} and
-- {{KEY}}: machine keys compare bytewise (COLLATE "C" on PostgreSQL, SQLite's default BINARY),
-- which keeps their indexes cheap whatever the database's locale.
-- A line starting `--postgres: ` runs on PostgreSQL only.
-- Every timestamp is epoch milliseconds (BIGINT), written by the engine's injectable clock.

CREATE TABLE raw_events (
    id            TEXT {{KEY}} PRIMARY KEY,  -- time-ordered (UUIDv7 layout): keyset pages by id
    source        TEXT {{KEY}} NOT NULL,
    content_type  TEXT NOT NULL,
    dedup_key     TEXT {{KEY}} NOT NULL,
    payload       {{BLOB}} NOT NULL,
    size_bytes    BIGINT NOT NULL,
    received_at   BIGINT NOT NULL,
    received_by   TEXT NOT NULL,             -- token or user that posted it (the first audit entry)
    status        TEXT {{KEY}} NOT NULL DEFAULT 'received',
    failed_stage  TEXT,
    last_error    TEXT,
    updated_at    BIGINT NOT NULL
);
-- Dedup is enforced here, not by a read-then-write.
CREATE UNIQUE INDEX raw_events_dedup ON raw_events (dedup_key);
CREATE INDEX raw_events_status ON raw_events (status, id);
CREATE INDEX raw_events_source ON raw_events (source, id);
-- No index on received_at: ids are time-ordered, so time ranges are id ranges.
-- Nothing ever filters on the payload: ANALYZE skips it (it was the cost of auto-analyze).
--postgres: ALTER TABLE raw_events ALTER COLUMN payload SET STATISTICS 0;

CREATE TABLE normalised_events (
    event_id      TEXT {{KEY}} PRIMARY KEY REFERENCES raw_events (id),
    kind          TEXT NOT NULL,
    occurred_at   BIGINT,
    actor         TEXT,
    company       TEXT,
    deal_ref      TEXT,
    subject       TEXT,
    body_text     TEXT,
    attributes    TEXT NOT NULL DEFAULT '{}',
    contact_id    BIGINT,
    company_id    BIGINT,
    deal_id       BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE crm_entities (
    id            {{ID}},
    kind          TEXT NOT NULL,             -- contact | company | deal
    local_key     TEXT NOT NULL,             -- email, domain, deal id
    hubspot_id    TEXT,
    properties    TEXT NOT NULL DEFAULT '{}',
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX crm_entities_key ON crm_entities (kind, local_key);

CREATE TABLE enrichment_outputs (
    id                {{ID}},
    event_id          TEXT {{KEY}} NOT NULL REFERENCES raw_events (id),
    summary           TEXT,
    intent            TEXT,
    lead_quality      INTEGER,
    objections        TEXT NOT NULL DEFAULT '[]',
    next_action       TEXT,
    follow_up_subject TEXT,
    follow_up_body    TEXT,
    score_change      INTEGER,
    confidence        DOUBLE PRECISION,
    prompt_name       TEXT,
    prompt_version    INTEGER,
    provider          TEXT,
    model             TEXT,
    input_tokens      INTEGER,
    output_tokens     INTEGER,
    latency_ms        INTEGER,
    review_state      TEXT,
    created_at        BIGINT NOT NULL
);
CREATE INDEX enrichment_outputs_event ON enrichment_outputs (event_id, id);

CREATE TABLE crm_actions (
    id                {{ID}},
    event_id          TEXT {{KEY}} NOT NULL REFERENCES raw_events (id),
    kind              TEXT NOT NULL,         -- note | task | property_update | upsert
    target            TEXT NOT NULL,
    idempotency_key   TEXT NOT NULL,
    payload           TEXT NOT NULL,
    status            TEXT NOT NULL,
    hubspot_id        TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX crm_actions_key ON crm_actions (idempotency_key);

CREATE TABLE crm_action_results (
    id                {{ID}},
    action_id         BIGINT NOT NULL REFERENCES crm_actions (id),
    attempt           INTEGER NOT NULL,
    request           TEXT,
    response_code     INTEGER,
    response_body     TEXT,
    hubspot_id        TEXT,
    error             TEXT,
    at                BIGINT NOT NULL
);

CREATE TABLE audit_logs (
    id            {{ID}},
    event_id      TEXT {{KEY}},
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    before_state  TEXT,
    after_state   TEXT,
    detail        TEXT,
    at            BIGINT NOT NULL
);
CREATE INDEX audit_logs_event ON audit_logs (event_id, id);

-- The durable queue. A lease is `run_after` moved into the future with an owner and a token:
-- an expired lease is simply due again, so the lease query needs one index in lease order.
-- event_id has no foreign key on purpose: jobs are written only with their event (ingest, stage
-- completion) and the per-row RI check was a large share of ingest cost; the crash test checks
-- that no job is ever without its event.
CREATE TABLE jobs (
    id            {{ID}},
    event_id      TEXT {{KEY}} NOT NULL,
    stage         TEXT {{KEY}} NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    run_after     BIGINT NOT NULL,
    lease_owner   TEXT,
    lease_token   TEXT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX jobs_lease ON jobs (stage, run_after, id);
CREATE INDEX jobs_event ON jobs (event_id);

CREATE TABLE prompt_versions (
    id            {{ID}},
    name          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    template      TEXT NOT NULL,
    settings      TEXT NOT NULL DEFAULT '{}',
    author        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX prompt_versions_key ON prompt_versions (name, version);

CREATE TABLE users (
    id            {{ID}},
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);
CREATE UNIQUE INDEX users_name ON users (name);

CREATE TABLE api_tokens (
    id            {{ID}},
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    token_hash    TEXT NOT NULL,             -- SHA-256 of a 256-bit random token
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE replays (
    id            {{ID}},
    requested_by  TEXT NOT NULL,
    request       TEXT NOT NULL,
    status        TEXT NOT NULL,
    total         INTEGER NOT NULL DEFAULT 0,
    done          INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
