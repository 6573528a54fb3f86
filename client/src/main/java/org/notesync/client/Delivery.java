package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One event's delivery to one webhook, with its retries. The failure queue is the deliveries whose
 * status is {@code failed}.
 *
 * @param eventId        the event's {@code id}, the same on every retry and replay
 * @param status         pending, succeeded or failed
 * @param attemptCount   attempts since it was created or last replayed
 * @param lastStatusCode the HTTP status of the last attempt, or null if it got no response
 * @param lastError      why the last attempt failed (timeout, connection refused...), or null
 * @param attempts       the requests that carried it, oldest first; only when read one by one
 */
public record Delivery(UUID uuid, UUID webhook, UUID eventId, String action, String status, int attemptCount,
        int replays, Integer lastStatusCode, String lastError, Instant nextAttemptAt, Instant createdAt,
        Instant firstAttemptAt, Instant lastAttemptAt, Instant completedAt, List<Attempt> attempts) {

    public Delivery {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /**
     * One HTTP request that carried the delivery.
     *
     * @param requestId the {@code webhook-id} header it was sent with
     * @param batchSize how many events that request carried
     */
    public record Attempt(UUID uuid, String requestId, Instant attemptedAt, int durationMs, Integer statusCode,
            String errorKind, String responseExcerpt, int batchSize) {
    }
}
