package org.notesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProfilerTest {

    @Test
    void aStepBecomesAFileNameOfLettersDigitsAndDashes() {
        assertThat(Profiler.fileName("api round 1/2 GET /notes")).isEqualTo("api-round-1-2-GET-notes");
        assertThat(Profiler.fileName("1000/s")).isEqualTo("1000-s");
    }
}
