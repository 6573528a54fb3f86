package org.notesync.client;

import java.util.List;

/**
 * A page of the change feed ({@code GET /notes/feed}): note changes numbered in commit order. The feed holds
 * each note once, at its latest change (a note changed again leaves its old place for a new number), so
 * import every entry as an upsert: a note created and edited between two reads first appears as
 * {@code updated_note}.
 *
 * @param cursor  pass it as {@code after} to get the next changes: the last sequence of this page, or the
 *                {@code after} sent when none came; lower than that {@code after} only when it was beyond
 *                every number the feed handed out ({@link #wentBack})
 * @param hasMore whether more changes are waiting after this page
 */
public record NoteChanges(List<Change> changes, long cursor, boolean hasMore) {

    public NoteChanges {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /**
     * Whether the server answered a cursor below the {@code after} this page was asked with: that cursor was
     * beyond every number the feed has handed out, as when the server's database was restored from an older
     * backup, and the server sends the reader back to the feed's start (0). Go on from {@link #cursor()},
     * skipping the notes already seen: staying above it would skip every change numbered since the restore.
     */
    public boolean wentBack(long after) {
        return cursor < after;
    }

    /**
     * @param action {@code updated_note} when the note was edited since its creation, {@code new_note}
     *               otherwise
     */
    public record Change(long sequence, String action, Note note) {
    }
}
