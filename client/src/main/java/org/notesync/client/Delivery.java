package org.notesync.client;

import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to one webhook, with its retries.
 *
 * @param status         pending, succeeded or failed (failed deliveries are the failure queue)
 * @param attempts       requests made so far
 * @param lastStatusCode the HTTP status of the last attempt, or null if it got no response
 * @param lastError      why the last attempt failed (timeout, connection refused, HTTP status...), or null
 */
public record Delivery(UUID uuid, UUID webhook, String eventId, String action, String status, Integer attempts,
        Integer lastStatusCode, String lastError, Instant createdAt, Instant nextAttemptAt, Instant lastAttemptAt,
        Instant completedAt) {
}
