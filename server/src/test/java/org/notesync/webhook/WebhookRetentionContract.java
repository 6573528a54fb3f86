package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.note.Note;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.SettableClock;
import org.notesync.support.Tenants;
import org.notesync.web.Databases;
import org.notesync.web.Dates;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.transaction.support.TransactionTemplate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The delivery history's retention ({@link WebhookPurge#expire}): what is older than the retention period
 * and has ended goes, with its attempts and the events left without deliveries; what is still pending, and
 * every note, stays. Rows are made old by moving their creation time back, since the server's clock only
 * moves forward.
 */
@ServerTest
abstract class WebhookRetentionContract {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final Duration RETENTION = Duration.ofDays(90);

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    NoteFixture notes;

    @Autowired
    SettableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebhookPurge purge;

    @Autowired
    ThreadPoolTaskScheduler scheduler;

    @Autowired
    DataSource dataSource;

    @Autowired
    ScheduledTaskHolder registrar;

    private final Receiver receiver = new Receiver();
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() {
        // What a test made old it removes, pending or not, so that no other test's removal counts it.
        OffsetDateTime old = utc(clock.instant().minus(RETENTION));
        jdbc.sql("DELETE FROM webhook_deliveries WHERE created_at < ?").param(old).update();
        jdbc.sql("DELETE FROM webhook_events WHERE created_at < ?").param(old).update();
        jdbc.sql("DELETE FROM webhook_recoveries WHERE created_at < ?").param(old).update();
        cleanup.forEach(Runnable::run);
        receiver.close();
        clock.reset();
    }

    @Test
    void endedHistoryOlderThanTheRetentionGoesAndWhatIsPendingOrRecentStays() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String first = webhook(api);
        String second = webhook(api);
        NoteFixture.Patient patient = notes.patient(t);
        Note succeeded = delivered(t, patient, "old, delivered to both");
        Note failed = delivered(t, patient, "old, failed at both");
        Note halfPending = delivered(t, patient, "old, pending at the first webhook");
        Note recent = delivered(t, patient, "recent, delivered to both");
        Instant old = clock.instant().minus(RETENTION).minus(Duration.ofDays(1));
        for (Note note : List.of(succeeded, failed, halfPending)) {
            makeOld(note, old);
        }
        jdbc.sql("UPDATE webhook_deliveries SET status = 'failed' WHERE event_id = ?").param(eventRow(failed))
                .update();
        jdbc.sql("""
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, completed_at = NULL
                WHERE event_id = ? AND webhook_id = ?""")
                .params(utc(clock.instant().plus(Duration.ofDays(1))), eventRow(halfPending), UUID.fromString(first))
                .update();
        UUID endedRecovery = recovery(first, "completed", old);
        UUID runningRecovery = recovery(first, "running", old);
        UUID recentRecovery = recovery(first, "completed", clock.instant());
        double expiredBefore = expiredCount("deliveries");

        WebhookPurge.Expired expired = purge.expire(clock.instant().minus(RETENTION));

