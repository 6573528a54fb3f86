package org.notesync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class TokenBucketsTest {

    static final class SettableClock extends Clock {
        Instant now = Instant.parse("2026-02-24T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static RateLimitProperties limits(long capacity, long refill, Duration period) {
        return new RateLimitProperties(true, capacity, refill, period, Duration.ofSeconds(1));
    }

    final SettableClock clock = new SettableClock();
    final Instant start = clock.now;

    @Test
    void theDocumentedDefaultsLetFiveThousandThroughThenRefillFiveHundredEveryFifteenMinutes() {
        TokenBuckets buckets = new TokenBuckets(limits(5000, 500, Duration.ofMinutes(15)), clock);

        TokenBuckets.Decision first = buckets.take("client");
        assertThat(first.allowed()).isTrue();
        assertThat(first.limit()).isEqualTo(5000);
        assertThat(first.remaining()).isEqualTo(4999);
        assertThat(first.reset()).isEqualTo(start.plus(Duration.ofMinutes(15)));
        for (int i = 0; i < 4999; i++) {
            assertThat(buckets.take("client").allowed()).isTrue();
        }
        clock.now = start.plus(Duration.ofMinutes(10));
        TokenBuckets.Decision refused = buckets.take("client");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(5));

        clock.now = start.plus(Duration.ofMinutes(15));
        TokenBuckets.Decision refilled = buckets.take("client");
        assertThat(refilled.allowed()).isTrue();
        assertThat(refilled.remaining()).isEqualTo(499);
        assertThat(refilled.reset()).isEqualTo(start.plus(Duration.ofMinutes(30)));
    }

    @Test
    void refillsNeverOverflowTheCapacityAndClientsHaveTheirOwnBuckets() {
        TokenBuckets buckets = new TokenBuckets(limits(3, 2, Duration.ofSeconds(10)), clock);
        buckets.take("a");
        buckets.take("a");
        buckets.take("a");
        assertThat(buckets.take("a").allowed()).isFalse();
        assertThat(buckets.take("b").remaining()).as("another client is unaffected").isEqualTo(2);

        clock.now = start.plus(Duration.ofHours(5));
        TokenBuckets.Decision later = buckets.take("a");
        assertThat(later.remaining()).as("full again, not overfull").isEqualTo(2);
        assertThat(later.reset()).isAfter(clock.now).isBeforeOrEqualTo(clock.now.plusSeconds(10));
    }

    @Test
    void aDurationWithoutItsUnitIsRefused() {
        assertThatThrownBy(() -> limits(10, 5, Duration.ofMillis(15)))
                .hasMessageContaining("notesync.rate-limit.refill-period");
        assertThatThrownBy(() -> new RateLimitProperties(true, 10, 5, Duration.ofMinutes(15), Duration.ofMillis(1)))
                .hasMessageContaining("notesync.rate-limit.sync-interval");
    }

    @Test
    void idleFullBucketsAreForgottenToBoundMemory() {
        TokenBuckets buckets = new TokenBuckets(limits(10, 5, Duration.ofSeconds(10)), clock);
        buckets.take("idle");
        clock.now = start.plusSeconds(15);
        buckets.take("busy");
        buckets.sweep(clock.now);
        assertThat(buckets.size()).isEqualTo(2);

        clock.now = start.plusSeconds(31);
        buckets.sweep(clock.now);
        assertThat(buckets.size()).as("idle for three periods: full again, dropped").isEqualTo(1);
    }
}
