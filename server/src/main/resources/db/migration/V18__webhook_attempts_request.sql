-- One POST may carry several events (a batch); its answer is logged on each of their deliveries. Whether a
-- viewer may see that answer depends on every note the POST carried, found by the POST's webhook-id.
-- May have been built beforehand with CREATE INDEX CONCURRENTLY (docs/operations.md).
CREATE INDEX IF NOT EXISTS webhook_attempts_request ON webhook_attempts (request_id);
