package org.notesync.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The API's date formats: ISO 8601 with an offset out, ISO dates or date-times in. */
public final class Dates {

    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final DateTimeFormatter OUT_FRACTION = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    // ISO 8601 reaches years PostgreSQL cannot store; no API date needs them.
    private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Dates() {
    }

    /** Formats like API Platform ({@code 2026-02-24T10:30:00+00:00}), keeping microseconds when present. */
    public static String format(Instant instant) {
        if (instant == null) {
            return null;
        }
        OffsetDateTime utc = instant.atOffset(ZoneOffset.UTC);
        return (instant.getNano() == 0 ? OUT : OUT_FRACTION).format(utc);
    }

    /**
     * Parses an ISO date ({@code 2026-02-17}, midnight UTC), a date-time with offset, or a date-time
     * without one (taken as UTC), within years 1 to 9999. A {@code +} that a query string turned into a
     * space is put back.
     */
    public static Instant parseInstant(String text) {
        Instant instant = parseAnyInstant(text);
        if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
            throw new IllegalArgumentException("outside years 1 to 9999");
        }
        return instant;
    }

    /**
     * A calendar date within years 1 to 9999. ISO 8601 allows more, but PostgreSQL refuses such values
     * (a 500 for what is bad input) and no clinical date is out there.
     */
    public static LocalDate parseDate(String text) {
        LocalDate date = LocalDate.parse(text);
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw new IllegalArgumentException("outside years 1 to 9999");
        }
        return date;
    }

    private static Instant parseAnyInstant(String text) {
        String value = text.trim();
        if (value.length() > 19 && value.charAt(value.length() - 6) == ' ') {
            value = value.substring(0, value.length() - 6) + "+" + value.substring(value.length() - 5);
        }
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a date", e);
        }
    }

    /** Database timestamps keep microseconds; new instants are truncated so what is returned equals what is stored. */
    public static Instant now(java.time.Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
