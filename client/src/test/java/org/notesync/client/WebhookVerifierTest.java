package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;
import org.notesync.client.WebhookVerificationException.Reason;

/** Signatures come from the independent com.standardwebhooks implementation, not from our own code. */
class WebhookVerifierTest {

    static final String BODY = """
            {"events":[{"id":"6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11","resource_type":"note","action":"new_note",\
            "metadata":{"note":{"uuid":"6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11","type":"consultation_summary",\
            "content":"Patient presents with a cough.","createdAt":"2026-02-24T10:30:00+00:00",\
            "updatedAt":"2026-02-24T10:30:00+00:00","patient":{"uuid":"0b7e6a52-3e0e-4e43-a7b2-6a8f7d1d2c33",\
            "firstName":"Ada","lastName":"Lovelace"}}},"resource_metadata":{"user_id":"9d9a3f6c-1f7e-4c54-8d5e-2f1b0a6c4e55",\
            "organization_id":"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}],"meta":{"webhook_id":"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"}}""";

    final String secret = newSecret();
    final Instant sentAt = Instant.parse("2026-02-24T10:30:05Z");
    final SettableClock clock = new SettableClock(sentAt);
    final String messageId = "msg_" + UUID.randomUUID();

    @Test
    void acceptsWhatTheStandardWebhooksLibrarySignsAndReadsTheGuidesPayload() throws Exception {
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), BODY);

        WebhookPayload payload = verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), signature),
                bytes(BODY));

        assertThat(payload.meta().webhookId()).isEqualTo(UUID.fromString("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"));
        assertThat(payload.events()).hasSize(1);
        WebhookEvent event = payload.events().get(0);
        assertThat(event.id()).isEqualTo("6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11");
        assertThat(event.resourceType()).isEqualTo("note");
        assertThat(event.action()).isEqualTo(WebhookEvent.Action.NEW_NOTE);
        assertThat(event.resourceMetadata().userId()).isEqualTo(UUID.fromString("9d9a3f6c-1f7e-4c54-8d5e-2f1b0a6c4e55"));
        assertThat(event.resourceMetadata().organizationId())
                .isEqualTo(UUID.fromString("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"));
        Note note = event.note().orElseThrow();
        assertThat(note.uuid()).isEqualTo(UUID.fromString("6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11"));
        assertThat(note.type()).isEqualTo("consultation_summary");
        assertThat(note.content()).isEqualTo("Patient presents with a cough.");
        assertThat(note.createdAt()).isEqualTo(Instant.parse("2026-02-24T10:30:00Z"));
        assertThat(note.updatedAt()).isEqualTo(Instant.parse("2026-02-24T10:30:00Z"));
        assertThat(note.patient()).isEqualTo(new PatientSummary(UUID.fromString("0b7e6a52-3e0e-4e43-a7b2-6a8f7d1d2c33"),
                "Ada", "Lovelace"));
    }

    @Test
    void headerNamesAreMatchedWhateverTheirCase() throws Exception {
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), BODY);
        Map<String, List<String>> headers = Map.of("Webhook-Id", List.of(messageId),
                "WEBHOOK-TIMESTAMP", List.of(Long.toString(sentAt.getEpochSecond())),
                "Webhook-signature", List.of(signature));
        assertThat(verifier(secret).verify(headers, bytes(BODY)).events()).hasSize(1);
    }

    @Test
    void aTamperedBodyIsRejected() throws Exception {
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), BODY);
        String tampered = BODY.replace("a cough", "a fever");

        assertRejected(() -> verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), signature),
                bytes(tampered)), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void aTamperedIdOrTimestampIsRejected() throws Exception {
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), BODY);

        assertRejected(() -> verifier(secret).verify(headers("msg_other", sentAt.getEpochSecond(), signature),
                bytes(BODY)), Reason.NO_MATCHING_SIGNATURE);
        assertRejected(() -> verifier(secret).verify(headers(messageId, sentAt.getEpochSecond() - 1, signature),
                bytes(BODY)), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void aTamperedSignatureIsRejected() throws Exception {
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), BODY);
        byte[] mac = Base64.getDecoder().decode(signature.substring(3));
        mac[0] ^= 1;
        String flipped = "v1," + Base64.getEncoder().encodeToString(mac);

        assertRejected(() -> verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), flipped),
                bytes(BODY)), Reason.NO_MATCHING_SIGNATURE);
        assertRejected(() -> verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), "v2" + signature.substring(2)),
                bytes(BODY)), Reason.NO_MATCHING_SIGNATURE);
        assertRejected(() -> verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), "v1,not base64!"),
                bytes(BODY)), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void theWrongSecretIsRejected() throws Exception {
        String signature = sign(newSecret(), messageId, sentAt.getEpochSecond(), BODY);

        assertRejected(() -> verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), signature),
                bytes(BODY)), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void timestampsWithinFiveMinutesEitherWayAreAcceptedAndBeyondAreRejected() throws Exception {
        long at = sentAt.getEpochSecond();
        String signature = sign(secret, messageId, at, BODY);
        WebhookVerifier verifier = verifier(secret);

        clock.set(sentAt.plus(Duration.ofMinutes(5)));
        assertThat(verifier.verify(headers(messageId, at, signature), bytes(BODY)).events()).hasSize(1);
        clock.set(sentAt.plus(Duration.ofMinutes(5)).plusSeconds(1));
        assertRejected(() -> verifier.verify(headers(messageId, at, signature), bytes(BODY)), Reason.TIMESTAMP_TOO_OLD);

        clock.set(sentAt.minus(Duration.ofMinutes(5)));
        assertThat(verifier.verify(headers(messageId, at, signature), bytes(BODY)).events()).hasSize(1);
        clock.set(sentAt.minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertRejected(() -> verifier.verify(headers(messageId, at, signature), bytes(BODY)), Reason.TIMESTAMP_TOO_NEW);
    }

    @Test
    void duringARotationAnyOfSeveralSignaturesMayMatch() throws Exception {
        String oldSecret = newSecret();
        String newSecret = newSecret();
        long at = sentAt.getEpochSecond();
        String both = sign(oldSecret, messageId, at, BODY) + " " + sign(newSecret, messageId, at, BODY);

        assertThat(verifier(oldSecret).verify(headers(messageId, at, both), bytes(BODY)).events()).hasSize(1);
        assertThat(verifier(newSecret).verify(headers(messageId, at, both), bytes(BODY)).events()).hasSize(1);
        assertRejected(() -> verifier(secret).verify(headers(messageId, at, both), bytes(BODY)),
                Reason.NO_MATCHING_SIGNATURE);
        // The receiver may hold both secrets too, and a request signed with only one of them passes.
        String onlyOld = sign(oldSecret, messageId, at, BODY);
        assertThat(WebhookVerifier.of(newSecret, oldSecret).withClock(clock)
                .verify(headers(messageId, at, onlyOld), bytes(BODY)).events()).hasSize(1);
    }

    @Test
    void missingHeadersAndAnUnreadableTimestampAre400s() throws Exception {
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), BODY);
        WebhookVerifier verifier = verifier(secret);

        WebhookVerificationException missing = catchRejection(() -> verifier.verify(null,
                Long.toString(sentAt.getEpochSecond()), signature, bytes(BODY)));
        assertThat(missing.reason()).isEqualTo(Reason.MISSING_HEADER);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.getMessage()).contains("webhook-id");
        assertRejected(() -> verifier.verify(messageId, "yesterday", signature, bytes(BODY)), Reason.INVALID_TIMESTAMP);
        assertRejected(() -> verifier.verify(messageId, Long.toString(sentAt.getEpochSecond()), "", bytes(BODY)),
                Reason.MISSING_HEADER);
    }

    @Test
    void aSignedBodyThatIsNotAPayloadIsRejectedWithoutQuotingIt() throws Exception {
        String body = "not json: Ada Lovelace";
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), body);

        WebhookVerificationException e = catchRejection(() -> verifier(secret)
                .verify(headers(messageId, sentAt.getEpochSecond(), signature), bytes(body)));
        assertThat(e.reason()).isEqualTo(Reason.INVALID_PAYLOAD);
        assertThat(e.getMessage()).doesNotContain("Lovelace");
    }

    /**
     * A signed body without events, or with a note event whose note lacks what an import needs, is refused: it
     * was acknowledged and then failed in the receiver for good.
     */
    @Test
    void aSignedBodyThatCouldNeverBeImportedIsRejected() throws Exception {
        for (String body : List.of("{}", """
                {"events":[{"id":"n","resource_type":"note","action":"new_note","metadata":{"note":{\
                "uuid":"6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11","type":null,"content":"x",\
                "createdAt":"2026-02-24T10:30:00+00:00","updatedAt":"2026-02-24T10:30:00+00:00"}}}]}""", """
                {"events":[{"id":"n","resource_type":"note","action":"updated_note","metadata":{}}]}""")) {
            String signature = sign(secret, messageId, sentAt.getEpochSecond(), body);
            WebhookVerificationException e = catchRejection(() -> verifier(secret)
                    .verify(headers(messageId, sentAt.getEpochSecond(), signature), bytes(body)));
            assertThat(e.reason()).as(body).isEqualTo(Reason.INVALID_PAYLOAD);
        }
    }

    @Test
    void unknownActionsAndExtraFieldsDoNotBreakTheParse() throws Exception {
        String body = """
                {"events":[{"id":"x","resource_type":"note","action":"archived_note","extra":1},\
                {"id":"p","resource_type":"webhook","action":"ping"}],"meta":{"webhook_id":null},"more":true}""";
        String signature = sign(secret, messageId, sentAt.getEpochSecond(), body);

        WebhookPayload payload = verifier(secret).verify(headers(messageId, sentAt.getEpochSecond(), signature),
                bytes(body));
        assertThat(payload.events()).extracting(WebhookEvent::action)
                .containsExactly(WebhookEvent.Action.UNKNOWN, WebhookEvent.Action.PING);
        assertThat(payload.events().get(1).note()).isEmpty();
    }

    @Test
    void aSecretMustBeBase64() {
        assertThatThrownBy(() -> WebhookVerifier.of("whsec_%%%")).isInstanceOf(IllegalArgumentException.class);
    }

    private WebhookVerifier verifier(String secret) {
        return WebhookVerifier.of(secret).withClock(clock);
    }

    static String sign(String secret, String id, long timestamp, String body) throws Exception {
        return new Webhook(secret).sign(id, timestamp, body);
    }

    static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }

    static String newSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRejected(Runnable verification, Reason reason) {
        assertThat(catchRejection(verification).reason()).isEqualTo(reason);
    }

    private static WebhookVerificationException catchRejection(Runnable verification) {
        try {
            verification.run();
        } catch (WebhookVerificationException e) {
            return e;
        }
        throw new AssertionError("the webhook was accepted");
    }
}
