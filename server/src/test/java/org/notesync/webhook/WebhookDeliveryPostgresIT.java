package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.notesync.webhook.JdbcDeliveryStore.utc;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.notesync.identity.Viewer;
import org.notesync.support.Http;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

@OnPostgres
class WebhookDeliveryPostgresIT extends WebhookDeliveryContract {

    @Autowired
    Webhooks webhooks;

    @Autowired
    TransactionTemplate transactions;

    /**
     * Writing a note's deliveries checks their webhook's row (foreign key). When a delete removed that row
     * and its whole log in one statement, the note, and every API create sharing its transaction, waited
     * for the delete's commit. PostgreSQL only: H2's foreign-key check takes no row lock, so it never waited.
     */
    @Test
    void aNoteIsCreatedWhileADeleteOfItsOrganizationsWebhookIsUncommitted() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String patient = "/patients/" + notes.patient(t).id();
        UUID id = UUID.fromString(webhook(api, "http://127.0.0.1:9/hook", "new_note").get("uuid").asString());
        CountDownLatch deleted = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> deleting = threads.submit(() -> transactions.executeWithoutResult(tx -> {
                assertThat(webhooks.delete(new Viewer(t.organization().id(), null, "test", Set.of()), id)).isTrue();
                deleted.countDown();
                try {
                    commit.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(deleted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Future<Http.Response> creating = threads.submit(() -> api.post("/notes", Map.of("patient", patient,
                    "user", t.clinician().id().toString(), "type", "consultation_summary", "content", "meanwhile")));
            Http.Response created = creating.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            commit.countDown();
            deleting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            commit.countDown();
            threads.shutdownNow();
        }
        assertThat(api.get("/webhooks/" + id).status()).isEqualTo(404);
        assertThat(api.get("/webhook-deliveries", "application/json").json()).as("nothing of it is shown").isEmpty();
    }

    /**
     * A chunk of a recovery that replays fewer deliveries than it picked, because one of them went while the
     * chunk waited for its lock (the retention, a deleted webhook's purge), is not the last one: the rest of
     * the window is still replayed. PostgreSQL only: the chunk's update waits there on the row's lock.
     */
    @Test
    void aRecoveryGoesOnAfterAChunkLosesARowWhileItWaited() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID webhook = UUID.fromString(webhook(api, "http://127.0.0.1:9/hook", "new_note").get("uuid").asString());
        UUID note = notes.note(t, notes.patient(t), "an event for the rows below").uuid();
        // Inactive, the replayed deliveries fail at once without a request, and are not replayed again.
        assertThat(api.patch("/webhooks/" + webhook, Map.of("active", false)).status()).isEqualTo(200);
        UUID event = jdbc.sql("SELECT id FROM webhook_events WHERE event_id = ?").param(note).query(UUID.class)
                .single();
        jdbc.sql("DELETE FROM webhook_deliveries WHERE webhook_id = ?").param(webhook).update();
        Instant now = clock.instant();
        int rows = Recoveries.CHUNK + 3;
        UUID oldest = null;
        for (int i = 0; i < rows; i++) {
            UUID id = UUID.randomUUID();
            oldest = oldest == null ? id : oldest;
            jdbc.sql("""
                    INSERT INTO webhook_deliveries (id, webhook_id, organization_id, event_id, status, attempts,
                                                    created_at, completed_at, replays)
                    VALUES (?, ?, ?, ?, 'failed', 4, ?, ?, 0)""")
                    .params(id, webhook, t.organization().id(), event, utc(now.minusSeconds(600 - i)),
                            utc(now.minusSeconds(10))).update();
        }
        UUID recovery = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO webhook_recoveries (id, webhook_id, organization_id, window_start, window_end, status,
                                                total, replayed, created_at, locked_by, locked_until)
                VALUES (?, ?, ?, ?, ?, 'running', ?, 0, ?, ?, ?)""")
                .params(recovery, webhook, t.organization().id(), utc(now.minusSeconds(3600)), utc(now), rows,
                        utc(now), node.value(), utc(now.plusSeconds(30))).update();
        UUID gone = oldest;
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch delete = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> removing = threads.submit(() -> transactions.executeWithoutResult(tx -> {
                jdbc.sql("SELECT id FROM webhook_deliveries WHERE id = ? FOR UPDATE").param(gone).query(UUID.class)
                        .single();
                locked.countDown();
                try {
                    delete.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                jdbc.sql("DELETE FROM webhook_deliveries WHERE id = ?").param(gone).update();
            }));
            assertThat(locked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Future<?> running = threads.submit(() -> recoveries.run(recovery));
            await().atMost(WAIT).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'""").query(Long.class).single() > 0);
            delete.countDown();
            removing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            running.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            delete.countDown();
            threads.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT status, replayed FROM webhook_recoveries WHERE id = ?").param(recovery)
                .query((rs, n) -> rs.getString(1) + " " + rs.getInt(2)).single()).isEqualTo("completed " + (rows - 1));
        assertThat(jdbc.sql("SELECT replays FROM webhook_deliveries WHERE webhook_id = ?").param(webhook)
                .query(Integer.class).list()).hasSize(rows - 1).containsOnly(1);
    }
}
