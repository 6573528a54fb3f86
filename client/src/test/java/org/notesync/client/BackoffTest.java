package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new Random(42));

    @Test
    void theCapDoublesFromTheInitialBackoffUpToTheMaximum() {
        assertThat(backoff.cap(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.cap(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.cap(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.cap(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.cap(1000)).as("no overflow").isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyDelayIsBetweenZeroAndItsCap() {
        for (int retry = 1; retry <= 12; retry++) {
            for (int i = 0; i < 2_000; i++) {
                assertThat(backoff.delay(retry)).isBetween(Duration.ZERO, backoff.cap(retry));
            }
        }
    }

    @Test
    void delaysAreSpreadOverTheWholeRangeNotClusteredAtTheCap() {
        Duration cap = backoff.cap(4);
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            delays.add(backoff.delay(4));
        }
        long belowHalf = delays.stream().filter(d -> d.compareTo(cap.dividedBy(2)) < 0).count();
        assertThat(belowHalf).as("full jitter is uniform: about half below the middle").isBetween(1_800L, 2_200L);
        assertThat(delays.stream().filter(d -> d.compareTo(cap.dividedBy(10)) < 0).count()).isPositive();
        assertThat(delays.stream().filter(d -> d.compareTo(cap.multipliedBy(9).dividedBy(10)) > 0).count()).isPositive();
        Set<Duration> distinct = new HashSet<>(delays);
        assertThat(distinct.size()).isGreaterThan(3_900);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Backoff a = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(7));
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(7));
        for (int retry = 1; retry < 10; retry++) {
            assertThat(a.delay(retry)).isEqualTo(b.delay(retry));
        }
    }

    @Test
    void aZeroBackoffNeverWaits() {
        Backoff none = new Backoff(Duration.ZERO, Duration.ZERO, new Random(1));
        assertThat(none.delay(3)).isEqualTo(Duration.ZERO);
    }
}
