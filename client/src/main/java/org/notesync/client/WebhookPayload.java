package org.notesync.client;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of a webhook request: one or more events, and which webhook sent them.
 *
 * <pre>{@code
 * {"events":[{"id":"<note uuid>","resource_type":"note","action":"new_note",
 *             "metadata":{"note":{...}},"resource_metadata":{"user_id":"...","organization_id":"..."}}],
 *  "meta":{"webhook_id":"<webhook uuid>"}}
 * }</pre>
 */
public record WebhookPayload(List<WebhookEvent> events, Meta meta) {

    public WebhookPayload {
        events = events == null ? List.of() : List.copyOf(events);
    }

    public record Meta(@JsonProperty("webhook_id") UUID webhookId) {
    }
}
