package org.notesync.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.notesync.logging.LoggedErrors;
import org.notesync.ratelimit.TokenBuckets.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The token buckets every node shares ({@code rate_limit_buckets}), kept by a SHA-256 of the client's key (a
 * client id, or a clinician's subject: an email address is not written as it is). Each change is one statement
 * that applies only to the state it was computed from, tried again when another node changed the bucket first:
 * no lock is held, and two nodes syncing the same buckets in another order cannot deadlock. A sync reads its
 * buckets in one statement and writes their changes in one batch ({@link #addAll}), not two round trips a client.
 */
final class SharedBuckets {

    /** Tries of one change before giving up until the next sync; another node would have to win every one. */
    private static final int TRIES = 10;

    /** Rows the removal of idle buckets takes per statement. */
    static final int CHUNK = 1_000;

    private static final Logger log = LoggerFactory.getLogger(SharedBuckets.class);

    private static final String UPDATE = "UPDATE rate_limit_buckets SET tokens = ?, period_start = ? "
            + "WHERE client_hash = ? AND tokens = ? AND period_start = ?";

    /** What a sync adds to one client's shared bucket: the requests this node took, and its bucket now. */
    record Pending(String client, long taken, State local) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final AtomicBoolean failing = new AtomicBoolean();

    SharedBuckets(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.batch = new JdbcTemplate(dataSource);
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
     * {@link #add} for each of these clients, by client: the buckets read in a statement and the changes written in
     * a batch, {@value #CHUNK} clients at a time; a bucket another node changed meanwhile, or one no node had
     * written, goes through {@link #add} alone. Each bucket written is put in {@code merged} as soon as it is, so that
     * when a later one fails the caller knows which counts are in the database.
     */
    void addAll(List<Pending> pending, Instant now, RateLimitProperties limits, Map<String, State> merged) {
        List<Pending> alone = new ArrayList<>();
        for (int from = 0; from < pending.size(); from += CHUNK) {
            List<Pending> chunk = pending.subList(from, Math.min(pending.size(), from + CHUNK));
            Map<String, State> current = readAll(chunk.stream().map(Pending::client).toList());
            List<Pending> changed = new ArrayList<>();
            List<State> next = new ArrayList<>();
            List<Object[]> rows = new ArrayList<>();
            for (Pending p : chunk) {
                State was = current.get(p.client());
                if (was == null) {
                    alone.add(p);
                    continue;
                }
                State after = was.refilled(now, limits).minus(p.taken());
                changed.add(p);
                next.add(after);
                rows.add(new Object[] {after.tokens(), utc(after.periodStart()), hash(p.client()), was.tokens(),
                        utc(was.periodStart())});
            }
            int[] counts = rows.isEmpty() ? new int[0] : batch.batchUpdate(UPDATE, rows);
            for (int i = 0; i < changed.size(); i++) {
                if (counts[i] == 1) {
                    merged.put(changed.get(i).client(), next.get(i));
                } else {
                    alone.add(changed.get(i));
                }
            }
        }
        for (Pending p : alone) {
            merged.put(p.client(), add(p.client(), p.taken(), p.local(), now, limits));
        }
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
            int updated = jdbc.sql(UPDATE)
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
