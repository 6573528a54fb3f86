package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/**
 * A background replay for a webhook, of the window [{@code since}, {@code until}]: of its failed deliveries
 * ({@link Webhooks#recover}), or of the note events it never got ({@link Webhooks#replayMissing}).
 *
 * @param kind   {@code failed} or {@code missing}
 * @param status running, completed, or interrupted (what it did not replay can be asked for again)
 * @param total  what there was to replay when it started
 */
public record Recovery(UUID uuid, UUID webhook, String kind, Instant since, Instant until, String status, int total,
        int replayed, Instant createdAt, Instant completedAt) {
}
