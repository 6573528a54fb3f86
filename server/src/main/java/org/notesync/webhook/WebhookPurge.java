package org.notesync.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.logging.LoggedErrors;
import org.notesync.web.Databases;
import org.notesync.web.Dates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import static org.notesync.webhook.JdbcDeliveryStore.utc;

/**
 * Removes what the delivery log no longer needs, in short transactions, so that a long history never holds
 * locks the delivery engine or the notes' writes would wait for.
 *
 * <p>Deleted webhooks ({@link Webhooks#delete}), once deleted for longer than a delivery lease: by then no
 * request to them is in flight, and no transaction that saw them active is still writing. Their deliveries
 * go a chunk per transaction (the pending ones first, which claims would otherwise keep stepping over), each
 * with its attempts, then their recoveries and their row. Every node does it every
 * {@code notesync.webhooks.purge-interval}.
 *
 * <p>The history older than {@code notesync.webhooks.retention} ({@link #expire}): the deliveries that ended
 * (succeeded or failed) with their attempts, the events no delivery refers to any more (an event row is
 * shared by the deliveries of every webhook it went to, and holds the note's content), and the recoveries
 * that ended. A pending delivery is never removed, however old, nor its event. Every node does it every
 * {@code notesync.webhooks.retention-interval}. On PostgreSQL two nodes skip each other's chunks.
 */
@Component
class WebhookPurge implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(WebhookPurge.class);

    /** Deliveries (with their attempts) removed per transaction. */
    static final int CHUNK = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final WebhookProperties properties;
    /**
     * Locks the rows a chunk removes, so a replay of a failed delivery waits for the chunk and then finds the
     * row gone; on PostgreSQL another node's chunk skips them.
     */
    private final String lockRows;
    private final MeterRegistry meters;

    WebhookPurge(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, WebhookProperties properties,
            DataSource dataSource, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.properties = properties;
        this.lockRows = Databases.isPostgres(dataSource) ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
        this.meters = meters;
        // Registered at start, at zero, so that an alert on its absence or on its rate sees it before the first run.
        for (String rows : new String[] {"deliveries", "events", "recoveries"}) {
            expired(rows);
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        Duration interval = properties.purgeInterval();
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, interval, interval));
        if (!properties.retention().isZero()) {
            Duration every = properties.retentionInterval();
            registrar.addFixedDelayTask(new FixedDelayTask(this::expireScheduled, every, every));
        }
    }

    private void expireScheduled() {
        try {
            Expired expired = expire(Dates.now(clock).minus(properties.retention()));
            if (expired.any()) {
                log.info("Removed the webhook history older than {}: {} deliveries, {} events, {} recoveries",
                        properties.retention(), expired.deliveries(), expired.events(), expired.recoveries());
            }
        } catch (RuntimeException e) {
            log.warn("Removing old webhook history failed; the next run continues: {}", LoggedErrors.summary(e));
        }
    }

    private void scheduled() {
        try {
            purge(Dates.now(clock).minus(properties.lease()));
        } catch (RuntimeException e) {
            log.warn("Purging deleted webhooks failed; the next run continues: {}", LoggedErrors.summary(e));
        }
    }

    /** Purges every webhook deleted before {@code deletedBefore}; returns how many it removed. */
    int purge(Instant deletedBefore) {
        List<UUID> deleted = jdbc.sql("SELECT id FROM webhooks WHERE deleted_at < ? ORDER BY deleted_at")
                .param(utc(deletedBefore)).query(UUID.class).list();
        int removed = 0;
        for (UUID webhook : deleted) {
            // The pending ones first, then the rest of its log; attempts go with their deliveries (cascade).
            removeAll("webhook_deliveries", "webhook_id = ? AND status = 'pending'", null, webhook);
            removeAll("webhook_deliveries", "webhook_id = ?", null, webhook);
            removed += transactions.execute(tx -> {
                jdbc.sql("DELETE FROM webhook_recoveries WHERE webhook_id = ?").param(webhook).update();
                // Only once its log is gone: never a cascade over what a chunk did not reach (the next run).
                return jdbc.sql("""
                        DELETE FROM webhooks WHERE id = ? AND deleted_at IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE webhook_id = ?)""")
                        .params(webhook, webhook).update();
            });
        }
        if (removed > 0) {
            log.info("Purged {} deleted webhook(s) and their delivery logs", removed);
        }
        return removed;
    }

    /** What {@link #expire} removed. */
    record Expired(int deliveries, int events, int recoveries) {

        boolean any() {
            return deliveries + events + recoveries > 0;
        }
    }

    /**
     * Removes the history created before {@code createdBefore}: the ended deliveries of every live webhook
     * with their attempts, then the events left without deliveries, then the ended recoveries.
     */
    Expired expire(Instant createdBefore) {
        OffsetDateTime before = utc(createdBefore);
        int deliveries = 0;
        for (UUID webhook : jdbc.sql("SELECT id FROM webhooks WHERE deleted_at IS NULL").query(UUID.class).list()) {
            for (String status : List.of("succeeded", "failed")) {
                // Through (webhook_id, status, created_at); attempts go with their deliveries (cascade). A delivery
                // replayed since ended later than it was created: it stays a whole period after its last outcome.
                deliveries += removeAll("webhook_deliveries", """
                        webhook_id = ? AND status = ? AND created_at < ? AND COALESCE(completed_at, created_at) < ?""",
                        "deliveries", webhook, status, before, before);
            }
        }
        int events = removeAll("webhook_events", """
                created_at < ?
                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)""",
                "events", before);
        int recoveries = jdbc.sql("DELETE FROM webhook_recoveries WHERE status <> 'running' AND created_at < ?")
                .param(before).update();
        count("recoveries", recoveries);
        return new Expired(deliveries, events, recoveries);
    }

    /**
     * Removes the rows of {@code table} that {@code where} (with {@code parameters}) selects, a chunk per
     * transaction, and counts each chunk under {@code metric} unless it is null; returns how many went. The
     * select locks its chunk, so a replay of a delivery in it waits for the chunk and then finds it gone; on
     * H2 the select waits for a replay under way and then no longer selects the replayed delivery.
     */
    private int removeAll(String table, String where, String metric, Object... parameters) {
        List<Object> selected = new ArrayList<>(List.of(parameters));
        selected.add(CHUNK);
        int total = 0;
        int removed;
        do {
            removed = transactions.execute(tx -> {
                List<UUID> ids = jdbc.sql("SELECT id FROM " + table + " WHERE " + where + " LIMIT ?" + lockRows)
                        .params(selected).query(UUID.class).list();
                return ids.isEmpty() ? 0
                        : jdbc.sql("DELETE FROM " + table + " WHERE id IN (:ids)").param("ids", ids).update();
            });
            if (metric != null) {
                count(metric, removed);
            }
            total += removed;
        } while (removed == CHUNK);
        return total;
    }

    private void count(String rows, int removed) {
        if (removed > 0) {
            expired(rows).increment(removed);
        }
    }

    private Counter expired(String rows) {
        return Counter.builder("notesync.webhook.history.expired").tag("rows", rows)
                .description("Webhook deliveries, events and recoveries removed after the retention period")
                .register(meters);
    }
}
