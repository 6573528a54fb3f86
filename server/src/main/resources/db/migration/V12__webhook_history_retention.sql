-- The delivery history is kept for notesync.webhooks.retention (90 days by default) and then removed by
-- WebhookPurge: deliveries with their attempts, then the events no delivery refers to any more. The first
-- index finds an event's deliveries, for that check and for the foreign key's own check when an event is
-- deleted (without it each deleted event would scan webhook_deliveries); the second finds the old events.
--
-- Building the first index locks writes to webhook_deliveries, and so the creation of notes, for as long as
-- it takes: about 4 s per 3 million deliveries on a 2-core host. Where that is too long, build both
-- beforehand with CREATE INDEX CONCURRENTLY and these names; IF NOT EXISTS then leaves them alone.
CREATE INDEX IF NOT EXISTS webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX IF NOT EXISTS webhook_events_created ON webhook_events (created_at);
