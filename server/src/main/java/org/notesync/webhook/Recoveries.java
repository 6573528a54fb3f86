package org.notesync.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import org.notesync.logging.LoggedErrors;
import org.notesync.web.Dates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import static org.notesync.webhook.JdbcDeliveryStore.instant;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

/**
 * {@code POST /webhooks/{uuid}/recover}: replays every failed delivery of a time window, in the background,
 * in chunks, recording progress on a recovery row the caller can poll. Only deliveries that had failed when
 * the recovery started are replayed, so one that fails again during it is not replayed twice.
 * {@code POST /webhooks/{uuid}/replay-missing} is a recovery of the other {@link Kind}: it sends the webhook
 * the note events of the window it never got ({@link MissingEvents}).
 *
 * <p>The node running a recovery holds its row as a lease, renewed in each chunk's transaction together
 * with the chunk's replays and count. A recovery outlives its node: every node looks every
 * {@code notesync.webhooks.recovery-interval} for running recoveries whose lease ran out (their node
 * stopped, died, or lost its database) and resumes them where they were. One taken over
 * {@value #MAX_TAKEOVERS} times ends {@code interrupted}: its failed deliveries stay in the failure queue.
 */
@Component
class Recoveries implements SchedulingConfigurer, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Recoveries.class);
    static final int CHUNK = 500;
    static final int MAX_TAKEOVERS = 10;

    /**
     * A recovery as the API shows it.
     *
     * @param kind  {@code failed} (recover: the failed deliveries) or {@code missing} (replay-missing: the events
     *              never sent to the webhook)
     * @param total what there was to replay when it started
     */
    @Schema(name = "WebhookRecovery")
    record Recovery(UUID uuid, UUID webhook, @Schema(allowableValues = {"failed", "missing"}) String kind,
            String since, String until, String status, int total, int replayed, String createdAt,
            @Nullable String completedAt) {
    }

    /** What a recovery replays. */
    enum Kind {
        /** The webhook's deliveries of the window that had failed when it started. */
        FAILED,
        /** The note events of the window the webhook never got a delivery of. */
        MISSING;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind of(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final WebhookDeliveries deliveries;
    private final MissingEvents missing;
    private final Webhooks webhooks;
    private final DeliveryWakeup wakeup;
    private final Clock clock;
    private final String node;
    private final Duration lease;
    private final Duration interval;
    /** The recoveries queued or running on this node: not taken over again here, given back when it stops. */
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "webhook-recoveries");
        thread.setDaemon(true);
        return thread;
    });

    Recoveries(JdbcClient jdbc, TransactionTemplate transactions, WebhookDeliveries deliveries, MissingEvents missing,
            Webhooks webhooks, DeliveryWakeup wakeup, Clock clock, WebhookConfiguration.NodeName node,
            WebhookProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.deliveries = deliveries;
        this.missing = missing;
        this.webhooks = webhooks;
        this.wakeup = wakeup;
        this.clock = clock;
        this.node = node.value();
        this.lease = properties.lease();
        this.interval = properties.recoveryInterval();
    }

    Recovery start(Webhooks.Webhook webhook, Kind kind, Instant since, Instant until) {
        Instant now = Dates.now(clock);
        UUID id = UUID.randomUUID();
        int total = kind == Kind.FAILED ? deliveries.countFailed(webhook.id(), since, until, now)
                : missing.count(webhook, since, until);
        jdbc.sql("""
                INSERT INTO webhook_recoveries (id, webhook_id, organization_id, kind, window_start, window_end,
                                                status, total, replayed, created_at, locked_by, locked_until)
                VALUES (?, ?, ?, ?, ?, ?, 'running', ?, 0, ?, ?, ?)""")
                .params(id, webhook.id(), webhook.organizationId(), kind.value(), utc(since), utc(until), total,
                        utc(now), node, utc(now.plus(lease))).update();
        held.add(id);
        background.execute(() -> run(id));
        return find(webhook.organizationId(), webhook.id(), id).orElseThrow();
    }

    Optional<Recovery> find(UUID organizationId, UUID webhookId, UUID id) {
        return jdbc.sql("SELECT * FROM webhook_recoveries WHERE id = ? AND webhook_id = ? AND organization_id = ?")
                .params(id, webhookId, organizationId).query(Recoveries::recovery).optional();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::scheduled, interval, interval));
    }

    private void scheduled() {
        try {
            resumeAbandoned();
        } catch (RuntimeException e) {
            log.warn("Looking for recoveries to resume failed; the next run looks again: {}",
                    LoggedErrors.summary(e));
        }
    }

    /**
     * Takes over every running recovery whose lease ran out and resumes it on this node; returns how many.
     * Taking one is a conditional update, so of two nodes looking at once only one gets it.
     */
    int resumeAbandoned() {
        Instant now = Dates.now(clock);
        List<UUID> abandoned = jdbc.sql("""
                SELECT id FROM webhook_recoveries
                WHERE status = 'running' AND (locked_until IS NULL OR locked_until < ?) ORDER BY created_at""")
                .param(utc(now)).query(UUID.class).list();
        int resumed = 0;
        for (UUID id : abandoned) {
            if (held.contains(id)) {
                continue; // queued here behind another recovery: its lease ran out while it waited
            }
            jdbc.sql("""
                    UPDATE webhook_recoveries SET status = 'interrupted', completed_at = ?, locked_by = NULL,
                                                  locked_until = NULL
                    WHERE id = ? AND status = 'running' AND (locked_until IS NULL OR locked_until < ?)
                      AND takeovers >= ?""").params(utc(now), id, utc(now), MAX_TAKEOVERS).update();
            int taken = jdbc.sql("""
                    UPDATE webhook_recoveries SET locked_by = ?, locked_until = ?, takeovers = takeovers + 1
                    WHERE id = ? AND status = 'running' AND (locked_until IS NULL OR locked_until < ?)""")
                    .params(node, utc(now.plus(lease)), id, utc(now)).update();
            if (taken == 1) {
                log.info("Resuming webhook recovery {}, whose node stopped", id);
                held.add(id);
                background.execute(() -> run(id));
                resumed++;
            }
        }
        return resumed;
    }

    /**
     * What a recovery replays: its kind, its window, and when it started (only deliveries failed by then are
     * replayed).
     */
    private record Window(UUID webhookId, Kind kind, Instant since, Instant until, Instant startedAt) {
    }

    /** Runs a recovery on the calling thread until it completes, pauses on an error, or its lease is lost. */
    void run(UUID id) {
        try {
            Optional<Window> window = jdbc.sql("SELECT webhook_id, kind, window_start, window_end, created_at"
                            + " FROM webhook_recoveries WHERE id = ?").param(id)
                    .query((rs, n) -> new Window(rs.getObject("webhook_id", UUID.class), Kind.of(rs.getString("kind")),
                            instant(rs, "window_start"), instant(rs, "window_end"), instant(rs, "created_at")))
                    .optional();
            Integer replayed = window.isEmpty() ? null : CHUNK; // none: its webhook was purged meanwhile
            while (replayed != null && replayed > 0 && !Thread.currentThread().isInterrupted()) {
                replayed = transactions.execute(tx -> chunk(id, window.get()));
            }
        } catch (RuntimeException e) {
            // The lease runs out and a node (this one too) resumes the recovery at a later look.
            log.warn("Webhook recovery {} paused, to be resumed once its lease runs out: {}", id,
                    LoggedErrors.summary(e));
        } finally {
            held.remove(id);
        }
    }

    /**
     * One chunk in one transaction: renews this node's lease (none left, as when another node took the
     * recovery over, ends the run), replays, counts, and completes the recovery after its last chunk.
     * Returns the deliveries replayed, or null when the lease was lost.
     */
    private Integer chunk(UUID id, Window window) {
        Instant now = Dates.now(clock);
        int renewed = jdbc.sql("""
                UPDATE webhook_recoveries SET locked_until = ?
                WHERE id = ? AND status = 'running' AND locked_by = ?""")
                .params(utc(now.plus(lease)), id, node).update();
        if (renewed == 0) {
            return null;
        }
        int replayed = switch (window.kind()) {
            case FAILED -> deliveries.replayFailed(window.webhookId(), window.since(), window.until(),
                    window.startedAt(), CHUNK);
            // Its webhook as it is now (its events, owner); a deleted one has nothing left to send.
            case MISSING -> webhooks.live(window.webhookId())
                    .map(webhook -> missing.replay(webhook, window.since(), window.until(), CHUNK)).orElse(0);
        };
        if (replayed > 0) {
            jdbc.sql("UPDATE webhook_recoveries SET replayed = replayed + ? WHERE id = ?").params(replayed, id).update();
            wakeup.afterCommit();
        }
        // Only a chunk that found nothing left ends it: one that replayed fewer than it picked (a row
        // retried, removed by the retention or a purge while the chunk waited for it) may have more after it.
        if (replayed == 0) {
            jdbc.sql("""
                    UPDATE webhook_recoveries SET status = 'completed', completed_at = ?, locked_by = NULL,
                                                  locked_until = NULL
                    WHERE id = ?""").params(utc(Dates.now(clock)), id).update();
        }
        return replayed;
    }

    /**
     * Stops this node's recoveries after their chunk in progress and gives their leases back, so that another
     * node resumes them at its next look. A chunk still running holds the row's lock, so the give-back waits
     * for its commit; with the lease gone, that run's next chunk stops.
     */
    @Override
    public void destroy() throws InterruptedException {
        boolean holding = !held.isEmpty();
        background.shutdownNow();
        background.awaitTermination(5, TimeUnit.SECONDS);
        if (holding) {
            try {
                giveBack();
            } catch (RuntimeException e) {
                log.warn("Could not give back this node's recovery leases; they run out on their own: {}",
                        LoggedErrors.summary(e));
            }
        }
    }

    /** Clears this node's leases on running recoveries, so that the next look on any node resumes them. */
    int giveBack() {
        return jdbc.sql("""
                UPDATE webhook_recoveries SET locked_by = NULL, locked_until = NULL
                WHERE status = 'running' AND locked_by = ?""").param(node).update();
    }

    private static Recovery recovery(ResultSet rs, int row) throws SQLException {
        return new Recovery(rs.getObject("id", UUID.class), rs.getObject("webhook_id", UUID.class),
                rs.getString("kind"), Dates.format(instant(rs, "window_start")), Dates.format(instant(rs, "window_end")),
                rs.getString("status"), rs.getInt("total"), rs.getInt("replayed"),
                Dates.format(instant(rs, "created_at")), Dates.format(instant(rs, "completed_at")));
    }
}
