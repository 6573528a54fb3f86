package org.notesync.client;

import java.util.Map;
import java.util.UUID;

/** {@code /webhook-deliveries}: the delivery log and the failure queue. */
public final class Deliveries {

    private final Api api;

    Deliveries(Api api) {
        this.api = api;
    }

    public Pages<Delivery> list(DeliveryQuery query) {
        return api.list("/webhook-deliveries", query, Delivery.class);
    }

    /** With its attempts: when, how long, the status or error, an excerpt of the receiver's answer. */
    public Delivery get(UUID uuid) {
        return api.get("/webhook-deliveries/" + uuid, Delivery.class);
    }

    /** Every delivery, newest first. */
    public Pages<Delivery> list() {
        return list(DeliveryQuery.create());
    }

    /**
     * Sends a delivery again (a failed one, or a succeeded one to receive it once more), with the same
     * event ids. A delivery already queued is a {@link ConflictException}.
     */
    public Delivery retry(UUID uuid) {
        return api.post("/webhook-deliveries/" + uuid + "/retry", Map.of(), Delivery.class);
    }
}
