package org.notesync.client;

import java.time.Duration;
import java.util.Optional;

/**
 * 429 that the SDK did not wait out, because the server asked for a longer wait than
 * {@link RetryPolicy#maxRateLimitWait()} allows.
 */
public class RateLimitedException extends ApiException {

    private final Duration retryAfter;

    public RateLimitedException(Problem problem, Duration retryAfter) {
        super(429, problem);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
