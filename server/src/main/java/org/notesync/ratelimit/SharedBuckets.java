package org.notesync.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.notesync.logging.LoggedErrors;
import org.notesync.ratelimit.TokenBuckets.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token buckets every node shares ({@code rate_limit_buckets}), kept by a SHA-256 of the client's key (a
 * client id, or a clinician's subject: an email address is not written as it is). Each change is one statement
 * that applies only to the state it was computed from, tried again when another node changed the bucket first:
 * no lock is held, and two nodes syncing the same buckets in another order cannot deadlock.
 */
final class SharedBuckets {

    /** Tries of one change before giving up until the next sync; another node would have to win every one. */
    private static final int TRIES = 10;

    /** Rows the removal of idle buckets takes per statement. */
    static final int CHUNK = 1_000;

    private static final Logger log = LoggerFactory.getLogger(SharedBuckets.class);

    private final JdbcClient jdbc;
    private final AtomicBoolean failing = new AtomicBoolean();

    SharedBuckets(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<State> read(String client) {
        return jdbc.sql("SELECT tokens, period_start FROM rate_limit_buckets WHERE client_hash = ?")
                .param(hash(client))
                .query((rs, n) -> new State(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .optional();
    }

    /** The shared buckets of these clients that exist, by client; a statement per {@value #CHUNK} clients. */
    Map<String, State> readAll(List<String> clients) {
        Map<String, State> found = new HashMap<>();
        for (int from = 0; from < clients.size(); from += CHUNK) {
            Map<String, String> byHash = new HashMap<>();
            clients.subList(from, Math.min(clients.size(), from + CHUNK)).forEach(c -> byHash.put(hash(c), c));
            jdbc.sql("SELECT client_hash, tokens, period_start FROM rate_limit_buckets WHERE client_hash IN (:hashes)")
                    .param("hashes", byHash.keySet())
                    .query((rs, n) -> found.put(byHash.get(rs.getString(1)),
                            new State(rs.getLong(2), rs.getObject(3, OffsetDateTime.class).toInstant())))
                    .list();
        }
        return found;
    }

    /**
     * Takes {@code taken} tokens from the client's shared bucket, refilled to {@code now}, and returns what is left;
     * a client no node has written yet gets {@code local}, this node's bucket, which already counts them.
     */
    State add(String client, long taken, State local, Instant now, RateLimitProperties limits) {
        String key = hash(client);
        for (int attempt = 0; attempt < TRIES; attempt++) {
            Optional<State> current = read(client);
            if (current.isEmpty()) {
                int inserted = jdbc.sql("INSERT INTO rate_limit_buckets (client_hash, tokens, period_start) "
                                + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(key, local.tokens(), utc(local.periodStart())).update();
                if (inserted == 1) {
                    return local;
                }
                continue;
            }
            State next = current.get().refilled(now, limits).minus(taken);
            int updated = jdbc.sql("UPDATE rate_limit_buckets SET tokens = ?, period_start = ? "
                            + "WHERE client_hash = ? AND tokens = ? AND period_start = ?")
                    .params(next.tokens(), utc(next.periodStart()), key, current.get().tokens(),
                            utc(current.get().periodStart()))
                    .update();
            if (updated == 1) {
                return next;
            }
        }
        throw new IllegalStateException("A shared rate limit bucket kept changing under " + TRIES + " tries");
    }

    /** Removes the buckets whose period started before {@code before} (full again by now); returns how many. */
    int forget(Instant before) {
        int removed = 0;
        for (int chunk = CHUNK; chunk == CHUNK; ) {
            chunk = jdbc.sql("DELETE FROM rate_limit_buckets WHERE client_hash IN (SELECT client_hash FROM "
                            + "rate_limit_buckets WHERE period_start < ? FETCH FIRST " + CHUNK + " ROWS ONLY)")
                    .param(utc(before)).update();
            removed += chunk;
        }
        return removed;
    }

    /** Says once that the shared buckets cannot be reached, not once a second while the database is away. */
    void failed(RuntimeException e) {
        if (failing.compareAndSet(false, true)) {
            log.warn("The shared rate limit buckets could not be read or written; each node counts on its own until"
                    + " they can: {}", LoggedErrors.summary(e));
        }
    }

    void succeeded() {
        if (failing.compareAndSet(true, false)) {
            log.info("The shared rate limit buckets are written again");
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static String hash(String client) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(client.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
