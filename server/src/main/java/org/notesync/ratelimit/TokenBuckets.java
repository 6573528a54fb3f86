package org.notesync.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per client, in this node's memory. Each request takes a token; every refill period
 * (counted from the bucket's creation) puts {@code refill} tokens back, up to the capacity.
 *
 * <p>In memory per node: with N nodes behind a load balancer a client gets up to N times the limit.
 * That is acceptable while the limit protects each node; a shared limit needs a shared store
 * (PostgreSQL or Redis) behind this same interface.
 */
final class TokenBuckets {

    /** The outcome for one request, with what the response headers announce. */
    record Decision(boolean allowed, long limit, long remaining, Instant reset, Duration retryAfter) {
    }

    private static final int SWEEP_EVERY = 10_000;

    private final RateLimitProperties limits;
    private final Clock clock;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    TokenBuckets(RateLimitProperties limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    Decision take(String client) {
        Instant now = clock.instant();
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(limits.capacity(), now));
        synchronized (bucket) {
            bucket.refill(now, limits);
            Instant reset = bucket.periodStart.plus(limits.refillPeriod());
            if (bucket.tokens > 0) {
                bucket.tokens--;
                return new Decision(true, limits.capacity(), bucket.tokens, reset, Duration.ZERO);
            }
            return new Decision(false, limits.capacity(), 0, reset, Duration.between(now, reset));
        }
    }

    int size() {
        return buckets.size();
    }

    /** A bucket untouched long enough to be full again is the same as a new one: drop it to bound memory. */
    void sweep(Instant now) {
        long periodsToFill = (limits.capacity() + limits.refill() - 1) / limits.refill();
        Duration idle = limits.refillPeriod().multipliedBy(periodsToFill + 1);
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().periodStart.plus(idle).isBefore(now);
            }
        });
    }

    private static final class Bucket {
        long tokens;
        Instant periodStart;

        Bucket(long tokens, Instant created) {
            this.tokens = tokens;
            this.periodStart = created;
        }

        void refill(Instant now, RateLimitProperties limits) {
            long periodNanos = limits.refillPeriod().toNanos();
            long elapsed = Duration.between(periodStart, now).toNanos();
            if (elapsed < periodNanos) {
                return;
            }
            long periods = elapsed / periodNanos;
            tokens = Math.min(limits.capacity(), tokens + Math.min(periods, limits.capacity()) * limits.refill());
            periodStart = periodStart.plusNanos(periods * periodNanos);
        }
    }
}
