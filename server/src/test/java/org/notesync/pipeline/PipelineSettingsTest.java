package org.notesync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code notesync.pipeline.*} durations: a value without its unit (milliseconds) is refused by name. */
class PipelineSettingsTest {

    @Test
    void theDefaultsBind() {
        PipelineProperties properties = bind(Map.of());
        assertThat(properties.lease()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.transcription().timeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aDurationWithoutItsUnitIsRefusedByName() {
        Map<String, String> slips = Map.of("lease", "5", "poll-interval", "2", "retry-backoff", "30",
                "transcription.timeout", "10", "generation.timeout", "3", "generation.connect-timeout", "10");
        slips.forEach((name, value) -> assertThatThrownBy(() -> bind(Map.of("notesync.pipeline." + name, value)))
                .as(name).rootCause().hasMessageContaining("notesync.pipeline." + name)
                .hasMessageContaining("without a unit is milliseconds"));
        assertThatThrownBy(() -> bind(Map.of("notesync.pipeline.max-backoff", "10s")))
                .as("shorter than the first wait").rootCause().hasMessageContaining("notesync.pipeline.max-backoff");
    }

    private static PipelineProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("notesync.pipeline", PipelineProperties.class);
    }
}
