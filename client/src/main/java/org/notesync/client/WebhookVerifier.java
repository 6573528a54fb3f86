package org.notesync.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.core.JacksonException;

/**
 * Checks that a webhook request comes from notesync (Standard Webhooks): the {@code webhook-signature}
 * header holds one or more {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} (several while a secret
 * is being rotated), and {@code webhook-timestamp} is within 5 minutes of now, either way, so a captured
 * request cannot be replayed later. Then reads the body into a {@link WebhookPayload}.
 *
 * <p>Verify the raw bytes as received, before any JSON parsing or re-encoding. Thread-safe.
 */
public final class WebhookVerifier {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    private static final String SECRET_PREFIX = "whsec_";

    private final List<byte[]> keys;
    private final Clock clock;
    private final Duration tolerance;

    private WebhookVerifier(List<byte[]> keys, Clock clock, Duration tolerance) {
        this.keys = keys;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /**
     * @param secrets the webhook's {@code whsec_...} secret; give the old and the new one while you rotate
     *                on your side, and a request signed with either is accepted
     */
    public static WebhookVerifier of(String... secrets) {
        if (secrets.length == 0) {
            throw new IllegalArgumentException("at least one secret is required");
        }
        List<byte[]> keys = new ArrayList<>();
        for (String secret : secrets) {
            keys.add(key(secret));
        }
        return new WebhookVerifier(List.copyOf(keys), Clock.systemUTC(), DEFAULT_TOLERANCE);
    }

    public WebhookVerifier withClock(Clock clock) {
        return new WebhookVerifier(keys, Objects.requireNonNull(clock), tolerance);
    }

    public WebhookVerifier withTolerance(Duration tolerance) {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative");
        }
        return new WebhookVerifier(keys, clock, tolerance);
    }

    /** With a header lookup such as {@code request::getHeader} (servlet) or {@code exchange.getRequestHeaders()::getFirst}. */
    public WebhookPayload verify(Function<String, String> header, byte[] body) {
        return verify(header.apply(ID_HEADER), header.apply(TIMESTAMP_HEADER), header.apply(SIGNATURE_HEADER), body);
    }

    /** With headers as a map whose names may be in any case. */
    public WebhookPayload verify(Map<String, List<String>> headers, byte[] body) {
        return verify(name -> first(headers, name), body);
    }

    public WebhookPayload verify(String id, String timestamp, String signatures, byte[] body) {
        verifySignature(id, timestamp, signatures, body);
        try {
            WebhookPayload payload = Json.MAPPER.readValue(body, WebhookPayload.class);
            if (payload == null) {
                throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_PAYLOAD,
                        "The webhook body is empty");
            }
            if (!Json.MAPPER.readTree(body).path("events").isArray()) {
                throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_PAYLOAD,
                        "The webhook body has no events");
            }
            for (WebhookEvent event : payload.events()) {
                if ((event.action() == WebhookEvent.Action.NEW_NOTE || event.action() == WebhookEvent.Action.UPDATED_NOTE)
                        && event.note().filter(WebhookVerifier::complete).isEmpty()) {
                    // Taken, it could never be imported: refused now, so that the sender sees it, rather than
                    // a request acknowledged and failing in the receiver for good.
                    throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_PAYLOAD,
                            "A note event of the webhook body lacks its note's uuid, type, content or updatedAt");
                }
            }
            return payload;
        } catch (JacksonException e) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_PAYLOAD,
                    "The webhook body is not a notesync payload");
        }
    }

    private static boolean complete(Note note) {
        return note.uuid() != null && note.type() != null && note.content() != null && note.updatedAt() != null;
    }

    /** Only the checks, for a body you read yourself. */
    public void verifySignature(String id, String timestamp, String signatures, byte[] body) {
        if (isBlank(id) || isBlank(timestamp) || isBlank(signatures)) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MISSING_HEADER,
                    "Missing " + (isBlank(id) ? ID_HEADER : isBlank(timestamp) ? TIMESTAMP_HEADER : SIGNATURE_HEADER)
                            + " header");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_TIMESTAMP,
                    "The " + TIMESTAMP_HEADER + " header is not a Unix time in seconds");
        }
        long now = clock.instant().getEpochSecond();
        if (sentAt < now - tolerance.toSeconds()) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.TIMESTAMP_TOO_OLD,
                    "The webhook timestamp is more than " + tolerance.toSeconds() + " s old");
        }
        if (sentAt > now + tolerance.toSeconds()) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.TIMESTAMP_TOO_NEW,
                    "The webhook timestamp is more than " + tolerance.toSeconds() + " s in the future");
        }
        byte[] signed = concat((id + "." + timestamp.trim() + ".").getBytes(StandardCharsets.UTF_8), body);
        List<byte[]> expected = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            expected.add(hmac(key, signed));
        }
        for (String signature : signatures.trim().split(" +")) {
            int comma = signature.indexOf(',');
            if (comma < 0 || !signature.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(comma + 1));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            for (byte[] candidate : expected) {
                if (MessageDigest.isEqual(candidate, given)) {
                    return;
                }
            }
        }
        throw new WebhookVerificationException(WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE,
                "No webhook signature matches the secret");
    }

    static byte[] key(String secret) {
        Objects.requireNonNull(secret, "secret");
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length == 0) {
                throw new IllegalArgumentException("The webhook secret is empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("A webhook secret is whsec_ followed by base64", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
