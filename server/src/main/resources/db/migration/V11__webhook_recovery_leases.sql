-- A recovery (POST /webhooks/{uuid}/recover) ran on the node that accepted it, in memory: when that node
-- stopped or died, its row stayed 'running' and the rest of its window was never replayed. Now the node
-- running it holds it as a lease, renewed with every chunk, and any node resumes a running recovery whose
-- lease ran out.
ALTER TABLE webhook_recoveries ADD COLUMN locked_by varchar(100);
ALTER TABLE webhook_recoveries ADD COLUMN locked_until timestamp with time zone;
CREATE INDEX webhook_recoveries_running ON webhook_recoveries (status, locked_until);
