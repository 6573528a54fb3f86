package org.notesync.ratelimit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The API's rate limit: a token bucket per OAuth 2 client, as the original service documents it.
 *
 * @param enabled      off only for load tests
 * @param capacity     requests a client may make in a burst (the bucket's size)
 * @param refill       requests added back every {@code refillPeriod}, up to the capacity
 * @param refillPeriod how often the bucket is refilled
 */
@ConfigurationProperties("notesync.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5000") long capacity,
        @DefaultValue("500") long refill,
        @DefaultValue("15m") Duration refillPeriod) {

    public RateLimitProperties {
        if (capacity < 1 || refill < 1 || refillPeriod.isZero() || refillPeriod.isNegative()) {
            throw new IllegalArgumentException("notesync.rate-limit: capacity, refill and refill-period must be positive");
        }
    }
}
