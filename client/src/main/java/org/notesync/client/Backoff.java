package org.notesync.client;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * before retry n the wait is uniform in [0, min(max, initial * 2^(n-1))].
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final Random random;

    Backoff(Duration initial, Duration max, Random random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The cap for retry {@code retry} (1 for the first retry). */
    Duration cap(int retry) {
        long initialNanos = initial.toNanos();
        int doublings = Math.min(Math.max(retry - 1, 0), 62);
        long cap = initialNanos > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : initialNanos << doublings;
        return Duration.ofNanos(Math.min(cap, max.toNanos()));
    }

    Duration delay(int retry) {
        long cap = cap(retry).toNanos();
        if (cap == 0) {
            return Duration.ZERO;
        }
        synchronized (random) {
            return Duration.ofNanos((long) (random.nextDouble() * cap));
        }
    }
}
