-- Enrichment provenance (issue 4): what produced each output, what it cost, why it went to review.
ALTER TABLE enrichment_outputs ADD COLUMN request_id TEXT;
ALTER TABLE enrichment_outputs ADD COLUMN cached_tokens INTEGER;
ALTER TABLE enrichment_outputs ADD COLUMN cost_usd DOUBLE PRECISION;
ALTER TABLE enrichment_outputs ADD COLUMN llm_calls INTEGER;      -- calls made (a validation retry is a second call)
ALTER TABLE enrichment_outputs ADD COLUMN http_retries INTEGER;   -- transport retries inside those calls
ALTER TABLE enrichment_outputs ADD COLUMN outcome TEXT;           -- ok | invalid | refused | truncated | filtered | no_tool_use
ALTER TABLE enrichment_outputs ADD COLUMN review_reasons TEXT NOT NULL DEFAULT '[]';
ALTER TABLE enrichment_outputs ADD COLUMN validation_notes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE enrichment_outputs ADD COLUMN raw_output TEXT;        -- the model's answer as received
-- The enrich stage reads a contact's earlier events for the prompt's context.
CREATE INDEX normalised_events_contact ON normalised_events (contact_id, event_id);
-- Per-job arguments (JSON), e.g. {"prompt_version": 3} for a replay with a chosen prompt.
ALTER TABLE jobs ADD COLUMN args TEXT;
