package org.notesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** {@code notesync.*}: the defaults, and what is refused at start. */
class NotesyncSettingsTest {

    @Test
    void jsonBodiesUpToAMegabyteByDefault() {
        assertThat(bind(Map.of()).maxBodySize()).isEqualTo(DataSize.ofMegabytes(1));
        assertThat(bind(Map.of("notesync.max-body-size", "64KB")).maxBodySize()).isEqualTo(DataSize.ofKilobytes(64));
        assertThat(bind(Map.of("notesync.max-body-size", "4MB")).maxBodySize()).isEqualTo(DataSize.ofMegabytes(4));
    }

    @Test
    void aBodyLimitUnder64KilobytesIsRefusedByName() {
        // "2" is 2 bytes (no unit): every JSON body, a token request's too, would be a 413.
        for (String value : new String[] {"2", "1000", "63KB", "0", "-1MB"}) {
            assertThatThrownBy(() -> bind(Map.of("notesync.max-body-size", value)))
                    .as(value).rootCause().hasMessageContaining("notesync.max-body-size")
                    .hasMessageContaining("NOTESYNC_MAXBODYSIZE").hasMessageContaining("at least 64KB");
        }
    }

    private static NotesyncProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("notesync", NotesyncProperties.class);
    }
}
