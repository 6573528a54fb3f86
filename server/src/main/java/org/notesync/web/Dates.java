package org.notesync.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

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
     * without one (taken as UTC), within years 1 to 9999 ({@link #IN} says which forms). A {@code +} that a
     * query string turned into a space is put back.
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

    /**
     * A date-time as clients write it: {@code T} or a space between date and time (PHP's {@code Y-m-d H:i:s}),
     * seconds and fraction optional, and an offset as {@code +01:00}, {@code +0100}, {@code +01} or {@code Z}
     * (PHP's {@code DATE_ISO8601} and Java's {@code Z} pattern write {@code +0000}), or none (UTC).
     */
    private static final DateTimeFormatter IN = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    /** A time, then a space and an offset's digits: the offset's {@code +}, read from a query string as a space. */
    private static final Pattern PLUS_AS_SPACE = Pattern.compile("(\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?) (\\d{2}(?::?\\d{2})?)$");

    private static Instant parseAnyInstant(String text) {
        // trim() drops every character up to the space, a NUL or a line break among them: "2026-02-17\u0000" was read
        // as 2026-02-17 where a NUL anywhere else is refused.
        if (text.chars().anyMatch(c -> c < ' ' || c == '\u007f')) {
            throw new IllegalArgumentException("a control character");
        }
        String value = PLUS_AS_SPACE.matcher(text.trim()).replaceFirst("$1+$2");
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (value.length() > 10 && value.charAt(10) != 'T' && value.charAt(10) != 't' && value.charAt(10) != ' ') {
                throw new IllegalArgumentException("not a date");
            }
            TemporalAccessor parsed = IN.parseBest(value, OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime at ? at.toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a date", e);
        }
    }

    /** Database timestamps keep microseconds; new instants are truncated so what is returned equals what is stored. */
    public static Instant now(java.time.Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
