package org.notesync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void theGuidesScheduleIsFourAttemptsWithWaitsOf5And10And20Seconds() {
        RetryPolicy policy = RetryPolicy.GUIDE;
        assertThat(policy.maxAttempts()).isEqualTo(4);
        assertThat(policy.waitAfter(1, null)).contains(Duration.ofSeconds(5));
        assertThat(policy.waitAfter(2, null)).contains(Duration.ofSeconds(10));
        assertThat(policy.waitAfter(3, null)).contains(Duration.ofSeconds(20));
        assertThat(policy.waitAfter(4, null)).isEmpty();
    }

    @Test
    void retryAfterReplacesTheWaitWithinBounds() {
        RetryPolicy policy = RetryPolicy.GUIDE;
        assertThat(policy.waitAfter(1, Duration.ofSeconds(30))).contains(Duration.ofSeconds(30));
        assertThat(policy.waitAfter(1, Duration.ZERO)).contains(Duration.ofSeconds(1));
        assertThat(policy.waitAfter(1, Duration.ofDays(2))).contains(Duration.ofMinutes(10));
        assertThat(policy.waitAfter(4, Duration.ofSeconds(30))).as("no attempt left").isEmpty();
    }
}
