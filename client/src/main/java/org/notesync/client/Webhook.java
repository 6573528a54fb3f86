package org.notesync.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription.
 *
 * @param events                  the actions it receives, such as {@code new_note} and {@code updated_note}
 * @param owner                   the clinician whose token created it (it also receives their private
 *                                patients' notes), or null for an organization-wide webhook
 * @param disabledReason          why the server deactivated it (410 Gone, failing for too long), or null
 * @param failingSince            start of the current run of failed deliveries, null when healthy
 * @param previousSecretExpiresAt after a rotation, until when the previous secret also signs
 * @param secret                  the {@code whsec_} signing secret: only in the answers to create and
 *                                rotate-secret, never again; give it to {@link WebhookVerifier}
 */
public record Webhook(UUID uuid, String url, List<String> events, boolean active, UUID owner, String disabledReason,
        Instant failingSince, Instant previousSecretExpiresAt, Instant createdAt, Instant updatedAt, String secret) {

    public Webhook {
        events = events == null ? List.of() : List.copyOf(events);
    }

    @Override
    public String toString() {
        return "Webhook[uuid=" + uuid + ", url=" + url + ", events=" + events + ", active=" + active + "]";
    }
}
