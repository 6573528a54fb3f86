package org.notesync.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Notes created or changed, pulled from the API: the polling half of {@link NoteInbox}, which catches
 * what a webhook did not bring (endpoint down longer than the retries, a firewall, a lost response).
 *
 * <p>Today's implementation, {@link #polling}, walks {@code GET /notes} by {@code updatedAt}. A change
 * feed served by the server (a cursor that never skips a note) can implement this interface later
 * without changing callers.
 */
public interface NoteFeed {

    /** Notes created or changed since the previous call, oldest change first; empty when caught up. */
    List<Note> next();

    /** Where the feed stands, to persist and hand back to {@link #resume} after a restart. Opaque text. */
    String checkpoint();

    /**
     * Polls {@code GET /notes?updatedAt[after]=...&order[updatedAt]=asc} from {@code since}, re-reading
     * the last 10 seconds each time (a note whose transaction committed late, with an earlier
     * {@code updatedAt}, is still found) and dropping what it has already returned.
     */
    static NoteFeed polling(NotesyncClient client, Instant since) {
        return new UpdatedNotesFeed(client.notes(), since, UpdatedNotesFeed.DEFAULT_LOOKBACK);
    }

    /** As {@link #polling(NotesyncClient, Instant)} with your own re-read window. */
    static NoteFeed polling(NotesyncClient client, Instant since, Duration lookback) {
        return new UpdatedNotesFeed(client.notes(), since, lookback);
    }

    /** Continues from a {@link #checkpoint()}. */
    static NoteFeed resume(NotesyncClient client, String checkpoint) {
        return new UpdatedNotesFeed(client.notes(), UpdatedNotesFeed.parse(checkpoint),
                UpdatedNotesFeed.DEFAULT_LOOKBACK);
    }
}
