-- Rows as SalesFlow wrote them at schema version 1 (0001_initial.sql): one event done and
-- written to HubSpot, one waiting in review with its enrichment, one still queued.
INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at, received_by, status, updated_at)
VALUES ('0191a000-0000-7000-8000-000000000001', 'form', 'application/json', 'form:s-1',
        '{"submission_id":"s-1","fields":{"email":"dana@northwind.example"}}', 63, 1722500000000, 'token:website', 'done', 1722500005000);
INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at, received_by, status, updated_at)
VALUES ('0191a000-0000-7000-8000-000000000002', 'chat', 'application/json', 'sha256:abc',
        '{"messages":[{"text":"Is SSO included?"}]}', 42, 1722500001000, 'token:chat-widget', 'in_review', 1722500006000);
INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at, received_by, status, updated_at)
VALUES ('0191a000-0000-7000-8000-000000000003', 'email', 'message/rfc822', 'mid:<x@y>',
        'From: a@b.example', 17, 1722500002000, 'import', 'received', 1722500002000);
INSERT INTO crm_entities (kind, local_key, hubspot_id, properties, updated_at)
VALUES ('contact', 'dana@northwind.example', '501', '{"firstname":"Dana"}', 1722500003000);
INSERT INTO crm_entities (kind, local_key, hubspot_id, properties, updated_at)
VALUES ('company', 'northwind.example', NULL, '{}', 1722500003000);
INSERT INTO normalised_events (event_id, kind, occurred_at, actor, company, deal_ref, subject, body_text, attributes,
                               contact_id, company_id, deal_id, created_at)
VALUES ('0191a000-0000-7000-8000-000000000001', 'form_submission', 1722500000000, 'dana@northwind.example', 'Northwind',
        NULL, 'Contact sales', 'We need SSO before we can buy.', '{"form":"contact"}', 1, 2, NULL, 1722500003000);
INSERT INTO normalised_events (event_id, kind, occurred_at, actor, company, deal_ref, subject, body_text, attributes,
                               contact_id, company_id, deal_id, created_at)
VALUES ('0191a000-0000-7000-8000-000000000002', 'chat', 1722500001000, NULL, NULL, NULL, NULL, 'Is SSO included?', '{}',
        NULL, NULL, NULL, 1722500003500);
INSERT INTO enrichment_outputs (event_id, summary, intent, lead_quality, objections, next_action, follow_up_subject,
                                follow_up_body, score_change, confidence, prompt_name, prompt_version, provider, model,
                                input_tokens, output_tokens, latency_ms, review_state, created_at)
VALUES ('0191a000-0000-7000-8000-000000000001', 'Asks for SSO before buying', 'high', 80,
        '[{"category":"security","evidence":"We need SSO before we can buy."}]', 'Send the SSO page', 'SSO',
        'Hi Dana', 10, 0.75, 'enrich', 1, 'offline', 'offline-rules-1', 0, 0, 3, 'not_required', 1722500004000);
INSERT INTO enrichment_outputs (event_id, summary, intent, lead_quality, objections, next_action, follow_up_subject,
                                follow_up_body, score_change, confidence, prompt_name, prompt_version, provider, model,
                                input_tokens, output_tokens, latency_ms, review_state, created_at)
VALUES ('0191a000-0000-7000-8000-000000000002', 'A chat question', 'low', 30, '[]', 'Answer it', 'SSO', 'Hello',
        0, 0.35, 'enrich', 1, 'offline', 'offline-rules-1', 0, 0, 2, 'pending', 1722500004500);
INSERT INTO crm_actions (event_id, kind, target, idempotency_key, payload, status, hubspot_id, created_at, updated_at)
VALUES ('0191a000-0000-7000-8000-000000000001', 'note', 'event:0191a000-0000-7000-8000-000000000001',
        'note:0191a000-0000-7000-8000-000000000001', '{"id":"note:1"}', 'done', '9001', 1722500004600, 1722500005000);
INSERT INTO crm_action_results (action_id, attempt, request, response_code, response_body, hubspot_id, error, at)
VALUES (1, 1, '{"inputs":[]}', 200, '{"results":[]}', '9001', NULL, 1722500005000);
INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, lease_owner, lease_token, last_error, created_at)
VALUES ('0191a000-0000-7000-8000-000000000003', 'normalise', 1, 5, 1722500060000, NULL, NULL, 'store unavailable',
        1722500002000);
INSERT INTO audit_logs (event_id, actor, action, before_state, after_state, detail, at)
VALUES ('0191a000-0000-7000-8000-000000000001', 'engine:normalise', 'normalised', 'received', 'normalised', NULL,
        1722500003000);
INSERT INTO audit_logs (event_id, actor, action, before_state, after_state, detail, at)
VALUES ('0191a000-0000-7000-8000-000000000002', 'engine:enrich', 'in_review', 'normalised', 'in_review',
        'confidence 0.35 is below the review threshold 0.60', 1722500006000);
INSERT INTO api_tokens (name, role, token_hash, created_at, revoked_at)
VALUES ('website', 'ingest', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 1722400000000, NULL);
