package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Filters for {@code GET /webhook-deliveries}. */
public final class DeliveryQuery extends Query<DeliveryQuery> {

    private DeliveryQuery() {
    }

    public static DeliveryQuery create() {
        return new DeliveryQuery();
    }

    public DeliveryQuery webhook(UUID... webhooks) {
        return ids("webhook", webhooks);
    }

    /** pending, succeeded, failed. */
    public DeliveryQuery status(String... statuses) {
        return exact("status", List.of(statuses));
    }

    public DeliveryQuery createdAfter(Instant instant) {
        return date("createdAt", "after", instant);
    }

    public DeliveryQuery createdBefore(Instant instant) {
        return date("createdAt", "before", instant);
    }

    public DeliveryQuery orderByCreatedAt(Order order) {
        return orderBy("createdAt", order);
    }
}
