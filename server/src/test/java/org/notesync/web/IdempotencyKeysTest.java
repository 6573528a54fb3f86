package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class IdempotencyKeysTest {

    @Test
    void theRetentionIsSaidInTheUnitItWasGivenIn() {
        assertThat(IdempotencyKeys.hours(Duration.ofHours(24))).isEqualTo("24 hours");
        assertThat(IdempotencyKeys.hours(Duration.ofHours(1))).isEqualTo("1 hour");
        assertThat(IdempotencyKeys.hours(Duration.ofMinutes(90))).isEqualTo("90 minutes");
        assertThat(IdempotencyKeys.hours(Duration.ofSeconds(20))).isEqualTo("20 seconds");
    }

    @Test
    void aBodyIsComparedByWhatItSaysNotHowItIsWritten() {
        JsonMapper json = JsonMapper.builder().build();
        String one = IdempotencyKeys.canonical(
                json.readTree("{\"b\":[1,{\"y\":\"\\u0078\",\"x\":null}],\"a\":\"z\"}"));
        String other = IdempotencyKeys.canonical(
                json.readTree("{ \"a\" : \"z\",\n \"b\" : [1, {\"x\":null,\"y\":\"x\"}] }"));
        assertThat(one).isEqualTo(other);
        assertThat(IdempotencyKeys.canonical(json.readTree("{\"b\":[{\"y\":\"x\"},1],\"a\":\"z\"}")))
                .as("arrays keep order").isNotEqualTo(one);
        assertThat(IdempotencyKeys.canonical(json.readTree("{\"a\":\"z\"}")))
                .isNotEqualTo(IdempotencyKeys.canonical(json.readTree("{\"a\":\"z\",\"b\":null}")));
    }
}
