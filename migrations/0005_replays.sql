-- Prompt versions carry the author's notes; replays run in the background, resumably.
ALTER TABLE prompt_versions ADD COLUMN notes TEXT NOT NULL DEFAULT '';

-- A replay: what was asked (request, JSON), by whom, and its progress. Whoever holds the lease
-- works it in bounded batches; a lease that lapses (the holder died) is taken over and the replay
-- goes on from the first item not yet done.
ALTER TABLE replays ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN from_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE replays ADD COLUMN prompt_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN started_at BIGINT;
ALTER TABLE replays ADD COLUMN finished_at BIGINT;
ALTER TABLE replays ADD COLUMN error TEXT;
ALTER TABLE replays ADD COLUMN lease_owner TEXT;
ALTER TABLE replays ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN input_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN output_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX replays_status ON replays (status, id);

-- The events a replay takes, fixed when it starts (seq is their order), and per event what
-- happened: state pending | done | failed | skipped, and for a dry run the difference (JSON).
CREATE TABLE replay_items (
    replay_id  BIGINT NOT NULL,
    seq        INTEGER NOT NULL,
    event_id   TEXT {{KEY}} NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending',
    changed    INTEGER NOT NULL DEFAULT 0,
    diff       TEXT,
    error      TEXT,
    PRIMARY KEY (replay_id, seq)
);
CREATE INDEX replay_items_pending ON replay_items (replay_id, state, seq);
