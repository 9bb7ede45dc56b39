-- People log in and reviewers decide (users already exist since 0001).
-- A user's login sessions: only a SHA-256 of each session token is kept.
CREATE TABLE sessions (
    id          {{ID}},
    token_hash  TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX sessions_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_name);

-- Failed logins per user and per address, so every API process throttles the same guesses.
CREATE TABLE login_failures (
    id       {{ID}},
    subject  TEXT NOT NULL,      -- "user:NAME" or "addr:ADDRESS"
    at       BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

-- Who holds a review item, until when (a claim lapses by itself).
CREATE TABLE review_claims (
    event_id  TEXT {{KEY}} PRIMARY KEY REFERENCES raw_events (id),
    holder    TEXT NOT NULL,
    until     BIGINT NOT NULL
);

-- A reviewer's version of an enrichment is a row of its own beside the AI's.
ALTER TABLE enrichment_outputs ADD COLUMN reviewed_by TEXT;
ALTER TABLE enrichment_outputs ADD COLUMN review_comment TEXT;
