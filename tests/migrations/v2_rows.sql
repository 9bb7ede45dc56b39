-- Rows as SalesFlow wrote them at schema version 2 (0002_enrichment.sql): an enrichment with
-- provenance, cost and review reasons, and a replay job carrying a prompt version.
INSERT INTO raw_events (id, source, content_type, dedup_key, payload, size_bytes, received_at, received_by, status, updated_at)
VALUES ('0192b000-0000-7000-8000-000000000001', 'transcript', 'text/vtt', 'sha256:def',
        'WEBVTT', 6, 1726000000000, 'token:gong', 'enriched', 1726000009000);
INSERT INTO normalised_events (event_id, kind, occurred_at, actor, company, deal_ref, subject, body_text, attributes,
                               contact_id, company_id, deal_id, created_at)
VALUES ('0192b000-0000-7000-8000-000000000001', 'call_transcript', 1726000000000, 'Lena', NULL, 'D-7', NULL,
        'Pricing is fine; timing is Q3.', '{}', NULL, NULL, NULL, 1726000001000);
INSERT INTO enrichment_outputs (event_id, summary, intent, lead_quality, objections, next_action, follow_up_subject,
                                follow_up_body, score_change, confidence, prompt_name, prompt_version, provider, model,
                                input_tokens, output_tokens, latency_ms, review_state, created_at, request_id,
                                cached_tokens, cost_usd, llm_calls, http_retries, outcome, review_reasons,
                                validation_notes, raw_output)
VALUES ('0192b000-0000-7000-8000-000000000001', 'Timing is Q3', 'medium', 60,
        '[{"category":"timing","evidence":"timing is Q3"}]', 'Follow up in June', 'Our call', 'Hi Lena', 5, 0.8,
        'enrich', 2, 'openai', 'gpt-4o-mini', 900, 200, 1500, 'not_required', 1726000008000, 'req_123', 100, 0.00042,
        1, 0, 'ok', '[]', '["evidence trimmed"]', '{"summary":"Timing is Q3"}');
INSERT INTO jobs (event_id, stage, attempts, max_attempts, run_after, lease_owner, lease_token, last_error, created_at,
                  args)
VALUES ('0192b000-0000-7000-8000-000000000001', 'plan', 0, 5, 1726000009000, NULL, NULL, NULL, 1726000009000,
        '{"prompt_version":2}');
