-- The last webhook request the agent refused (a wrong webhook-secret shows here, not only in notesync's log).
ALTER TABLE sync_state ADD COLUMN last_webhook_refused_at timestamp with time zone;
ALTER TABLE sync_state ADD COLUMN last_webhook_refusal varchar(200);
