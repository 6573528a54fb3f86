package org.notesync.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.notesync.logging.LoggedErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * {@code Idempotency-Key} on creates ({@code POST /notes}, {@code /patients}, {@code /audios}), as Stripe's API
 * and draft-ietf-httpapi-idempotency-key-header: a client that sends a create again with the key it sent first,
 * because the answer to the first was lost, gets what the first created instead of a second one. The key
 * belongs to the organization, client and clinician that sent it; the first request's body (an HMAC of it) goes
 * with it, and the key sent with another body is refused (422). The header may be sent bare or as a Structured
 * Field string (in quotes, as the draft spells it): both are the same key.
 *
 * <p>A key is recorded in the create's own transaction ({@link #record}), so it is taken exactly when the
 * resource exists: a create that failed, or was refused, took no key and may be sent again (corrected) with it.
 * Two creates sending one key at once, on any node, create once: the second's insert waits for the first's
 * transaction (the key's primary key) and then finds it. Keys are kept for
 * {@code notesync.idempotency.retention} (24 hours), then removed by every node's expiry.
 */
@Component
public class IdempotencyKeys implements SchedulingConfigurer {

    public static final String HEADER = "Idempotency-Key";
    /** On an answer that repeats what an earlier request with the same key created. */
    public static final String REPLAYED = "Idempotent-Replayed";
    static final int MAX_LENGTH = 255;
    /** Rows the expiry removes per statement, so that it never holds many locks at once. */
    static final int CHUNK = 1_000;

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

    /**
     * A create's key as it is kept: the key within the scope of whoever sent it, and the request it came with.
     * Both are HMAC-SHA-256 in hex under {@link Secret}, a key derived from the master key, so a copy of the
     * table says nothing of a key or a body (a patient's name) to anyone without the master key, however
     * guessable the key.
     */
    public record Claim(String keyHash, String requestHash, Optional<Hashes> previous) {
    }

    /**
     * The key's and the request's hashes under the previous master key's HMAC key: while the master key is
     * changed, a create sent again with a key taken before the change is still answered with what it created.
     */
    public record Hashes(String keyHash, String requestHash) {
    }

    /**
     * The HMAC key of the hashes kept, derived from the master key ({@code NOTESYNC_SECRET_KEY}), and from the
     * previous one while the master key is changed ({@code NOTESYNC_PREVIOUS_SECRET_KEY}).
     */
    public record Secret(byte[] key, Optional<byte[]> previousKey) {
    }

    private final JdbcClient jdbc;
    /**
     * How the expiry locks the keys it removes: on PostgreSQL passing by those a create holds (one retaking an
     * expired key, in a batch that may next wait for a key the expiry holds: a deadlock otherwise).
     */
    private final String lockRows;
    private final Clock clock;
    private final SecretKeySpec secret;
    private final Optional<SecretKeySpec> previousSecret;
    private final Duration retention;
    private final Counter replays;
    private final Counter expired;

    IdempotencyKeys(JdbcClient jdbc, DataSource dataSource, Clock clock, MeterRegistry meters, Secret secret,
            IdempotencyProperties properties) {
        this.jdbc = jdbc;
        this.lockRows = Databases.isPostgres(dataSource) ? " FOR UPDATE SKIP LOCKED" : "";
        this.clock = clock;
        this.secret = new SecretKeySpec(secret.key(), "HmacSHA256");
        this.previousSecret = secret.previousKey().map(key -> new SecretKeySpec(key, "HmacSHA256"));
        this.retention = properties.retention();
        this.replays = Counter.builder("notesync.idempotency.replays")
                .description("Creates sent again with an Idempotency-Key, answered with what the key created")
                .register(meters);
        this.expired = Counter.builder("notesync.idempotency.expired")
                .description("Idempotency keys removed after their retention").register(meters);
    }

    /**
     * The headers of a create's answer: the key it was sent with, as Stripe's API echoes it (a client learns that
     * this server honours keys, and so that it may repeat a create whose answer it lost), and on a repeat answered
     * with what the key created, {@value #REPLAYED}.
     */
    public static void answer(HttpHeaders headers, HttpServletRequest request, boolean replayed) {
        String key = request.getHeader(HEADER);
        if (key != null) {
            headers.set(HEADER, key);
        }
        if (replayed) {
            headers.set(REPLAYED, "true");
        }
    }

    /** How long a key is kept after the create that took it. */
    public Duration retention() {
        return retention;
    }

    /**
     * The request's {@code Idempotency-Key}, within the scope of its sender, with the request it came with; empty
     * without one.
     *
     * @param operation what the request does ({@code POST /notes}): the key sent to another one is another request
     * @param body      the request's JSON body; its members' order and spacing do not matter
     * @throws ApiException 400 when the header is sent more than once, or is not 1 to 255 visible ASCII characters
     *                      (a Structured Field string, in quotes, is read without them)
     */
    public Optional<Claim> claim(HttpServletRequest request, UUID organizationId, String clientId, UUID userId,
            String operation, JsonNode body) {
        return claim(request, organizationId, clientId, userId, operation, () -> body);
    }

    /**
     * As {@link #claim(HttpServletRequest, UUID, String, UUID, String, JsonNode)}, with the request described by
     * {@code body} only when it has a key (an upload's description hashes its file).
     */
    public Optional<Claim> claim(HttpServletRequest request, UUID organizationId, String clientId, UUID userId,
            String operation, Supplier<JsonNode> body) {
        List<String> values = Collections.list(request.getHeaders(HEADER));
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String key = values.size() == 1 ? unquoted(values.get(0).strip()) : null;
        if (key == null || !wellFormed(key)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid Idempotency-Key", "The " + HEADER
                    + " header should be sent once, with 1 to " + MAX_LENGTH + " visible ASCII characters other than "
                    + "quotes, backslashes and commas (a random UUID, for example).");
        }
        String scope = String.join("\n", organizationId.toString(), clientId, userId == null ? "" : userId.toString(),
                key);
        String sent = operation + "\n" + canonical(body.get());
        return Optional.of(new Claim(hmac(secret, scope), hmac(secret, scope + "\n" + sent),
                previousSecret.map(before -> new Hashes(hmac(before, scope), hmac(before, scope + "\n" + sent)))));
    }

    /**
     * What the claim's key created, if a create with it committed; read without a lock (a create with the key
     * still in flight is found by {@link #record}).
     *
     * @throws ApiException 422 when the key came with another request
     */
    public Optional<UUID> created(Claim claim) {
        // While the master key is changed, a key taken before the change is kept under its previous hash.
        String previousKey = claim.previous().map(Hashes::keyHash).orElse(claim.keyHash());
        record Taken(String keyHash, String requestHash, UUID resource) {
        }
        Optional<Taken> taken = jdbc.sql("SELECT key_hash, request_hash, resource_id FROM idempotency_keys "
                        + "WHERE key_hash IN (?, ?) AND created_at > ? ORDER BY created_at")
                .params(claim.keyHash(), previousKey, Dates.now(clock).minus(retention).atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Taken(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class)))
                .list().stream().findFirst();
        boolean sameRequest = taken.map(t -> t.keyHash().equals(claim.keyHash())
                ? t.requestHash().equals(claim.requestHash())
                : claim.previous().map(Hashes::requestHash).filter(t.requestHash()::equals).isPresent()).orElse(true);
        if (!sameRequest) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused",
                    "This " + HEADER + " was sent with another request within the last " + hours(retention)
                            + "; send a new key with a new request.");
        }
        return taken.map(Taken::resource);
    }

    /**
     * Counts a create answered with what its key created ({@code notesync_idempotency_replays_total}): once per
     * answer, by the caller that answers, since {@link #record} may be called again for one request (a group
     * commit's batch retried item by item).
     */
    public void countReplay() {
        replays.increment();
    }

    /**
     * Takes the claim's key for {@code resource} in the caller's transaction, to commit with it; or, when a
     * create with the same key committed first (waited for if still in flight, on any node), returns what that
     * one created, which the caller answers with instead of creating its own.
     *
     * @throws ApiException 422 when the key came with another request
     */
    public Optional<UUID> record(Claim claim, UUID resource) {
        if (claim.previous().isPresent()) {
            // The key may have been taken before the master key changed, under its previous hash, which the
            // insert below does not conflict with.
            Optional<UUID> before = created(claim);
            if (before.isPresent()) {
                return before;
            }
        }
        // Twice at most: a key found taken but past its retention (not yet removed by the expiry) is removed here,
        // and taken again.
        for (int attempt = 0; attempt < 2; attempt++) {
            int inserted = jdbc.sql("INSERT INTO idempotency_keys (key_hash, request_hash, resource_id, created_at) "
                            + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(claim.keyHash(), claim.requestHash(), resource, Dates.now(clock).atOffset(ZoneOffset.UTC))
                    .update();
            if (inserted == 1) {
                return Optional.empty();
            }
            Optional<UUID> first = created(claim);
            if (first.isPresent()) {
                return first;
            }
            jdbc.sql("DELETE FROM idempotency_keys WHERE key_hash = ? AND created_at <= ?")
                    .params(claim.keyHash(), Dates.now(clock).minus(retention).atOffset(ZoneOffset.UTC)).update();
        }
        throw new IllegalStateException("An idempotency key past its retention could not be taken again");
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        Duration every = retention.compareTo(Duration.ofHours(2)) > 0 ? Duration.ofHours(1) : retention.dividedBy(2);
        registrar.addFixedDelayTask(new FixedDelayTask(this::expireScheduled, every, every));
    }

    private void expireScheduled() {
        try {
            expire(Dates.now(clock).minus(retention));
        } catch (RuntimeException e) {
            log.warn("Removing old idempotency keys failed; the next run continues: {}", LoggedErrors.summary(e));
        }
    }

    /**
     * Removes the keys taken before {@code before}, a chunk per statement; returns how many. On PostgreSQL a key
     * a create is retaking is left (it is being taken again).
     */
    public int expire(Instant before) {
        int removed = 0;
        for (int chunk = CHUNK; chunk == CHUNK; ) {
            chunk = jdbc.sql("DELETE FROM idempotency_keys WHERE key_hash IN (SELECT key_hash FROM idempotency_keys "
                            + "WHERE created_at < ? FETCH FIRST " + CHUNK + " ROWS ONLY" + lockRows + ")")
                    .param(before.atOffset(ZoneOffset.UTC)).update();
            removed += chunk;
        }
        expired.increment(removed);
        return removed;
    }

    private static String unquoted(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static boolean wellFormed(String key) {
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            return false;
        }
        return key.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != '"' && c != '\\' && c != ',');
    }

    /** The retention in words: whole hours, else whole minutes, else seconds. */
    static String hours(Duration duration) {
        long hours = duration.toHours();
        if (hours >= 1 && duration.equals(Duration.ofHours(hours))) {
            return hours + (hours == 1 ? " hour" : " hours");
        }
        long minutes = duration.toMinutes();
        if (minutes >= 1 && duration.equals(Duration.ofMinutes(minutes))) {
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return duration.toSeconds() + " seconds";
    }

    /** A JSON value written with its object members in name order, so that only what it says counts. */
    static String canonical(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "";
        }
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            StringBuilder out = new StringBuilder("{");
            sorted.forEach((name, value) -> out.append(out.length() > 1 ? "," : "")
                    .append(StringNode.valueOf(name).toString()).append(':').append(canonical(value)));
            return out.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (JsonNode item : node.values()) {
                out.append(out.length() > 1 ? "," : "").append(canonical(item));
            }
            return out.append(']').toString();
        }
        return node.toString();
    }

    private static String hmac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java runtime", e);
        }
    }
}
