package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/**
 * A background replay of a webhook's failed deliveries created in [{@code since}, {@code until}).
 *
 * @param status running or completed
 */
public record Recovery(UUID uuid, UUID webhook, Instant since, Instant until, String status, int total, int replayed,
        Instant createdAt, Instant completedAt) {
}
