package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole path: the SDK registers a webhook on the real server, the server's delivery engine signs and
 * posts note events to a receiver on loopback, and the SDK's {@link NoteInbox} verifies and imports them.
 */
@ServerTest
abstract class SdkWebhookInboxContract {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    HttpServer receiver;
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger requests = new AtomicInteger();
    volatile HttpHandler handler = exchange -> {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
    };
    final List<Note> imported = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/notesync/webhook", exchange -> {
            requests.incrementAndGet();
            if (down.get()) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            handler.handle(exchange);
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void notesWrittenOnTheServerArriveSignedAndAreImportedOncePerVersion() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Webhook webhook = client.webhooks().create(WebhookInput.create().url(receiverUrl())
                .events("new_note", "updated_note"));
        assertThat(webhook.secret()).startsWith("whsec_");
        assertThat(webhook.active()).isTrue();
        assertThat(client.webhooks().get(webhook.uuid()).secret()).as("shown once").isNull();

        try (NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(webhook.secret()).client(client)
                .build()) {
            handler = inbox.webhookHandler();
            Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
            Note note = SdkResourcesContract.writeNote(client, tenant, patient.uuid(), "Patient presents with...");

            await(() -> imported.size() == 1, "the new_note import");
            assertThat(imported.get(0).uuid()).isEqualTo(note.uuid());
            assertThat(imported.get(0).content()).isEqualTo("Patient presents with...");
            assertThat(imported.get(0).patient().uuid()).isEqualTo(patient.uuid());

            client.notes().update(note.uuid(), NoteInput.create().content("Corrected."));
            await(() -> imported.size() == 2, "the updated_note import");
            assertThat(imported.get(1).content()).isEqualTo("Corrected.");

            // Sent again by the server (a replay), the older version is not imported again, even within the
            // same second of updatedAt as the update.
            Delivery first = client.deliveries().list(DeliveryQuery.create().webhook(webhook.uuid())
                    .eventId(note.uuid())).stream().findFirst().orElseThrow();
            assertThat(first.action()).isEqualTo("new_note");
            int before = requests.get();
            client.deliveries().retry(first.uuid());
            await(() -> requests.get() > before && "succeeded".equals(client.deliveries().get(first.uuid()).status()),
                    "the replay");
            assertThat(imported).hasSize(2);

            Delivery read = client.deliveries().get(first.uuid());
            assertThat(read.attempts()).isNotEmpty();
            assertThat(read.attempts().get(read.attempts().size() - 1).statusCode()).isEqualTo(200);
            assertThat(read.replays()).isEqualTo(1);
        }
    }

    @Test
    void aPingIsAcknowledgedAndDuringARotationBothSecretsAreAccepted() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Webhook webhook = client.webhooks().create(WebhookInput.create().url(receiverUrl()).events("new_note"));
        Webhook rotated = client.webhooks().rotateSecret(webhook.uuid());
        assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(webhook.secret());
        assertThat(rotated.previousSecretExpiresAt()).isAfter(Instant.now());

        try (NoteInbox oldSecretOnly = NoteInbox.builder(imported::add).webhookSecret(webhook.secret()).build();
                NoteInbox newSecretOnly = NoteInbox.builder(imported::add).webhookSecret(rotated.secret()).build()) {
            handler = oldSecretOnly.webhookHandler();
            Delivery ping = client.webhooks().test(webhook.uuid());
            assertThat(ping.action()).isEqualTo("ping");
            await(() -> "succeeded".equals(client.deliveries().get(ping.uuid()).status()), "the ping, old secret");

            handler = newSecretOnly.webhookHandler();
            Delivery again = client.webhooks().test(webhook.uuid());
            await(() -> "succeeded".equals(client.deliveries().get(again.uuid()).status()), "the ping, new secret");
            assertThat(imported).as("a ping carries no note").isEmpty();
        }

        handler = NoteInbox.builder(imported::add).webhookSecret(WebhookVerifierTest.newSecret()).build()
                .webhookHandler();
        Delivery refused = client.webhooks().test(webhook.uuid());
        await(() -> client.deliveries().get(refused.uuid()).attemptCount() >= 1, "the ping to a stranger");
        Delivery.Attempt attempt = client.deliveries().get(refused.uuid()).attempts().get(0);
        assertThat(attempt.statusCode()).as("a receiver with another secret refuses it").isEqualTo(401);
    }

    @Test
    void aReceiverDownForAllRetriesFindsTheNoteInTheFailureQueueAndRecoversIt() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Webhook webhook = client.webhooks().create(WebhookInput.create().url(receiverUrl()).events("new_note"));
        down.set(true);
        try (NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(webhook.secret()).build()) {
            handler = inbox.webhookHandler();
            Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
            Note note = SdkResourcesContract.writeNote(client, tenant, patient.uuid(), "While you were down");

            // The guide's schedule: the first attempt, then 5, 10 and 20 seconds later.
            await(() -> client.deliveries().list(DeliveryQuery.create().webhook(webhook.uuid()).status("failed"))
                    .stream().anyMatch(d -> note.uuid().equals(d.eventId())), "the delivery to fail");
            Delivery failed = client.deliveries().list(DeliveryQuery.create().webhook(webhook.uuid())
                    .status("failed")).stream().findFirst().orElseThrow();
            assertThat(failed.attemptCount()).isEqualTo(4);
            assertThat(failed.lastStatusCode()).isEqualTo(503);
            assertThat(imported).isEmpty();

            down.set(false);
            client.deliveries().retry(failed.uuid());
            await(() -> imported.size() == 1, "the retried delivery");
            assertThat(imported.get(0).uuid()).isEqualTo(note.uuid());
            assertThatThrownBy(() -> client.deliveries().get(UUID.randomUUID())).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aNoteWrittenWhileTheWebhookWasPausedArrivesAfterReplayMissing() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Instant since = Instant.now().minusSeconds(5);
        Webhook webhook = client.webhooks().create(WebhookInput.create().url(receiverUrl()).events("new_note")
                .active(false));
        try (NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(webhook.secret()).build()) {
            handler = inbox.webhookHandler();
            Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
            Note note = SdkResourcesContract.writeNote(client, tenant, patient.uuid(), "While it was paused");
            client.webhooks().update(webhook.uuid(), WebhookInput.create().active(true));

            Recovery replay = client.webhooks().replayMissing(webhook.uuid(), since, null);
            assertThat(replay.kind()).isEqualTo("missing");
            assertThat(replay.total()).isEqualTo(1);
            await(() -> imported.size() == 1, "the missed note");
            assertThat(imported.get(0).uuid()).isEqualTo(note.uuid());
            await(() -> "completed".equals(client.webhooks().recovery(webhook.uuid(), replay.uuid()).status()),
                    "the replay to complete");
            assertThat(client.webhooks().recovery(webhook.uuid(), replay.uuid()).replayed()).isEqualTo(1);
        }
    }

    @Test
    void webhooksAreListedChangedAndDeleted() {
        NotesyncClient client = client(tenants.create());
        Webhook webhook = client.webhooks().create(WebhookInput.create().url(receiverUrl()).events("new_note"));

        Webhook paused = client.webhooks().update(webhook.uuid(), WebhookInput.create().active(false)
                .events("new_note", "updated_note"));
        assertThat(paused.active()).isFalse();
        assertThat(paused.events()).containsExactly("new_note", "updated_note");
        assertThat(client.webhooks().list().stream()).extracting(Webhook::uuid).containsExactly(webhook.uuid());
        assertThatThrownBy(() -> client.webhooks().test(webhook.uuid())).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> client.webhooks().create(WebhookInput.create().url(receiverUrl()).events("no_such")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(Problem.Violation::propertyPath).contains("events[0]"));

        assertThatThrownBy(() -> client.webhooks().recover(webhook.uuid(), Instant.now().minus(Duration.ofHours(1)),
                null)).as("a paused webhook is sent nothing").isInstanceOf(ConflictException.class);
        client.webhooks().update(webhook.uuid(), WebhookInput.create().active(true));
        Recovery recovery = client.webhooks().recover(webhook.uuid(), Instant.now().minus(Duration.ofHours(1)), null);
        assertThat(recovery.webhook()).isEqualTo(webhook.uuid());
        assertThat(client.webhooks().recovery(webhook.uuid(), recovery.uuid()).uuid()).isEqualTo(recovery.uuid());

        client.webhooks().delete(webhook.uuid());
        assertThatThrownBy(() -> client.webhooks().get(webhook.uuid())).isInstanceOf(NotFoundException.class);
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/notesync/webhook";
    }

    NotesyncClient client(Tenants.Tenant tenant) {
        return NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(),
                        "read:notes", "write:notes", "read:patients", "write:patients", "read:webhooks",
                        "write:webhooks")
                .build();
    }

    /** Waits for something the server does in the background; fails after a minute, never asserts speed. */
    static void await(Supplier<Boolean> condition, String what) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Gave up waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
