-- Rows as SalesFlow wrote them at schema version 3 (0003_writeback.sql): HubSpot actions with
-- their hashes, attempts and verification, the shared call budget, a dry-run action.
INSERT INTO crm_actions (event_id, kind, target, idempotency_key, payload, status, hubspot_id, created_at, updated_at,
                         object_type, payload_hash, sent_hash, attempts, last_error, verified)
VALUES ('0192b000-0000-7000-8000-000000000001', 'task', 'event:0192b000-0000-7000-8000-000000000001',
        'task:0192b000-0000-7000-8000-000000000001', '{"id":"task:2"}', 'dry_run', NULL, 1727000000000,
        1727000000000, 'tasks', 'h1', NULL, 0, NULL, NULL);
INSERT INTO crm_actions (event_id, kind, target, idempotency_key, payload, status, hubspot_id, created_at, updated_at,
                         object_type, payload_hash, sent_hash, attempts, last_error, verified)
VALUES ('0191a000-0000-7000-8000-000000000001', 'upsert_contact', 'contact:dana@northwind.example',
        'contact:dana@northwind.example', '{"id":"dana@northwind.example"}', 'done', '501', 1727000001000,
        1727000002000, 'contacts', 'h2', 'h2', 2, NULL, 'ok');
INSERT INTO hubspot_state (name, value, updated_at) VALUES ('daily:2024-09-22', '17', 1727000002000);