        assertThat(deliveries(succeeded)).as("ended and old: gone").isEmpty();
        assertThat(deliveries(failed)).as("failed and old: gone from the failure queue").isEmpty();
        assertThat(deliveries(halfPending)).as("only the pending one stays").containsExactly(first + " pending");
        assertThat(deliveries(recent)).hasSize(2);
        assertThat(events(succeeded)).isZero();
        assertThat(events(failed)).isZero();
        assertThat(events(halfPending)).as("a pending delivery keeps its event").isOne();
        assertThat(events(recent)).isOne();
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM webhook_attempts a
                WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = a.delivery_id)""")
                .query(Long.class).single()).as("attempts go with their deliveries").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                + " WHERE d.event_id = ?").param(eventRow(recent)).query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT id FROM webhook_recoveries WHERE webhook_id = ?").param(UUID.fromString(first))
                .query(UUID.class).list()).containsExactlyInAnyOrder(runningRecovery, recentRecovery)
                .doesNotContain(endedRecovery);
        assertThat(expired).isEqualTo(new WebhookPurge.Expired(5, 2, 1));
        assertThat(expiredCount("deliveries") - expiredBefore).isEqualTo(5);

        // What the API shows follows; the notes themselves are never part of the delivery history.
        JsonNode log = api.get("/webhooks/" + second + "/deliveries", "application/json").json();
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("eventId").asString()).isEqualTo(recent.uuid().toString());
        assertThat(api.get("/webhook-deliveries?status=failed", "application/json").json()).isEmpty();
        for (Note note : List.of(succeeded, failed, halfPending, recent)) {
            assertThat(api.get("/notes/" + note.uuid()).status()).isEqualTo(200);
        }

        assertThat(purge.expire(clock.instant().minus(RETENTION))).as("nothing left to remove")
                .isEqualTo(new WebhookPurge.Expired(0, 0, 0));
    }

    @Test
    void aDeliveryReplayedLateInItsPeriodStaysAWholePeriodAfterItsNewOutcome() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String webhook = webhook(api);
        NoteFixture.Patient patient = notes.patient(t);
        Note replayed = delivered(t, patient, "old, replayed yesterday");
        Note notReplayed = delivered(t, patient, "old, ended as old");
        Instant created = clock.instant().minus(RETENTION).minus(Duration.ofDays(10));
        makeOld(replayed, created);
        makeOld(notReplayed, created);
        jdbc.sql("UPDATE webhook_deliveries SET completed_at = ? WHERE event_id = ?")
                .params(utc(clock.instant().minus(Duration.ofDays(1))), eventRow(replayed)).update();

        purge.expire(clock.instant().minus(RETENTION));
        assertThat(deliveries(replayed)).as("its last outcome is a day old").containsExactly(webhook + " succeeded");
        assertThat(events(replayed)).as("its delivery keeps the event").isOne();
        assertThat(deliveries(notReplayed)).isEmpty();
        assertThat(events(notReplayed)).isZero();

        // A period after that outcome it goes like any other.
        jdbc.sql("UPDATE webhook_deliveries SET completed_at = ? WHERE event_id = ?")
                .params(utc(clock.instant().minus(RETENTION).minus(Duration.ofDays(1))), eventRow(replayed)).update();
        purge.expire(clock.instant().minus(RETENTION));
        assertThat(deliveries(replayed)).isEmpty();
        assertThat(events(replayed)).isZero();
    }

    @Test
    void aLongHistoryGoesChunkAfterChunk() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID webhook = UUID.fromString(webhook(api));
        Note note = delivered(t, notes.patient(t), "an event for the rows below");
        UUID event = eventRow(note);
        Instant old = clock.instant().minus(RETENTION).minus(Duration.ofDays(1));
        int rows = WebhookPurge.CHUNK * 2 + 7;
        for (int i = 0; i < rows; i++) {
            UUID delivery = UUID.randomUUID();
            jdbc.sql("""
                    INSERT INTO webhook_deliveries (id, webhook_id, organization_id, event_id, status, attempts,
                                                    created_at, completed_at, replays)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, 0)""")
                    .params(delivery, webhook, t.organization().id(), event, i % 2 == 0 ? "succeeded" : "failed",
                            utc(old), utc(old)).update();
            jdbc.sql("""
                    INSERT INTO webhook_attempts (id, delivery_id, request_id, attempted_at, duration_ms, batch_size,
                                                  node_id)
                    VALUES (?, ?, 'msg_test', ?, 1, 1, 'test')""").params(UUID.randomUUID(), delivery, utc(old))
                    .update();
        }
        makeOld(note, old);

        WebhookPurge.Expired expired = purge.expire(clock.instant().minus(RETENTION));

        assertThat(expired.deliveries()).isEqualTo(rows + 1);
        assertThat(expired.events()).isOne();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?").param(webhook)
                .query(Long.class).single()).isZero();
        assertThat(events(note)).isZero();
    }

    /**
     * A failed delivery replayed while the retention removes its neighbours stays: on PostgreSQL the chunk
     * skips the row the replay holds, on H2 it waits for the replay's commit and then sees it pending.
     */
    @Test
    void aFailedDeliveryReplayedMeanwhileStays() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID webhook = UUID.fromString(webhook(api));
        NoteFixture.Patient patient = notes.patient(t);
        Note replayed = delivered(t, patient, "old, failed, replayed meanwhile");
        Note left = delivered(t, patient, "old, failed, left in the queue");
        Instant old = clock.instant().minus(RETENTION).minus(Duration.ofDays(1));
        for (Note note : List.of(replayed, left)) {
            makeOld(note, old);
            jdbc.sql("UPDATE webhook_deliveries SET status = 'failed' WHERE event_id = ?").param(eventRow(note))
                    .update();
        }
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> replay = threads.submit(() -> transactions.executeWithoutResult(tx -> {
                jdbc.sql("""
                        UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, completed_at = NULL
                        WHERE event_id = ?""").params(utc(clock.instant().plus(Duration.ofDays(1))),
                        eventRow(replayed)).update();
                locked.countDown();
                awaitLatch(commit);
            }));
            assertThat(locked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Future<WebhookPurge.Expired> expiring = threads.submit(() -> purge.expire(
                    clock.instant().minus(RETENTION)));
            if (Databases.isPostgres(dataSource)) {
                // The locked row is skipped: the removal ends while the replay is still uncommitted.
                assertThat(expiring.get(WAIT.toSeconds(), TimeUnit.SECONDS).deliveries()).isOne();
                commit.countDown();
            } else {
                // H2 has no SKIP LOCKED: the chunk waits for the replay's row, then no longer sees it as ended.
                await().atMost(WAIT).until(() -> jdbc.sql("""
                        SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL""")
                        .query(Long.class).single() > 0);
                assertThat(expiring).isNotDone();
                commit.countDown();
                assertThat(expiring.get(WAIT.toSeconds(), TimeUnit.SECONDS).deliveries()).isOne();
            }
            replay.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            commit.countDown();
            threads.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT status FROM webhook_deliveries WHERE webhook_id = ?").param(webhook)
                .query(String.class).list()).containsExactly("pending");
        assertThat(events(replayed)).isOne();
        assertThat(events(left)).isZero();
    }

    /** Each scheduled task has a thread, so the retention's long first run after an upgrade delays no other. */
    @Test
    void theSchedulerHasAThreadForEachScheduledTask() {
        assertThat(scheduler.getPoolSize()).isGreaterThanOrEqualTo(registrar.getScheduledTasks().size())
                .isGreaterThanOrEqualTo(4);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String webhook(Http api) {
        Http.Response created = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note"),
                "active", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("uuid").asString();
        cleanup.add(() -> api.delete("/webhooks/" + id));
        return id;
    }

    /** A note whose deliveries have all succeeded. */
    private Note delivered(Tenants.Tenant t, NoteFixture.Patient patient, String content) {
        Note note = notes.note(t, patient, content);
        await().atMost(WAIT).until(() -> jdbc.sql("""
                SELECT COUNT(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE e.event_id = ? AND d.status <> 'succeeded'""").param(note.uuid()).query(Long.class).single()
                == 0 && events(note) == 1);
        return note;
    }

    private void makeOld(Note note, Instant at) {
        UUID event = eventRow(note);
        jdbc.sql("UPDATE webhook_events SET created_at = ? WHERE id = ?").params(utc(at), event).update();
        jdbc.sql("UPDATE webhook_deliveries SET created_at = ?, completed_at = ? WHERE event_id = ?")
                .params(utc(at), utc(at), event).update();
    }

    private UUID eventRow(Note note) {
        return jdbc.sql("SELECT id FROM webhook_events WHERE event_id = ?").param(note.uuid()).query(UUID.class)
                .single();
    }

    private long events(Note note) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE event_id = ?").param(note.uuid())
                .query(Long.class).single();
    }

    /** "webhook status" of each of the note's deliveries. */
    private List<String> deliveries(Note note) {
        return jdbc.sql("""
                SELECT d.webhook_id, d.status FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                WHERE e.event_id = ?""").param(note.uuid())
                .query((rs, row) -> rs.getString(1) + " " + rs.getString(2)).list();
    }

    private UUID recovery(String webhook, String status, Instant createdAt) {
        UUID id = UUID.randomUUID();
        UUID organization = jdbc.sql("SELECT organization_id FROM webhooks WHERE id = ?")
                .param(UUID.fromString(webhook)).query(UUID.class).single();
        jdbc.sql("""
                INSERT INTO webhook_recoveries (id, webhook_id, organization_id, window_start, window_end, status,
                                                total, replayed, created_at, locked_by, locked_until)
                VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)""")
                .params(id, UUID.fromString(webhook), organization, utc(createdAt), utc(createdAt), status,
                        utc(createdAt), "running".equals(status) ? "elsewhere" : null,
                        "running".equals(status) ? utc(Dates.now(clock).plus(Duration.ofHours(1))) : null)
                .update();
        return id;
    }

    @Test
    void theExpiryCountersExistAtZeroBeforeAnythingExpires(@Autowired WebhookProperties properties) {
        SimpleMeterRegistry fresh = new SimpleMeterRegistry();
        new WebhookPurge(jdbc, transactions, clock, properties, dataSource, fresh);
        for (String rows : List.of("deliveries", "events", "recoveries")) {
            Counter counter = fresh.find("notesync.webhook.history.expired").tag("rows", rows).counter();
            assertThat(counter).as(rows + ": there for an alert on its absence").isNotNull();
            assertThat(counter.count()).isZero();
        }
    }

    private double expiredCount(String rows) {
        Counter counter = meters.find("notesync.webhook.history.expired").tag("rows", rows).counter();
        return counter == null ? 0 : counter.count();
    }
}
