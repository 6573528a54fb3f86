package org.notesync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

/** Our signatures, checked against an independent Standard Webhooks implementation. */
class SignaturesTest {

    private static final String BODY = "{\"events\":[{\"id\":\"1\"}],\"meta\":{\"webhook_id\":\"w\"}}";

    @Test
    void secretsHaveTheStandardForm() {
        String secret = Signatures.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Signatures.key(secret)).hasSize(32);
        assertThat(Signatures.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void theLibraryVerifiesOurSignatureAndComputesTheSameOne() throws Exception {
        String secret = Signatures.newSecret();
        long now = Instant.now().getEpochSecond();
        String header = Signatures.sign(List.of(Signatures.key(secret)), "msg_1", now,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(header).isEqualTo(new Webhook(secret).sign("msg_1", now, BODY));
        assertThatCode(() -> new Webhook(secret).verify(BODY, headers("msg_1", now, header)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new Webhook(secret).verify(BODY.replace('1', '2'), headers("msg_1", now, header)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void duringARotationEitherSecretVerifies() throws Exception {
        String current = Signatures.newSecret();
        String previous = Signatures.newSecret();
        long now = Instant.now().getEpochSecond();
        String header = Signatures.sign(List.of(Signatures.key(current), Signatures.key(previous)), "msg_2", now,
                BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(header.split(" ")).hasSize(2);
        new Webhook(current).verify(BODY, headers("msg_2", now, header));
        new Webhook(previous).verify(BODY, headers("msg_2", now, header));
        assertThatThrownBy(() -> new Webhook(Signatures.newSecret()).verify(BODY, headers("msg_2", now, header)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
