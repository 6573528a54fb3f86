-- Deleting a webhook was one DELETE cascading through its whole delivery log. A webhook that has run for
-- months has hundreds of thousands of deliveries and attempts, and while that DELETE ran it held the
-- webhook's row: every note of the organization waited for it, since writing a note's deliveries checks
-- their webhook's row (foreign key), and the API's creates wait for one another under the feed's lock.
-- Now DELETE /webhooks/{uuid} only marks the row (an UPDATE that leaves the key alone, so those checks do
-- not wait), the API and the delivery engine no longer see the webhook, and a background purge removes its
-- log in small transactions and then the row.
ALTER TABLE webhooks ADD COLUMN deleted_at timestamp with time zone;
CREATE INDEX webhooks_deleted ON webhooks (deleted_at);
