package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class DatesTest {

    @Test
    void formatsLikeTheGuide() {
        assertThat(Dates.format(Instant.parse("2026-02-24T10:30:00Z"))).isEqualTo("2026-02-24T10:30:00+00:00");
        assertThat(Dates.format(Instant.parse("2026-02-24T10:30:00.123456Z")))
                .isEqualTo("2026-02-24T10:30:00.123456+00:00");
    }

    @Test
    void parsesDatesDateTimesWithAndWithoutOffset() {
        assertThat(Dates.parseInstant("2026-02-17")).isEqualTo(Instant.parse("2026-02-17T00:00:00Z"));
        assertThat(Dates.parseInstant("2026-02-17T10:00:00+02:00")).isEqualTo(Instant.parse("2026-02-17T08:00:00Z"));
        assertThat(Dates.parseInstant("2026-02-17T10:00:00Z")).isEqualTo(Instant.parse("2026-02-17T10:00:00Z"));
        assertThat(Dates.parseInstant("2026-02-17T10:00:00")).isEqualTo(Instant.parse("2026-02-17T10:00:00Z"));
        assertThatThrownBy(() -> Dates.parseInstant("17/02/2026")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsMicrosecondsAndDropsTheRestRatherThanRoundingUp() {
        assertThat(Dates.parseInstant("2026-02-17T10:00:00.999999999Z"))
                .isEqualTo(Instant.parse("2026-02-17T10:00:00.999999Z"));
        assertThat(Dates.parseInstant("2026-12-31T23:59:59.9999995Z"))
                .as("not the next year").isEqualTo(Instant.parse("2026-12-31T23:59:59.999999Z"));
    }
}
