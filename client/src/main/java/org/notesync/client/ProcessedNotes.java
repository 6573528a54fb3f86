package org.notesync.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which note versions have been imported: the deduplication of {@link NoteInbox}, keyed on the note uuid
 * as the guide asks, and remembering the version ({@code updatedAt}) so that an {@code updated_note} is
 * imported while a retried or polled copy of an imported version, or an older version arriving late, is
 * not. Back it with your database (a table keyed by note uuid) to deduplicate across restarts.
 */
public interface ProcessedNotes {

    /** The {@code updatedAt} of the newest imported version of the note, if any. */
    Optional<Instant> lastProcessed(UUID note);

    void markProcessed(UUID note, Instant updatedAt);

    /** Remembers the last {@code capacity} notes, forgetting the least recently seen first. */
    static ProcessedNotes inMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be 1 or more");
        }
        Map<UUID, Instant> seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Instant> eldest) {
                return size() > capacity;
            }
        };
        return new ProcessedNotes() {
            @Override
            public synchronized Optional<Instant> lastProcessed(UUID note) {
                return Optional.ofNullable(seen.get(note));
            }

            @Override
            public synchronized void markProcessed(UUID note, Instant updatedAt) {
                seen.merge(note, updatedAt, (a, b) -> a.isAfter(b) ? a : b);
            }
        };
    }
}
