package org.notesync.webhook;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.BackgroundCount;

/**
 * The failure queue's depth ({@code notesync_webhook_failure_queue}), counted in the background
 * ({@link BackgroundCount}): a scrape never waits for the database.
 */
final class FailureQueueGauge {

    private FailureQueueGauge() {
    }

    static Gauge register(MeterRegistry meters, LongSupplier count, Duration every) {
        return BackgroundCount.register(meters, "notesync.webhook.failure.queue",
                "Failed webhook deliveries waiting for a replay", "failure-queue-count", count, every);
    }
}
