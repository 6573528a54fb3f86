package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription.
 *
 * @param events         the actions it receives, such as {@code new_note} and {@code updated_note}
 * @param secret         the {@code whsec_} signing secret: present only in the answer to create and to
 *                       rotate-secret, never again; give it to {@link WebhookVerifier}
 * @param disabledReason why the server deactivated it (for example after failing for days), or null
 */
public record Webhook(UUID uuid, String url, List<String> events, Boolean active, String secret,
        String disabledReason, Instant failingSince, Instant createdAt, Instant updatedAt) {

    public Webhook {
        events = events == null ? List.of() : List.copyOf(events);
    }

    public boolean isActive() {
        return Boolean.TRUE.equals(active);
    }

    @Override
    public String toString() {
        return "Webhook[uuid=" + uuid + ", url=" + url + ", events=" + events + ", active=" + active + "]";
    }
}
