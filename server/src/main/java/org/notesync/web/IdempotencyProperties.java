package org.notesync.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param retention how long a create's {@code Idempotency-Key} is remembered ({@code NOTESYNC_IDEMPOTENCY_RETENTION}):
 *                  the same request sent again with it within this time gets what the first created. At least an
 *                  hour, since a missing unit ({@code 24} for {@code 24h}) would mean milliseconds, and creates
 *                  sent again would be written twice
 */
@ConfigurationProperties("notesync.idempotency")
record IdempotencyProperties(@DefaultValue("24h") Duration retention) {

    IdempotencyProperties {
        if (retention == null || retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("notesync.idempotency.retention (NOTESYNC_IDEMPOTENCY_RETENTION, "
                    + retention + ") must be at least 1h, such as 24h");
        }
    }
}
