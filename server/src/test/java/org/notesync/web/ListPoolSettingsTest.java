package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code notesync.db.list-pool-size}: the default, and what is refused at start. */
class ListPoolSettingsTest {

    @Test
    void tenConnectionsByDefaultAndZeroReadsThroughTheMainPool() {
        assertThat(bind(Map.of()).listPoolSize()).isEqualTo(10);
        assertThat(bind(Map.of("notesync.db.list-pool-size", "0")).listPoolSize()).isZero();
        assertThat(bind(Map.of("notesync.db.list-pool-size", "6")).listPoolSize()).isEqualTo(6);
    }

    @Test
    void aNegativeOrEmptySizeIsRefusedByName() {
        // -1 was taken as 0, silently: the collections then shared the main pool.
        assertThatThrownBy(() -> bind(Map.of("notesync.db.list-pool-size", "-1")))
                .rootCause().hasMessageContaining("notesync.db.list-pool-size")
                .hasMessageContaining("NOTESYNC_DB_LIST_POOL_SIZE");
        // Empty, it was a bean's 140-line stack trace; now a binding error, shown by Spring Boot in a few lines.
        assertThatThrownBy(() -> bind(Map.of("notesync.db.list-pool-size", "")))
                .hasMessageContaining("notesync.db.list-pool-size");
    }

    private static ListPoolProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("notesync.db", ListPoolProperties.class);
    }
}
