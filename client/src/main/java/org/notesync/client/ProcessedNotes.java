package org.notesync.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which note versions have been imported: the deduplication of {@link NoteInbox}, keyed on the note uuid
 * as the guide asks, and remembering the {@link NoteVersion} so that an {@code updated_note} is imported
 * while a retried or polled copy of an imported version, or an older version arriving late, is not. Back
 * it with your database (a row per note uuid: updatedAt and fingerprint) to deduplicate across restarts.
 */
public interface ProcessedNotes {

    /** The newest imported version of the note, if any. */
    Optional<NoteVersion> lastProcessed(UUID note);

    void markProcessed(UUID note, NoteVersion version);

    /** Remembers the last {@code capacity} notes, forgetting the least recently seen first. */
    static ProcessedNotes inMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be 1 or more");
        }
        Map<UUID, NoteVersion> seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, NoteVersion> eldest) {
                return size() > capacity;
            }
        };
        return new ProcessedNotes() {
            @Override
            public synchronized Optional<NoteVersion> lastProcessed(UUID note) {
                return Optional.ofNullable(seen.get(note));
            }

            @Override
            public synchronized void markProcessed(UUID note, NoteVersion version) {
                seen.merge(note, version, (old, given) -> old.updatedAt().isAfter(given.updatedAt()) ? old : given);
            }
        };
    }
}
