package org.notesync.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Notes created or changed, pulled from the API: the polling half of {@link NoteInbox}, which catches
 * what a webhook did not bring (an endpoint down longer than the retries, a firewall, a lost response).
 *
 * <p>Prefer {@link #changes(NotesyncClient)}: the server's change feed never skips a note.
 * {@link #updatedSince} walks {@code GET /notes} by {@code updatedAt}, for servers without the feed.
 */
public interface NoteFeed {

    /** Notes created or changed since the previous call, in order; empty when caught up. */
    List<Note> next();

    /** Where the feed stands, to persist and hand back to {@link #resume} after a restart. Opaque text. */
    String checkpoint();

    /** The change feed ({@code GET /notes/feed}) from its beginning: every note the client sees, then each change. */
    static NoteFeed changes(NotesyncClient client) {
        return new ChangeFeed(client.notes(), 0);
    }

    /** The change feed after a sequence number (a {@link NoteChanges#cursor()}). */
    static NoteFeed changesAfter(NotesyncClient client, long sequence) {
        return new ChangeFeed(client.notes(), sequence);
    }

    /**
     * Polls {@code GET /notes?updatedAt[after]=...&order[updatedAt]=asc} from {@code since}, re-reading
     * the last 10 seconds each time (a note whose transaction committed late, with an earlier
     * {@code updatedAt}, is found if it committed within that window) and dropping what it has already
     * returned. Each call queries afresh from where it stopped, so a page shifting under it cannot make
     * it skip a note.
     */
    static NoteFeed updatedSince(NotesyncClient client, Instant since) {
        return new UpdatedNotesFeed(client.notes(), since, UpdatedNotesFeed.DEFAULT_LOOKBACK);
    }

    /** As {@link #updatedSince(NotesyncClient, Instant)} with your own re-read window. */
    static NoteFeed updatedSince(NotesyncClient client, Instant since, Duration lookback) {
        return new UpdatedNotesFeed(client.notes(), since, lookback);
    }

    /** Continues either kind of feed from its {@link #checkpoint()}. */
    static NoteFeed resume(NotesyncClient client, String checkpoint) {
        if (checkpoint != null && checkpoint.startsWith(ChangeFeed.PREFIX)) {
            return new ChangeFeed(client.notes(), ChangeFeed.parse(checkpoint));
        }
        return new UpdatedNotesFeed(client.notes(), UpdatedNotesFeed.parse(checkpoint),
                UpdatedNotesFeed.DEFAULT_LOOKBACK);
    }
}
