package org.notesync.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the SDK tries before giving up.
 *
 * @param maxAttempts      tries per request, the first included, for idempotent requests (GET, PUT, DELETE)
 *                         failing with a 5xx or a connection error; 1 disables retries
 * @param initialBackoff   the cap of the first backoff; each retry doubles it ("full jitter": the actual
 *                         wait is uniformly random between zero and the cap, so many clients spread out)
 * @param maxBackoff       the largest cap
 * @param maxRateLimitWait the longest the SDK waits in total, per request, for a 429 to clear (as the server
 *                         says with {@code Retry-After} or {@code x-ratelimit-reset}); a longer announced wait
 *                         fails at once with {@link RateLimitedException}. Zero never waits.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRateLimitWait) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRateLimitWait.isNegative()) {
            throw new IllegalArgumentException("backoffs and waits must be positive, maxBackoff >= initialBackoff");
        }
    }

    /** 4 attempts, backoff caps 0.5 s, 1 s, 2 s (up to 30 s), and up to 15 minutes waiting for a rate limit. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(15));
    }

    /** One attempt, no waiting on 429: every failure surfaces at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, maxRateLimitWait);
    }

    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, maxRateLimitWait);
    }

    public RetryPolicy withMaxRateLimitWait(Duration wait) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, wait);
    }
}
