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
import org.notesync.identity.Accounts;
import org.notesync.identity.Viewer;
import org.notesync.patient.PatientUpdates;
import org.notesync.support.HeldTransaction;
import org.notesync.support.Http;
import org.notesync.support.LockWaits;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

@OnPostgres
class WebhookDeliveryPostgresIT extends WebhookDeliveryContract {

    @Autowired
    Webhooks webhooks;

    @Autowired
    MissingEvents missingEvents;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @Autowired
    javax.sql.DataSource dataSource;

    /**
     * A note written while its patient changes hands is judged on the patient as the change left it: the create
     * waits for the change's commit (the change's advisory lock, PatientChanges) before it reads its patient, and
     * then finds the patient private to another clinician, so the old one may not write about it, and nothing
     * leaves by either webhook. (A change begun after the create read its patient: NotesPostgresIT.) PostgreSQL
     * only: H2 has no advisory nor shared row lock, so on H2 the two are not ordered (a development database).
     */
    @Test
    void aNoteCreatedWhileItsPatientChangesHandsWaitsForTheChangeAndIsJudgedAfterIt() throws Exception {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Grace", "Hopper");
        JsonNode owners = webhook(t.clinicianApi(port), receiver.url(), "new_note");
        JsonNode colleagues = webhook(t.clinicianApi(port, colleague), receiver.url(), "new_note");
        NoteFixture.Patient patient = notes.patient(t, "private", t.clinician().id());
        org.notesync.identity.Viewer owner = new org.notesync.identity.Viewer(t.organization().id(),
                t.clinician().id(), "test", java.util.Set.of());
        java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Boolean> handing = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> transactions.execute(tx -> {
                    boolean seen = org.notesync.patient.PatientUpdates.handTo(context, owner, patient.id(),
                            colleague.id());
                    changed.countDown();
                    try {
                        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return seen;
                }));
        assertThat(changed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<Http.Response> create = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> t.clinicianApi(port).post("/notes", Map.of("patient", patient.id().toString(),
                        "type", "memo", "content", "written as the patient changed hands")));
        await().atMost(WAIT).until(() -> jdbc.sql("""
                SELECT COUNT(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'""").query(Long.class).single() > 0);
        assertThat(create).as("the create waits for the change").isNotDone();
        release.countDown();
        assertThat(handing.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Http.Response refused = create.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE patient_id = ?").param(patient.id()).query(Long.class)
                .single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id IN (?, ?)")
                .params(UUID.fromString(owners.get("uuid").asString()), UUID.fromString(colleagues.get("uuid")
                        .asString())).query(Long.class).single()).isZero();
    }

