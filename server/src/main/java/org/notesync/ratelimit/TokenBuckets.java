package org.notesync.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per client. Each request takes a token; every refill period (counted from the bucket's
 * creation) puts {@code refill} tokens back, up to the capacity.
 *
 * <p>Requests are counted in this node's memory, so that none waits for the database. With {@link SharedBuckets}
 * (the server's), {@link #sync()} adds what this node took since it last did to the bucket every node shares, and
 * takes back what the others took; a bucket new to this node starts full until that sync. Between two syncs (a
 * second, {@code notesync.rate-limit.sync-interval}) a client may get what is left of its budget from every node
 * at once, and a full one from a node it is new to; beyond that, N nodes give it its budget once, not N times.
 */
final class TokenBuckets {

    /** The outcome for one request, with what the response headers announce. */
    record Decision(boolean allowed, long limit, long remaining, Instant reset, Duration retryAfter) {
    }

    /** A bucket's tokens and the start of its current refill period, as every node computes it. */
    record State(long tokens, Instant periodStart) {

        /** The bucket at {@code now}: a refill for every whole period since its start, up to the capacity. */
        State refilled(Instant now, RateLimitProperties limits) {
            long periodNanos = limits.refillPeriod().toNanos();
            long elapsed = Duration.between(periodStart, now).toNanos();
            if (elapsed < periodNanos) {
                return this;
            }
            long periods = elapsed / periodNanos;
            return new State(Math.min(limits.capacity(), tokens + Math.min(periods, limits.capacity()) * limits.refill()),
                    periodStart.plusNanos(periods * periodNanos));
        }

        /** The bucket after {@code taken} more requests, never below empty. */
        State minus(long taken) {
            return new State(Math.max(0, tokens - taken), periodStart);
        }
    }

    private static final int SWEEP_EVERY = 10_000;

    /**
     * A bucket taken from within this long, with nothing to add, is read back at each sync anyway: the client may be
     * sending to the other nodes now, and its next request here should see what they took.
     */
    static final Duration RECENT = Duration.ofMinutes(1);

    private final RateLimitProperties limits;
    private final Clock clock;
    private final SharedBuckets shared;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    /** Buckets in this node's memory only. */
    TokenBuckets(RateLimitProperties limits, Clock clock) {
        this(limits, clock, null);
    }

    TokenBuckets(RateLimitProperties limits, Clock clock, SharedBuckets shared) {
        this.limits = limits;
        this.clock = clock;
        this.shared = shared;
    }

    Decision take(String client) {
        Instant now = now();
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        // A bucket new to this node starts full; its first sync takes what it counted from the shared one and
        // reads that back. Reading the shared bucket here held the request for as long as the database took.
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(new State(limits.capacity(), now)));
        synchronized (bucket) {
            bucket.state = bucket.state.refilled(now, limits);
            Instant reset = bucket.state.periodStart().plus(limits.refillPeriod());
            if (bucket.state.tokens() > 0) {
                bucket.state = bucket.state.minus(1);
                if (shared != null) {
                    bucket.unsynced++;
                }
                bucket.lastTaken = now;
                return new Decision(true, limits.capacity(), bucket.state.tokens(), reset, Duration.ZERO);
            }
            return new Decision(false, limits.capacity(), 0, reset, Duration.between(now, reset));
        }
    }

    /**
     * Adds what this node took from each bucket since its last sync to the shared bucket, and takes its state back
     * (with what the other nodes took). A bucket the database could not take keeps its count for the next sync.
     * One sync at a time: a bucket new to the database is written as this node has it, with every request taken
     * here, and a second sync would take the ones it holds again.
     */
    synchronized void sync() {
        if (shared == null) {
            return;
        }
        Instant now = now();
        boolean wrote = false;
        List<String> recent = new ArrayList<>();
        List<SharedBuckets.Pending> pending = new ArrayList<>();
        for (Map.Entry<String, Bucket> entry : buckets.entrySet()) {
            Bucket bucket = entry.getValue();
            synchronized (bucket) {
                if (bucket.unsynced == 0) {
                    if (bucket.lastTaken != null && bucket.lastTaken.plus(RECENT).isAfter(now)) {
                        recent.add(entry.getKey());
                    }
                    continue;
                }
                pending.add(new SharedBuckets.Pending(entry.getKey(), bucket.unsynced, bucket.state.refilled(now,
                        limits)));
                bucket.unsynced = 0;
            }
        }
        if (!pending.isEmpty()) {
            Map<String, State> merged = new HashMap<>();
            RuntimeException failure = null;
            try {
                shared.addAll(pending, now, limits, merged);
            } catch (RuntimeException e) {
                failure = e;
            }
            for (SharedBuckets.Pending p : pending) {
                Bucket bucket = buckets.get(p.client());
                if (bucket == null) {
                    continue;
                }
                State state = merged.get(p.client());
                synchronized (bucket) {
                    if (state != null) {
                        // Requests taken here while the database answered are in bucket.unsynced, for the next sync.
                        bucket.state = state.minus(bucket.unsynced);
                    } else {
                        // Not known to be written (a batch that failed part way may have written it: then its
                        // requests count twice, against the client, never fewer than it took).
                        bucket.unsynced += p.taken();
                    }
                }
            }
            if (failure != null) {
                shared.failed(failure);
                return;
            }
            wrote = true;
        }
        if (!recent.isEmpty()) {
            try {
                shared.readAll(recent).forEach((client, state) -> {
                    Bucket bucket = buckets.get(client);
                    if (bucket != null) {
                        synchronized (bucket) {
                            bucket.state = state.refilled(now, limits).minus(bucket.unsynced);
                        }
                    }
                });
            } catch (RuntimeException e) {
                shared.failed(e);
                return;
            }
            wrote = true;
        }
        if (wrote) {
            shared.succeeded();
        }
    }

    int size() {
        return buckets.size();
    }

    /**
     * A bucket untouched long enough to be full again is the same as a new one: drop it to bound memory (unless
     * what was taken from it is still to be added to the shared one).
     */
    void sweep(Instant now) {
        Duration idle = idle(limits);
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().unsynced == 0 && e.getValue().state.periodStart().plus(idle).isBefore(now);
            }
        });
    }

    /** How long a bucket must be left alone to be full again, whatever it held: a period more than needed. */
    static Duration idle(RateLimitProperties limits) {
        long periodsToFill = (limits.capacity() + limits.refill() - 1) / limits.refill();
        return limits.refillPeriod().multipliedBy(periodsToFill + 1);
    }

    /** To the microsecond, as the database keeps a bucket's period start. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static final class Bucket {
        State state;
        long unsynced;
        Instant lastTaken;

        Bucket(State state) {
            this.state = state;
        }
    }
}
