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

/**
 * {@code notesync.webhooks.retention}: its default, what it refuses, and that zero schedules no removal; and the other
 * durations' floors.
 */
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

    /** A duration without its unit is milliseconds: each setting is refused below a floor no one means. */
    @Test
    void aDurationWithoutItsUnitIsRefusedByName() {
        Map<String, String> slips = Map.of("disable-after", "5", "request-timeout", "5", "retry-schedule", "5,10,20",
                "poll-interval", "1", "purge-interval", "10", "recovery-interval", "10", "retention-interval", "1",
                "secret-rotation-overlap", "24");
        slips.forEach((name, value) -> assertThatThrownBy(() -> bind(Map.of("notesync.webhooks." + name, value)))
                .as(name).rootCause().hasMessageContaining("notesync.webhooks." + name)
                .hasMessageContaining("without a unit is milliseconds"));
        assertThat(bind(Map.of("notesync.webhooks.secret-rotation-overlap", "0")).secretRotationOverlap()).isZero();
        assertThat(bind(Map.of("notesync.webhooks.poll-interval", "100ms")).pollInterval())
                .isEqualTo(Duration.ofMillis(100));
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
