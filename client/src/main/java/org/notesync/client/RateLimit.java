package org.notesync.client;

import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The caller's rate limit as of the last response: the bucket size, what is left in it, and when it
 * is next refilled.
 */
public record RateLimit(long limit, long remaining, Instant reset) {

    static Optional<RateLimit> from(HttpHeaders headers) {
        OptionalLong limit = number(headers, "x-ratelimit-limit");
        OptionalLong remaining = number(headers, "x-ratelimit-remaining");
        OptionalLong reset = number(headers, "x-ratelimit-reset");
        if (limit.isEmpty() || remaining.isEmpty() || reset.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RateLimit(limit.getAsLong(), remaining.getAsLong(),
                Instant.ofEpochSecond(reset.getAsLong())));
    }

    static OptionalLong number(HttpHeaders headers, String name) {
        Optional<String> value = headers.firstValue(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
