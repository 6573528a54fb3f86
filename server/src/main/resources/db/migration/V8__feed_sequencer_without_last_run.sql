-- Nothing read feed_sequencer.last_run_at, and writing it cost a statement per numbering run, that is
-- per handful of notes under load (docs/PERFORMANCE.md). The row stays: its lock is the sequencer.
ALTER TABLE feed_sequencer DROP COLUMN last_run_at;
