package org.notesync.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When to try again. {@code waits.get(i)} is the wait after the (i+1)-th failed attempt, so a policy
 * with three waits makes four attempts in all; the guide's is 5 s, 10 s, 20 s.
 *
 * @param waits         waits between consecutive attempts
 * @param minRetryAfter a 429's Retry-After is raised to at least this
 * @param maxRetryAfter and capped at this, so a receiver cannot park a delivery for days
 */
public record RetryPolicy(List<Duration> waits, Duration minRetryAfter, Duration maxRetryAfter) {

    public static final RetryPolicy GUIDE = new RetryPolicy(
            List.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20)),
            Duration.ofSeconds(1), Duration.ofMinutes(10));

    public RetryPolicy {
        waits = List.copyOf(waits);
        if (waits.stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("retry waits must not be negative");
        }
    }

    public int maxAttempts() {
        return waits.size() + 1;
    }

    /**
     * The wait before the next attempt, after {@code attemptsMade} failed attempts; empty when none
     * is left. A Retry-After (from a 429) replaces the scheduled wait, bounded.
     */
    public Optional<Duration> waitAfter(int attemptsMade, Duration retryAfter) {
        if (attemptsMade >= maxAttempts()) {
            return Optional.empty();
        }
        if (retryAfter != null) {
            Duration bounded = retryAfter.compareTo(minRetryAfter) < 0 ? minRetryAfter : retryAfter;
            return Optional.of(bounded.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : bounded);
        }
        return Optional.of(waits.get(attemptsMade - 1));
    }
}
