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
 * @param syncInterval how often a node adds the requests it counted to the buckets every node shares
 */
@ConfigurationProperties("notesync.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5000") long capacity,
        @DefaultValue("500") long refill,
        @DefaultValue("15m") Duration refillPeriod,
        @DefaultValue("1s") Duration syncInterval) {

    public RateLimitProperties {
        if (capacity < 1 || refill < 1) {
            throw new IllegalArgumentException("notesync.rate-limit: capacity and refill must be positive");
        }
        // A duration without its unit is milliseconds: 15 for 15m would refill every 15 ms, and 1 for 1s would write
        // the shared buckets a thousand times a second.
        if (refillPeriod.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("notesync.rate-limit.refill-period (" + refillPeriod
                    + ") must be at least 1s, such as 15m");
        }
        if (syncInterval.compareTo(Duration.ofMillis(100)) < 0 || syncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("notesync.rate-limit.sync-interval (" + syncInterval
                    + ") must be between 100ms and 1m, such as 1s");
        }
    }
}
