package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

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
    void parsesTheDateTimesOtherLanguagesWrite() {
        Instant expected = Instant.parse("2026-02-17T08:30:00Z");
        assertThat(Dates.parseInstant("2026-02-17T10:30:00+0200")).as("PHP's DATE_ISO8601").isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17T10:30:00+02")).isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17 08:30:00")).as("PHP's Y-m-d H:i:s, UTC").isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17 10:30:00+02:00")).isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17T08:30")).as("no seconds").isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17t08:30:00z")).as("any case").isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17T10:30:00 0200")).as("a + read as a space").isEqualTo(expected);
        assertThat(Dates.parseInstant("2026-02-17 10:30:00 02:00")).isEqualTo(expected);
        for (String bad : List.of("2026-02-17X10:30:00", "2026-02-17T25:00:00", "2026-02-17T10:30:00+2", "2026-02-17T",
                "2026-02-1710:30:00", "2026-02-17T10:30:00 +02:00x")) {
            assertThatThrownBy(() -> Dates.parseInstant(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aStoredDateTimeKeepsMicrosecondsAndDropsTheRestRatherThanRoundingUp() {
        JsonFields fields = JsonFields.of(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("at", "2026-02-17T10:00:00.999999999Z").put("end", "2026-12-31T23:59:59.9999995Z"));
        assertThat(fields.instant("at")).contains(Instant.parse("2026-02-17T10:00:00.999999Z"));
        assertThat(fields.instant("end")).as("not the next year").contains(Instant.parse("2026-12-31T23:59:59.999999Z"));
        assertThat(Dates.parseInstant("2026-02-17T10:00:00.0000005Z")).as("a filter keeps its precision")
                .isEqualTo(Instant.parse("2026-02-17T10:00:00.0000005Z"));
    }
}
