package org.notesync.client;

import java.util.List;

/**
 * A page of the change feed ({@code GET /notes/feed}): note changes numbered in commit order.
 *
 * @param cursor  pass it as {@code after} to get the next changes; the last sequence of this page
 * @param hasMore whether more changes are waiting after this page
 */
public record NoteChanges(List<Change> changes, long cursor, boolean hasMore) {

    public NoteChanges {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /** @param action {@code new_note} or {@code updated_note} */
    public record Change(long sequence, String action, Note note) {
    }
}
