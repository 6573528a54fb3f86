package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
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
                assertThat(webhooks.delete(t.organization().id(), id)).isTrue();
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
}
