-- Rows as SalesFlow wrote them at schema version 4 (0004_people.sql): a user with a session, a
-- failed login, a claimed review item, a reviewer's version of an enrichment, a prompt version
-- an admin added and a replay request of the time (before replays ran in the background).
INSERT INTO users (name, role, password_hash, created_at) VALUES ('rita', 'reviewer', '$argon2id$x', 1728000000000);
INSERT INTO sessions (token_hash, user_name, created_at, expires_at)
VALUES ('5e55', 'rita', 1728000000000, 1728043200000);
INSERT INTO login_failures (subject, at) VALUES ('user:rita', 1728000001000);
INSERT INTO review_claims (event_id, holder, until)
VALUES ('0192b000-0000-7000-8000-000000000001', 'user:rita', 1728000300000);
INSERT INTO enrichment_outputs (event_id, summary, intent, lead_quality, objections, next_action, follow_up_subject,
                                follow_up_body, score_change, confidence, prompt_name, prompt_version, provider,
                                model, input_tokens, output_tokens, latency_ms, review_state, created_at,
                                reviewed_by, review_comment, outcome)
VALUES ('0192b000-0000-7000-8000-000000000001', 'Reviewed: wants pricing', 'high', 80, '[]', 'Send pricing',
        'Pricing', 'Hi', 5, 0.75, 'enrich', 1, 'offline', 'offline', 0, 0, 0, 'approved', 1728000100000,
        'user:rita', 'tightened the summary', 'ok');
INSERT INTO prompt_versions (name, version, template, settings, author, created_at, active)
VALUES ('enrich', 7, '### system
Be brief.
### user
{{event.text}}', '{"temperature": 0}', 'user:ada', 1728000200000, 0);
INSERT INTO replays (requested_by, request, status, total, done, created_at, updated_at)
VALUES ('cli:root', '{"events":["0192b000-0000-7000-8000-000000000001"]}', 'done', 1, 1, 1728000400000,
        1728000400000);
