package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * {@code POST /webhook-deliveries/{id}/retry} reads the delivery, then replays it in one statement that
 * changes nothing when the delivery is pending or gone. What happened in between decides the answer: a
 * delivery removed meanwhile (a deleted webhook's purge, the retention) is a 404, one queued meanwhile
 * (another retry, a recovery) a 409. The spy does that in-between work just before the statement.
 */
@ServerTest
class WebhookRetryRaceIT {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @MockitoSpyBean
    WebhookDeliveries deliveries;

    @Test
    void aDeliveryRemovedBetweenTheReadAndTheReplayIsNotFound() {
        Http api = tenants.create().api(port);
        String delivery = succeededPing(api);
        doAnswer(call -> {
            jdbc.sql("DELETE FROM webhook_attempts WHERE delivery_id = ?").param(UUID.fromString(delivery)).update();
            jdbc.sql("DELETE FROM webhook_deliveries WHERE id = ?").param(UUID.fromString(delivery)).update();
            return call.callRealMethod();
        }).when(deliveries).replay(any(), any());

        Http.Response retry = api.post("/webhook-deliveries/" + delivery + "/retry", Map.of());
        assertThat(retry.status()).as(retry.toString()).isEqualTo(404);
        assertThat(retry.header("Content-Type")).startsWith("application/problem+json");
        assertThat(retry.json().get("detail").asString()).isEqualTo("Webhook delivery not found.");
    }

    @Test
    void aDeliveryQueuedBetweenTheReadAndTheReplayIsAConflict() {
        Http api = tenants.create().api(port);
        String delivery = succeededPing(api);
        doAnswer(call -> {
            jdbc.sql("UPDATE webhook_deliveries SET status = 'pending' WHERE id = ?")
                    .param(UUID.fromString(delivery)).update();
            return call.callRealMethod();
        }).when(deliveries).replay(any(), any());

        Http.Response retry = api.post("/webhook-deliveries/" + delivery + "/retry", Map.of());
        assertThat(retry.status()).as(retry.toString()).isEqualTo(409);
        assertThat(retry.header("Content-Type")).startsWith("application/problem+json");
        assertThat(retry.json().get("detail").asString()).isEqualTo("This delivery is already queued.");
    }

    private static String succeededPing(Http api) {
        try (Receiver receiver = new Receiver()) {
            String webhook = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note")))
                    .json().get("uuid").asString();
            String delivery = api.post("/webhooks/" + webhook + "/test", Map.of()).json().get("uuid").asString();
            await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/webhook-deliveries/" + delivery, "application/json")
                    .json().get("status").asString().equals("succeeded"));
            return delivery;
        }
    }
}
