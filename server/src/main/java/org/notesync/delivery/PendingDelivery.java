package org.notesync.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A claimed delivery: one event for one webhook, with the event's rendered JSON.
 *
 * @param attempts  attempts made since it was created or last replayed
 * @param replays   how many times it was replayed (0 for a fresh delivery)
 * @param createdAt when the event was written, in the note's transaction
 * @param payload   the event object exactly as it goes into the {@code events} array
 */
public record PendingDelivery(UUID id, UUID webhookId, int attempts, int replays, Instant createdAt,
        String payload) {

    public int size() {
        return payload.length();
    }
}
