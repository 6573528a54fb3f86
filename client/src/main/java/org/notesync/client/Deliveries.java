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

    public Delivery get(UUID uuid) {
        return api.get("/webhook-deliveries/" + uuid, Delivery.class);
    }

    /** Queues a failed delivery for another round of attempts. */
    public Delivery retry(UUID uuid) {
        return api.post("/webhook-deliveries/" + uuid + "/retry", Map.of(), Delivery.class);
    }
}
