package org.notesync.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

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
 * Removes deleted webhooks ({@link Webhooks#delete}) once they have been deleted for longer than a
 * delivery lease: by then no request to them is in flight, and no transaction that saw them active is
 * still writing. Their deliveries go a chunk per transaction (the pending ones first, which claims would
 * otherwise keep stepping over), each with its attempts, then their recoveries and their row. Short
 * transactions keep a long history from holding locks that the delivery engine or the notes' writes would
 * wait for.
 *
 * <p>Every node runs it every {@code notesync.webhooks.purge-interval}; on PostgreSQL two nodes skip each
 * other's chunks. The events stay: an event row is shared by the deliveries of every webhook it went to,
 * and nothing yet removes old events (no retention).
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
    private final String skipLocked;

    WebhookPurge(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, WebhookProperties properties,
            DataSource dataSource) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.properties = properties;
        this.skipLocked = Databases.isPostgres(dataSource) ? " FOR UPDATE SKIP LOCKED" : "";
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        Duration interval = properties.purgeInterval();
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, interval, interval));
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
            while (purgeChunk(webhook, " AND status = 'pending'") > 0) {
                // the pending ones first
            }
            while (purgeChunk(webhook, "") > 0) {
                // then the rest of its log
            }
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

    private int purgeChunk(UUID webhook, String condition) {
        return transactions.execute(tx -> {
            List<UUID> chunk = jdbc.sql("SELECT id FROM webhook_deliveries WHERE webhook_id = ?" + condition
                    + " LIMIT ?" + skipLocked).params(webhook, CHUNK).query(UUID.class).list();
            if (chunk.isEmpty()) {
                return 0;
            }
            jdbc.sql("DELETE FROM webhook_attempts WHERE delivery_id IN (:ids)").param("ids", chunk).update();
            jdbc.sql("DELETE FROM webhook_deliveries WHERE id IN (:ids)").param("ids", chunk).update();
            return chunk.size();
        });
    }
}
