-- Recordings may be kept for notesync.audio.retention after their audio ended (completed or failed), then
-- removed by AudioSweep while the audio, its transcription and its note stay. file_deleted_at says when;
-- the index finds the ended audios whose recording is still kept, oldest first. Adding a nullable column
-- without a default rewrites nothing on PostgreSQL; building the index holds uploads and the pipeline's
-- status changes while it reads the table once (one row per consultation: 1.5 s for a million rows of about
-- 500 bytes on the 2-core host of docs/PERFORMANCE.md).
ALTER TABLE audios ADD COLUMN file_deleted_at timestamp with time zone;
CREATE INDEX audios_file_kept ON audios (file_deleted_at, completed_at);
