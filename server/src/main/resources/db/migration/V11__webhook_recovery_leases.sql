-- A recovery (POST /webhooks/{uuid}/recover) ran on the node that accepted it, in memory: when that node
-- stopped or died, its row stayed 'running' and the rest of its window was never replayed. Now the node
-- running it holds it as a lease, renewed with every chunk, and any node resumes a running recovery whose
-- lease ran out; after too many takeovers it ends 'interrupted'.
ALTER TABLE webhook_recoveries ADD COLUMN locked_by varchar(100);
ALTER TABLE webhook_recoveries ADD COLUMN locked_until timestamp with time zone;
ALTER TABLE webhook_recoveries ADD COLUMN takeovers integer NOT NULL DEFAULT 0;
CREATE INDEX webhook_recoveries_running ON webhook_recoveries (status, locked_until);
-- Recoveries running now may still be running on a node of the previous version, which renews no lease:
-- they are left to it for ten minutes before another node takes them over.
UPDATE webhook_recoveries SET locked_until = CURRENT_TIMESTAMP + INTERVAL '10' MINUTE WHERE status = 'running';
