package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/** Dates PostgreSQL cannot store are bad input (a 4xx), not a database error (a 500). */
class DateRangeTest {

    @Test
    void instantsOutsideYears1To9999AreRefused() {
        assertThat(Dates.parseInstant("9999-12-31T23:59:59Z")).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(Dates.parseInstant("0001-01-01")).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
        assertThat(Dates.parseInstant("2026-02-17T12:30:00 02:00")).as("a + turned into a space")
                .isEqualTo(Instant.parse("2026-02-17T10:30:00Z"));
        assertThatThrownBy(() -> Dates.parseInstant("+300000-01-01T00:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dates.parseInstant("-5000-01-01T00:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dates.parseInstant("9999-12-31T23:59:59-01:00"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void datesOutsideYears1To9999AreRefused() {
        assertThat(Dates.parseDate("1967-11-07")).isEqualTo(LocalDate.of(1967, 11, 7));
        assertThatThrownBy(() -> Dates.parseDate("+99999999-01-01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dates.parseDate("0000-01-01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dates.parseDate("1980-13-45")).isInstanceOf(RuntimeException.class);
    }
}
