package org.notesync.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** {@code notesync.audio.*}: the defaults, what is refused, and the sweep's schedule. */
class AudioSettingsTest {

    @Test
    void theStorageIsSweptHourlyByDefault() {
        AudioProperties properties = bind(Map.of());
        assertThat(properties.sweepInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.storageDir()).isNull();

        ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();
        new AudioSweep(null, null, null, null, Clock.systemUTC(), bind(Map.of("notesync.audio.sweep-interval", "10m")),
                new SimpleMeterRegistry()).configureTasks(registrar);
        assertThat(registrar.getFixedDelayTaskList()).singleElement().satisfies(task -> {
            assertThat(task.getIntervalDuration()).isEqualTo(Duration.ofMinutes(10));
            assertThat(task.getInitialDelayDuration()).as("soon after start, for nodes restarted often")
                    .isEqualTo(Duration.ofMinutes(5));
        });

        ScheduledTaskRegistrar often = new ScheduledTaskRegistrar();
        new AudioSweep(null, null, null, null, Clock.systemUTC(), bind(Map.of("notesync.audio.sweep-interval", "2m")),
                new SimpleMeterRegistry()).configureTasks(often);
        assertThat(often.getFixedDelayTaskList().get(0).getInitialDelayDuration()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void recordingsAreKeptUntilTheirAudioIsDeletedUnlessARetentionOfAnHourOrMoreIsSet() {
        assertThat(bind(Map.of()).retention()).isZero();
        assertThat(bind(Map.of("notesync.audio.retention", "0")).retention()).isZero();
        assertThat(bind(Map.of("notesync.audio.retention", "1h")).retention()).isEqualTo(Duration.ofHours(1));
        assertThat(bind(Map.of("notesync.audio.retention", "30d")).retention()).isEqualTo(Duration.ofDays(30));
        for (String value : new String[] {"30", "59m", "-1d"}) {
            assertThatThrownBy(() -> bind(Map.of("notesync.audio.retention", value)))
                    .as(value).rootCause().hasMessageContaining("notesync.audio.retention")
                    .hasMessageContaining("at least 1h");
        }
    }

    @Test
    void aSweepIntervalThatIsNotPositiveIsRefusedByName() {
        for (String value : new String[] {"0", "-1h"}) {
            assertThatThrownBy(() -> bind(Map.of("notesync.audio.sweep-interval", value)))
                    .as(value).rootCause().hasMessageContaining("notesync.audio.sweep-interval")
                    .hasMessageContaining("must be positive");
        }
    }

    private static AudioProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("notesync.audio", AudioProperties.class);
    }
}
