package org.notesync.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.notesync.logging.LoggedErrors;
import org.notesync.web.Dates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static org.notesync.webhook.JdbcDeliveryStore.instant;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

/**
 * {@code POST /webhooks/{uuid}/recover}: replays every failed delivery of a time window, in the background,
 * in chunks, recording progress on a recovery row the caller can poll. Only deliveries that had failed when
 * the recovery started are replayed, so one that fails again during it is not replayed twice.
 */
@Component
class Recoveries implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Recoveries.class);
    private static final int CHUNK = 500;

    record Recovery(UUID uuid, UUID webhook, String since, String until, String status, int total, int replayed,
            String createdAt, String completedAt) {
    }

    private final JdbcClient jdbc;
    private final WebhookDeliveries deliveries;
    private final DeliveryWakeup wakeup;
    private final Clock clock;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "webhook-recoveries");
        thread.setDaemon(true);
        return thread;
    });

    Recoveries(JdbcClient jdbc, WebhookDeliveries deliveries, DeliveryWakeup wakeup, Clock clock) {
        this.jdbc = jdbc;
        this.deliveries = deliveries;
        this.wakeup = wakeup;
        this.clock = clock;
    }

    Recovery start(UUID organizationId, UUID webhookId, Instant since, Instant until) {
        Instant now = Dates.now(clock);
        UUID id = UUID.randomUUID();
        int total = deliveries.countFailed(webhookId, since, until, now);
        jdbc.sql("""
                INSERT INTO webhook_recoveries (id, webhook_id, organization_id, window_start, window_end, status,
                                                total, replayed, created_at)
                VALUES (?, ?, ?, ?, ?, 'running', ?, 0, ?)""")
                .params(id, webhookId, organizationId, utc(since), utc(until), total, utc(now)).update();
        background.execute(() -> run(id, webhookId, since, until, now));
        return find(organizationId, webhookId, id).orElseThrow();
    }

    Optional<Recovery> find(UUID organizationId, UUID webhookId, UUID id) {
        return jdbc.sql("SELECT * FROM webhook_recoveries WHERE id = ? AND webhook_id = ? AND organization_id = ?")
                .params(id, webhookId, organizationId).query(Recoveries::recovery).optional();
    }

    private void run(UUID id, UUID webhookId, Instant since, Instant until, Instant startedAt) {
        try {
            int replayed;
            do {
                replayed = deliveries.replayFailed(webhookId, since, until, startedAt, CHUNK);
                if (replayed > 0) {
                    jdbc.sql("UPDATE webhook_recoveries SET replayed = replayed + ? WHERE id = ?")
                            .params(replayed, id).update();
                    wakeup.now();
                }
            } while (replayed == CHUNK);
            jdbc.sql("UPDATE webhook_recoveries SET status = 'completed', completed_at = ? WHERE id = ?")
                    .params(utc(Dates.now(clock)), id).update();
        } catch (RuntimeException e) {
            log.warn("Webhook recovery {} stopped: {}", id, LoggedErrors.summary(e));
            jdbc.sql("UPDATE webhook_recoveries SET status = 'interrupted', completed_at = ? WHERE id = ?")
                    .params(utc(Dates.now(clock)), id).update();
        }
    }

    @Override
    public void destroy() {
        background.shutdownNow();
    }

    private static Recovery recovery(ResultSet rs, int row) throws SQLException {
        return new Recovery(rs.getObject("id", UUID.class), rs.getObject("webhook_id", UUID.class),
                Dates.format(instant(rs, "window_start")), Dates.format(instant(rs, "window_end")),
                rs.getString("status"), rs.getInt("total"), rs.getInt("replayed"),
                Dates.format(instant(rs, "created_at")), Dates.format(instant(rs, "completed_at")));
    }
}
