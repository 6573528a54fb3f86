-- POST /webhooks/{uuid}/replay-missing sends a webhook the note events it never got (it was inactive, or not
-- yet registered, when they were written). Telling what it never got is a lookup by note: an event now names
-- its note, and a recovery says which kind it is.
-- The column, its values and the index may have been made beforehand (docs/operations.md): this migration
-- runs in one transaction holding an exclusive lock on webhook_events from the ALTER on, so on a large table
-- the backfill done here stops note creates and deliveries while it runs.
ALTER TABLE webhook_events ADD COLUMN IF NOT EXISTS note_id uuid;
-- The events already written: a new_note's id is its note's uuid; an updated_note's payload starts with its
-- id, then the note's uuid at a fixed place (WebhookOutbox renders every event in that order).
UPDATE webhook_events SET note_id = event_id WHERE action = 'new_note' AND note_id IS NULL;
UPDATE webhook_events SET note_id = CAST(SUBSTRING(payload FROM 121 FOR 36) AS uuid)
WHERE action = 'updated_note' AND note_id IS NULL
  AND payload LIKE '{"id":"____________________________________","resource_type":"note","action":"updated_note","metadata":{"note":{"uuid":"%';
CREATE INDEX IF NOT EXISTS webhook_events_note ON webhook_events (note_id, created_at);
-- failed: POST /recover (the failed deliveries of a window); missing: POST /replay-missing.
ALTER TABLE webhook_recoveries ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'failed';