    /**
     * A PATCH writes only what it changes. It read the webhook, then wrote back every property as it read them, so
     * that a change committed in between, on any node, was undone: here the engine disabling the webhook after a
     * 410 Gone while a PATCH of its URL waited for the row, which then turned it active again with no reason shown.
     * PostgreSQL: the PATCH's update waits for the row the engine's transaction holds.
     */
    @Test
    void aPatchOfTheUrlKeepsTheWebhookDisabledByTheEngineMeanwhile() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID id = UUID.fromString(webhook(api, "http://127.0.0.1:9/hook", "new_note").get("uuid").asString());
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (HeldTransaction disabling = HeldTransaction.begin(transactions, () -> jdbc.sql("""
                UPDATE webhooks SET active = FALSE, disabled_reason = 'The endpoint answered 410 Gone.'
                WHERE id = ? AND active = TRUE""").param(id).update())) {
            Future<Http.Response> patch = threads.submit(() -> api.patch("/webhooks/" + id,
                    Map.of("url", "http://127.0.0.1:9/other")));
            await().atMost(WAIT).until(() -> LockWaits.waiting(jdbc, dataSource, "UPDATE webhooks"));
            disabling.commit();
            Http.Response patched = patch.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        } finally {
            threads.shutdownNow();
        }
        JsonNode webhook = api.get("/webhooks/" + id, "application/json").json();
        assertThat(webhook.get("url").asString()).isEqualTo("http://127.0.0.1:9/other");
        assertThat(webhook.get("active").asBoolean()).as("still disabled").isFalse();
        assertThat(webhook.get("disabledReason").asString()).isEqualTo("The endpoint answered 410 Gone.");
    }

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
     * A replay of missing events holds its webhook for its transaction, so that a second replay of it waits and
     * then finds nothing left to send; but a note created meanwhile, whose delivery to that webhook takes the
     * foreign key's lock on it, is not held up (it would wait with the feed's lock, and every create with it).
     */
    @Test
    void aReplayInProgressHoldsUpNoCreateAndASecondReplayOfTheWebhookWaitsForIt() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        NoteFixture.Patient patient = notes.patient(t);
        notes.note(t, patient, "written before the webhook");
        UUID id = UUID.fromString(webhook(api, receiver.url(), "new_note").get("uuid").asString());
        Webhooks.Webhook webhook = webhooks.find(new Viewer(t.organization().id(), null, "test", Set.of()), id)
                .orElseThrow();
        Instant since = clock.instant().minusSeconds(3600);
        Instant until = clock.instant().plusSeconds(3600);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (HeldTransaction replaying = HeldTransaction.begin(transactions,
                () -> assertThat(missingEvents.replay(webhook, since, until, 500)).isEqualTo(1))) {
            Future<Http.Response> create = threads.submit(() -> api.post("/notes", Map.of(
                    "patient", patient.id().toString(), "user", t.clinician().id().toString(),
                    "type", "consultation_summary", "content", "written during the replay")));
            Http.Response created = create.get(10, TimeUnit.SECONDS);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);

            Future<Integer> second = threads.submit(() -> transactions.execute(
                    tx -> missingEvents.replay(webhook, since, until, 500)));
            await().atMost(WAIT).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event = 'advisory'""").query(Long.class).single() > 0);
            replaying.commit();
            assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("nothing left once the first committed")
                    .isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Creates for patients whose rows other transactions hold (their change of hands, which sends their notes to
     * the webhooks that may now receive them) wait for them in their own threads: not in the group commit's two
     * writers, nor with the feed's lock, so creates for other patients go on meanwhile.
     */
    @Test
    void createsWaitingForPatientsChangingHandsHoldUpNoOtherCreate() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        NoteFixture.Patient first = notes.patient(t);
        NoteFixture.Patient second = notes.patient(t);
        NoteFixture.Patient other = notes.patient(t);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (HeldTransaction handing = HeldTransaction.begin(transactions, () -> {
            for (NoteFixture.Patient p : List.of(first, second)) {
                assertThat(PatientUpdates.lockForChange(context, t.organization().id(), p.id())).isTrue();
            }
        })) {
            List<Future<Http.Response>> waiting = List.of(first, second).stream().map(p -> threads.submit(
                    () -> api.post("/notes", Map.of("patient", p.id().toString(), "user", t.clinician().id().toString(),
                            "type", "consultation_summary", "content", "for a patient changing hands")))).toList();
            await().atMost(WAIT).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'""").query(Long.class).single() >= 2);
            Http.Response meanwhile = threads.submit(() -> api.post("/notes", Map.of(
                    "patient", other.id().toString(), "user", t.clinician().id().toString(),
                    "type", "consultation_summary", "content", "for another patient"))).get(10, TimeUnit.SECONDS);
            assertThat(meanwhile.status()).as(meanwhile.toString()).isEqualTo(201);
            assertThat(waiting).noneMatch(Future::isDone);
            handing.commit();
            for (Future<Http.Response> created : waiting) {
                assertThat(created.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(201);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** A create racing its patient's deletion is refused once the deletion commits, never written for it. */
    @Test
    void aCreateRacingItsPatientsDeletionIsRefused() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        NoteFixture.Patient patient = notes.patient(t);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (HeldTransaction deleting = HeldTransaction.begin(transactions, () -> {
            assertThat(PatientUpdates.lockForChange(context, t.organization().id(), patient.id())).isTrue();
            jdbc.sql("UPDATE patients SET deleted_at = CURRENT_TIMESTAMP WHERE id = ?").param(patient.id()).update();
        })) {
            Future<Http.Response> create = threads.submit(() -> api.post("/notes", Map.of(
                    "patient", patient.id().toString(), "user", t.clinician().id().toString(),
                    "type", "consultation_summary", "content", "for a patient being deleted")));
            await().atMost(WAIT).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'""").query(Long.class).single() > 0);
            deleting.commit();
            Http.Response refused = create.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        } finally {
            threads.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE patient_id = ?").param(patient.id()).query(Long.class)
                .single()).isZero();
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
