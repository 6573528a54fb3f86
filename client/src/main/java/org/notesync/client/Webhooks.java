package org.notesync.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** {@code /webhooks}: scope {@code read:webhooks} to read, {@code write:webhooks} to change. */
public final class Webhooks {

    private final Api api;

    Webhooks(Api api) {
        this.api = api;
    }

    public Pages<Webhook> list() {
        return api.list("/webhooks", null, Webhook.class);
    }

    public Pages<Webhook> list(PageQuery query) {
        return api.list("/webhooks", query, Webhook.class);
    }

    public Webhook get(UUID uuid) {
        return api.get("/webhooks/" + uuid, Webhook.class);
    }

    /** Registers a webhook. The answer's {@link Webhook#secret()} is shown this once: store it. */
    public Webhook create(WebhookInput webhook) {
        return api.post("/webhooks", webhook.fields(), Webhook.class);
    }

    public Webhook update(UUID uuid, WebhookInput changes) {
        return api.patch("/webhooks/" + uuid, changes.fields(), Webhook.class);
    }

    public void delete(UUID uuid) {
        api.delete("/webhooks/" + uuid);
    }

    /**
     * A new signing secret, returned this once. For a while the server signs with both the old and the
     * new secret, so receivers can switch without losing a delivery.
     */
    public Webhook rotateSecret(UUID uuid) {
        return api.post("/webhooks/" + uuid + "/rotate-secret", Map.of(), Webhook.class);
    }

    /** Sends a {@code ping} event to the webhook now and returns its delivery. */
    public Delivery test(UUID uuid) {
        return api.post("/webhooks/" + uuid + "/test", Map.of(), Delivery.class);
    }

    /** Replays, in the background, the webhook's failed deliveries created in [{@code from}, {@code to}]. */
    public Recovery recover(UUID uuid, Instant from, Instant to) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (from != null) {
            body.put("since", Dates.format(from));
        }
        if (to != null) {
            body.put("until", Dates.format(to));
        }
        return api.post("/webhooks/" + uuid + "/recover", body, Recovery.class);
    }
}
