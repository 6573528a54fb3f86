package org.notesync.webhook;

import java.time.Duration;
import java.util.List;

import org.notesync.DurationSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Webhook delivery settings ({@code notesync.webhooks.*}). The defaults are the guide's contract.
 *
 * @param deliveryEnabled         run the delivery engine on this node (every node may: they share the queue)
 * @param nodeId                  this node's name in leases and the delivery log; host name and a random
 *                                suffix when empty
 * @param requestTimeout          a 2xx must arrive within this (the guide: 5 s)
 * @param retrySchedule           waits between attempts (the guide: 5 s, 10 s, 20 s, so 4 attempts)
 * @param retryAfterMin           a 429's Retry-After is raised to at least this
 * @param retryAfterMax           and capped at this
 * @param lease                   how long a worker holds claimed deliveries; must exceed requestTimeout
 * @param pollInterval            how often idle workers look for due deliveries (commits wake them at once)
 * @param workers                 concurrent requests per node
 * @param perWebhookConcurrency   concurrent requests to one webhook per node
 * @param maxBatchEvents          events in one POST at most
 * @param maxBatchSize            size of the events of one POST at most
 * @param disableAfter            a webhook whose deliveries keep failing this long is disabled
 * @param secretRotationOverlap   after rotate-secret, the old secret also signs for this long
 * @param allowedNetworks         CIDRs webhooks may reach even though they are loopback/private; empty in
 *                                production, loopback in dev mode when not set
 * @param perWebhookMetrics       count attempts per webhook (a {@code webhook} tag: one series per webhook)
 * @param purgeInterval           how often a node removes the rows of webhooks deleted more than a lease ago
 * @param recoveryInterval        how often a node resumes the recoveries whose node stopped (their lease ran out)
 * @param retention               how long deliveries, their attempts and events are kept (counted from a
 *                                delivery's creation and its last outcome, whichever is later, so a replay
 *                                keeps it another period; pending deliveries are kept however old); zero keeps
 *                                them forever, anything else must be at least a day
 * @param retentionInterval       how often a node removes the history older than {@code retention}
 */
@ConfigurationProperties("notesync.webhooks")
public record WebhookProperties(
        @DefaultValue("true") boolean deliveryEnabled,
        String nodeId,
        @DefaultValue("5s") Duration requestTimeout,
        @DefaultValue({"5s", "10s", "20s"}) List<Duration> retrySchedule,
        @DefaultValue("1s") Duration retryAfterMin,
        @DefaultValue("10m") Duration retryAfterMax,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("16") int workers,
        @DefaultValue("4") int perWebhookConcurrency,
        @DefaultValue("50") int maxBatchEvents,
        @DefaultValue("256KB") DataSize maxBatchSize,
        @DefaultValue("5d") Duration disableAfter,
        @DefaultValue("24h") Duration secretRotationOverlap,
        List<String> allowedNetworks,
        @DefaultValue("false") boolean perWebhookMetrics,
        @DefaultValue("10s") Duration purgeInterval,
        @DefaultValue("10s") Duration recoveryInterval,
        @DefaultValue("90d") Duration retention,
        @DefaultValue("1h") Duration retentionInterval) {

    public WebhookProperties {
        // A duration written without its unit is milliseconds: disable-after=5 for 5d would disable a webhook at its
        // first failure, request-timeout=5 time every request out. Each is refused below a floor no one means.
        atLeast("request-timeout", requestTimeout, Duration.ofSeconds(1), "5s");
        retrySchedule.forEach(wait -> atLeast("retry-schedule", wait, Duration.ofSeconds(1), "5s,10s,20s"));
        atLeast("poll-interval", pollInterval, Duration.ofMillis(100), "1s");
        atLeast("disable-after", disableAfter, Duration.ofHours(1), "5d");
        atLeast("purge-interval", purgeInterval, Duration.ofSeconds(1), "10s");
        atLeast("recovery-interval", recoveryInterval, Duration.ofSeconds(1), "10s");
        atLeast("retention-interval", retentionInterval, Duration.ofMinutes(1), "1h");
        if (!secretRotationOverlap.isZero()) {
            atLeast("secret-rotation-overlap", secretRotationOverlap, Duration.ofMinutes(1), "24h, or 0");
        }
        if (retryAfterMin.isNegative() || retryAfterMax.compareTo(retryAfterMin) < 0) {
            throw new IllegalArgumentException("notesync.webhooks.retry-after-max (" + retryAfterMax + ") must be at "
                    + "least notesync.webhooks.retry-after-min (" + retryAfterMin + "), which must not be negative.");
        }
        if (lease.compareTo(requestTimeout.plusSeconds(5)) < 0) {
            throw new IllegalArgumentException("notesync.webhooks.lease (" + lease + ") must exceed "
                    + "notesync.webhooks.request-timeout (" + requestTimeout + ") by at least 5 s, or a slow "
                    + "request's deliveries could be claimed twice.");
        }
        if (!retention.isZero() && retention.compareTo(Duration.ofDays(1)) < 0) {
            // A slip such as 90m for 90d would remove the failure queue an operator meant to recover.
            throw new IllegalArgumentException("notesync.webhooks.retention (" + retention + ") must be 0 (keep "
                    + "the delivery history forever) or at least 1d.");
        }
    }

    private static void atLeast(String name, Duration value, Duration floor, String example) {
        DurationSettings.atLeast("notesync.webhooks." + name, value, floor, example);
    }
}
