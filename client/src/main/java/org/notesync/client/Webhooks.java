package org.notesync.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /webhooks}: scope {@code read:webhooks} (or {@code read:notes}) to read; {@code write:webhooks} to
 * change, or {@code read:notes} to register one (a webhook receiving notes always needs {@code read:notes}).
 */
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

    /**
     * Queues a {@code ping} event for this webhook only and returns its delivery (pending): follow it with
     * {@link Deliveries#get(UUID)}. The webhook must be active.
     */
    public Delivery test(UUID uuid) {
        return api.post("/webhooks/" + uuid + "/test", Map.of(), Delivery.class);
    }

    /**
     * Replays, in the background, the webhook's deliveries that had failed, created from {@code since} to
     * {@code until} (now when null). Follow it with {@link #recovery(UUID, UUID)}.
     */
    public Recovery recover(UUID uuid, Instant since, Instant until) {
        return api.post("/webhooks/" + uuid + "/recover", window(since, until), Recovery.class);
    }

    /**
     * Sends the webhook, in the background, the note events of the window from {@code since} (within the
     * delivery history's retention, 90 days by default) to {@code until} (now when null) that it never got:
     * notes written while it was inactive, or before it was registered. Follow it with
     * {@link #recovery(UUID, UUID)}. The webhook must be active.
     */
    public Recovery replayMissing(UUID uuid, Instant since, Instant until) {
        return api.post("/webhooks/" + uuid + "/replay-missing", window(since, until), Recovery.class);
    }

    private static Map<String, Object> window(Instant since, Instant until) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", Dates.format(java.util.Objects.requireNonNull(since, "since")));
        if (until != null) {
            body.put("until", Dates.format(until));
        }
        return body;
    }

    public Recovery recovery(UUID webhook, UUID recovery) {
        return api.get("/webhooks/" + webhook + "/recoveries/" + recovery, Recovery.class);
    }
}
