package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code notesync.idempotency.retention}: the default, and what is refused at start. */
class IdempotencySettingsTest {

    @Test
    void keysAreRememberedADayByDefault() {
        assertThat(bind(Map.of()).retention()).isEqualTo(Duration.ofHours(24));
        assertThat(bind(Map.of("notesync.idempotency.retention", "")).retention()).as("set but empty")
                .isEqualTo(Duration.ofHours(24));
        assertThat(bind(Map.of("notesync.idempotency.retention", "1h")).retention()).isEqualTo(Duration.ofHours(1));
        assertThat(bind(Map.of("notesync.idempotency.retention", "7d")).retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aRetentionUnderAnHourIsRefusedByName() {
        // "24" is 24 ms: every key would be gone before a client could send its create again.
        for (String value : new String[] {"24", "3600", "59m", "0", "-1h"}) {
            assertThatThrownBy(() -> bind(Map.of("notesync.idempotency.retention", value)))
                    .as(value).rootCause().hasMessageContaining("notesync.idempotency.retention")
                    .hasMessageContaining("NOTESYNC_IDEMPOTENCY_RETENTION").hasMessageContaining("at least 1h");
        }
    }

    private static IdempotencyProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("notesync.idempotency", IdempotencyProperties.class);
    }
}
