-- HubSpot writeback (issue 5): the action ledger, the shared rate budget, the writer's state.
ALTER TABLE crm_actions ADD COLUMN object_type TEXT;          -- contacts | companies | notes | tasks
ALTER TABLE crm_actions ADD COLUMN payload_hash TEXT;
ALTER TABLE crm_actions ADD COLUMN sent_hash TEXT;            -- the payload hash HubSpot last confirmed
ALTER TABLE crm_actions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crm_actions ADD COLUMN last_error TEXT;
ALTER TABLE crm_actions ADD COLUMN verified TEXT;             -- null (not sampled) | ok | the missing part
CREATE INDEX crm_actions_event ON crm_actions (event_id, id);
CREATE INDEX crm_action_results_action ON crm_action_results (action_id, id);

-- One row per HubSpot call by any worker process: the rolling ten-second window and the
-- daily count are counted here, so every process shares one budget.
CREATE TABLE hubspot_calls (
    id    {{ID}},
    at    BIGINT NOT NULL,
    day   TEXT NOT NULL
);
CREATE INDEX hubspot_calls_at ON hubspot_calls (at);
CREATE INDEX hubspot_calls_day ON hubspot_calls (day);

-- Named values the writers share: a pause until a time, a stop reason, learnt limits.
CREATE TABLE hubspot_state (
    name       TEXT {{KEY}} PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
