package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.notesync.client.WebhookEvent;
import org.notesync.client.WebhookPayload;

/** The inbox reads stored requests long after they were verified: a newer server's payload must still read. */
class StoredPayloadTest {

    @Test
    void unknownFieldsAndActionsDoNotFailARequest() {
        WebhookPayload payload = SyncAgent.JSON.readValue("""
                {"events":[{"id":"e1","resource_type":"note","action":"archived_note","metadata":{},"extra":1},
                           {"id":"0b8a6c1e-0000-4000-8000-000000000001","resource_type":"note","action":"new_note",
                            "metadata":{"note":{"uuid":"0b8a6c1e-0000-4000-8000-000000000001","type":"memo",
                              "content":"x","createdAt":"2026-02-24T10:30:00+00:00",
                              "updatedAt":"2026-02-24T10:30:00+00:00","language":"fr"}}}],
                 "meta":{"webhook_id":"0b8a6c1e-0000-4000-8000-000000000002","attempt":3}}""", WebhookPayload.class);
        assertThat(payload.events()).extracting(WebhookEvent::action)
                .containsExactly(WebhookEvent.Action.UNKNOWN, WebhookEvent.Action.NEW_NOTE);
        assertThat(payload.events().get(1).note().orElseThrow().type()).isEqualTo("memo");
    }
}
