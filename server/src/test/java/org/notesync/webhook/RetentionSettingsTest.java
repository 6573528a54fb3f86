package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** {@code notesync.webhooks.retention}: its default, what it refuses, and that zero schedules no removal. */
class RetentionSettingsTest {

    @Test
    void theHistoryIsKeptNinetyDaysByDefaultAndLookedAtHourly() {
        WebhookProperties properties = bind(Map.of());
        assertThat(properties.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(properties.retentionInterval()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRetentionUnderADayIsRefusedByName() {
        for (String value : new String[] {"90m", "23h", "-1d"}) {
            assertThatThrownBy(() -> bind(Map.of("notesync.webhooks.retention", value)))
                    .as(value).rootCause().hasMessageContaining("notesync.webhooks.retention")
                    .hasMessageContaining("at least 1d");
        }
        assertThat(bind(Map.of("notesync.webhooks.retention", "1d")).retention()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void zeroKeepsTheHistoryForeverSoNoRemovalIsScheduled() {
        assertThat(tasks(bind(Map.of("notesync.webhooks.retention", "0")))).isEqualTo(1); // the deleted webhooks' purge
        assertThat(tasks(bind(Map.of()))).isEqualTo(2);
    }

    private static int tasks(WebhookProperties properties) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:retention-settings");
        ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();
        new WebhookPurge(null, null, Clock.systemUTC(), properties, h2, new SimpleMeterRegistry())
                .configureTasks(registrar);
        return registrar.getFixedDelayTaskList().size();
    }

    private static WebhookProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("notesync.webhooks", WebhookProperties.class);
    }
}
