package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Filters for {@code GET /webhook-deliveries}; newest first unless ordered otherwise. */
public final class DeliveryQuery extends Query<DeliveryQuery> {

    private DeliveryQuery() {
    }

    public static DeliveryQuery create() {
        return new DeliveryQuery();
    }

    public DeliveryQuery webhook(UUID... webhooks) {
        return ids("webhook", webhooks);
    }

    /** pending, succeeded, failed ({@code failed} is the failure queue). */
    public DeliveryQuery status(String... statuses) {
        return exact("status", List.of(statuses));
    }

    /** Deliveries of these events (for a note event, the note's uuid). */
    public DeliveryQuery eventId(UUID... events) {
        return ids("eventId", events);
    }

    public DeliveryQuery createdAfter(Instant instant) {
        return date("createdAt", "after", instant);
    }

    public DeliveryQuery createdBefore(Instant instant) {
        return date("createdAt", "before", instant);
    }

    public DeliveryQuery completedAfter(Instant instant) {
        return date("completedAt", "after", instant);
    }

    public DeliveryQuery lastAttemptAfter(Instant instant) {
        return date("lastAttemptAt", "after", instant);
    }

    public DeliveryQuery orderByCreatedAt(Order order) {
        return orderBy("createdAt", order);
    }

    public DeliveryQuery orderByLastAttemptAt(Order order) {
        return orderBy("lastAttemptAt", order);
    }
}
