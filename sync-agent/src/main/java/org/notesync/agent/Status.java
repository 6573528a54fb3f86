package org.notesync.agent;

import java.time.Instant;

/**
 * What the agent has done, from its database.
 *
 * @param notesInDatabase   rows in {@code imported_notes}
 * @param notesImported     first imports of a note
 * @param updatesApplied    later versions of an imported note
 * @param duplicatesSkipped copies of a version already imported (retries, replays, feed and webhook both)
 * @param pendingEvents     webhook requests stored but not imported yet
 * @param failingEvents     of those, the ones whose import failed at least once
 * @param lastImportLagMs   from the note's updatedAt on the server to its import, for the latest import
 * @param lagSeconds        age of the oldest webhook request waiting to be imported (0 when none)
 */
record Status(long notesInDatabase, long notesImported, long updatesApplied, long duplicatesSkipped,
        long pendingEvents, long failingEvents, Instant lastWebhookAt, Instant lastPollAt, String lastPollError,
        long feedCursor, Instant lastImportAt, Long lastImportLagMs, long lagSeconds, Instant lastWebhookRefusedAt,
        String lastWebhookRefusal) {
}
