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

    /** The payload's length in UTF-8 bytes, as it goes on the wire (a batch's limit is in bytes). */
    public int size() {
        int bytes = 0;
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < payload.length()
                    && Character.isLowSurrogate(payload.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1; // a lone half, which String.getBytes sends as '?'
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
