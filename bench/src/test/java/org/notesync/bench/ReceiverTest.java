package org.notesync.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loopback receiver the numbers depend on: it must count only correctly signed events, once each. */
class ReceiverTest {

    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
    private final HttpClient http = HttpClient.newHttpClient();
    private Receiver receiver;

    @BeforeEach
    void open() throws IOException {
        receiver = new Receiver();
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void recordsTheFirstArrivalOfEachEventAndCountsDuplicates() throws Exception {
        receiver.register(3, SECRET);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        long before = System.nanoTime();

        assertThat(post(3, body(a, b), SECRET)).isEqualTo(204);
        long firstArrival = receiver.arrival(a).firstNanos;
        assertThat(post(3, body(a), SECRET)).isEqualTo(204);

        assertThat(receiver.uniqueEvents()).isEqualTo(2);
        assertThat(receiver.arrival(a).count.get()).isEqualTo(2);
        assertThat(receiver.arrival(a).firstNanos).isEqualTo(firstArrival).isGreaterThanOrEqualTo(before);
        assertThat(receiver.arrival(a).tenant).isEqualTo(3);
        assertThat(receiver.arrival(b).count.get()).isEqualTo(1);
        assertThat(receiver.duplicates()).isEqualTo(1);
    }

    @Test
    void refusesAWrongSignatureAndAnUnknownPath() throws Exception {
        receiver.register(0, SECRET);
        String other = "whsec_" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});

        assertThat(post(0, body(UUID.randomUUID()), other)).isEqualTo(401);
        assertThat(post(7, body(UUID.randomUUID()), SECRET)).isEqualTo(404);

        assertThat(receiver.uniqueEvents()).isZero();
        assertThat(receiver.badSignatures()).isEqualTo(1);
    }

    @Test
    void failsTheConfiguredShareOfRequestsWithoutRecordingThem() throws Exception {
        receiver.register(1, SECRET);
        receiver.fault(1, new Receiver.Fault(1.0, Duration.ZERO));

        assertThat(post(1, body(UUID.randomUUID()), SECRET)).isEqualTo(500);
        assertThat(receiver.uniqueEvents()).isZero();
        assertThat(receiver.failedOnPurpose()).isEqualTo(1);

        receiver.fault(1, Receiver.Fault.NONE);
        assertThat(post(1, body(UUID.randomUUID()), SECRET)).isEqualTo(204);
    }

    @Test
    void refusesConnectionsWhileDownAndListensOnTheSamePortAgain() throws Exception {
        receiver.register(0, SECRET);
        String url = receiver.url(0);

        receiver.down();
        assertThatThrownBy(() -> post(0, body(UUID.randomUUID()), SECRET)).isInstanceOf(ConnectException.class);

        receiver.up();
        assertThat(receiver.url(0)).isEqualTo(url);
        assertThat(post(0, body(UUID.randomUUID()), SECRET)).isEqualTo(204);
    }

    private int post(int tenant, String body, String secret) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url(tenant)))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("webhook-id", id).header("webhook-timestamp", timestamp)
                .header("webhook-signature", "v1,bogus v1," + signature).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String body(UUID... events) {
        StringBuilder json = new StringBuilder("{\"events\":[");
        for (int i = 0; i < events.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(events[i])
                    .append("\",\"resource_type\":\"note\",\"action\":\"new_note\"}");
        }
        return json.append("],\"meta\":{\"webhook_id\":\"").append(UUID.randomUUID()).append("\"}}").toString();
    }
}
