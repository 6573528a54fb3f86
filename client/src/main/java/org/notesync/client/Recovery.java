package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/**
 * A background replay of a webhook's failed deliveries in a time window.
 *
 * @param status running or completed
 */
public record Recovery(UUID uuid, UUID webhook, Instant windowStart, Instant windowEnd, String status, Integer total,
        Integer replayed, Instant createdAt, Instant completedAt) {
}
