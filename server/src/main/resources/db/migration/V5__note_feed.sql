-- The change feed: every committed note change gets a sequence number AFTER it commits, assigned by
-- one sequencer at a time, so a reader that remembers the last number it saw can never skip a change
-- whose transaction committed late (see docs/sdk.md, "Polling that never misses a note").
ALTER TABLE notes ADD COLUMN feed_seq bigint;
CREATE INDEX notes_feed_unsequenced ON notes (feed_seq);
CREATE INDEX notes_org_feed ON notes (organization_id, feed_seq);
CREATE SEQUENCE note_feed_seq START WITH 1 INCREMENT BY 1;

-- One row: whoever holds its lock is the sequencer.
CREATE TABLE feed_sequencer (
    id          integer PRIMARY KEY,
    last_run_at timestamp with time zone
);
INSERT INTO feed_sequencer (id) VALUES (1);
