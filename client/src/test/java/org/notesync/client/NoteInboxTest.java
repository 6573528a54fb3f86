package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NoteInboxTest {

    final String secret = WebhookVerifierTest.newSecret();
    final List<Note> imported = Collections.synchronizedList(new ArrayList<>());
    final ExecutorService workers = Executors.newSingleThreadExecutor();
    final UUID noteId = UUID.randomUUID();
    final Instant v1 = Instant.parse("2026-02-24T10:30:00Z");
    final Instant v2 = Instant.parse("2026-02-24T10:45:00Z");

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    @Test
    void aWebhookIsAnsweredAtOnceAndItsNoteImportedOnAnotherThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        NoteInbox inbox = NoteInbox.builder(note -> {
            threads.add(Thread.currentThread().getName());
            release.await(10, TimeUnit.SECONDS);
            imported.add(note);
        }).webhookSecret(secret).executor(workers).build();

        NoteInbox.Receipt receipt = deliver(inbox, payload("new_note", noteId, v1));

        assertThat(receipt.status()).as("answered while the import is still blocked").isEqualTo(200);
        assertThat(imported).isEmpty();
        release.countDown();
        drain();
        assertThat(imported).extracting(Note::uuid).containsExactly(noteId);
        assertThat(threads).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aRetriedDeliveryIsDeduplicatedOnTheNoteUuidButAnUpdateIsImported() throws Exception {
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build();

        deliver(inbox, payload("new_note", noteId, v1));
        deliver(inbox, payload("new_note", noteId, v1));
        drain();
        deliver(inbox, payload("updated_note", noteId, v2));
        drain();
        deliver(inbox, payload("updated_note", noteId, v2));
        deliver(inbox, payload("new_note", noteId, v1));
        drain();

        assertThat(imported).extracting(Note::updatedAt).containsExactly(v1, v2);
    }

    @Test
    void twoEditsWithinOneSecondAreBothImportedThoughTheirUpdatedAtIsTheSame() throws Exception {
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build();

        deliver(inbox, payload("new_note", noteId, v1));
        deliver(inbox, payload("updated_note", noteId, v1).replace("Patient presents with...", "Corrected."));
        deliver(inbox, payload("updated_note", noteId, v1).replace("Patient presents with...", "Corrected."));
        drain();

        assertThat(imported).extracting(Note::content).containsExactly("Patient presents with...", "Corrected.");
    }

    @Test
    void withinOneSecondALateOlderVersionIsCheckedAgainstTheApiAndNotImportedOverTheNewer() throws Exception {
        String corrected = payload("updated_note", noteId, v1).replace("Patient presents with...", "Corrected.");
        String current = corrected.substring(corrected.indexOf("{\"uuid\""), corrected.indexOf("}}},") + 2);
        try (Loopback api = new Loopback()) {
            api.then(Loopback.Reply.json(200, current)).then(Loopback.Reply.json(200, current));
            NotesyncClient client = NotesyncClient.builder(api.base()).accessTokens(AccessTokens.of("t")).build();
            NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).client(client)
                    .build();

            deliver(inbox, payload("new_note", noteId, v1));
            drain();
            deliver(inbox, corrected);
            drain();
            deliver(inbox, payload("new_note", noteId, v1));
            drain();

            assertThat(imported).extracting(Note::content).containsExactly("Patient presents with...", "Corrected.");
            assertThat(api.received()).extracting(Loopback.Received::uri)
                    .containsExactly("/notes/" + noteId, "/notes/" + noteId);
        }
    }

    @Test
    void aRequestThatIsNotGenuineIsRefusedAndNothingIsImported() throws Exception {
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build();
        String body = payload("new_note", noteId, v1);
        long now = Instant.now().getEpochSecond();
        String wrong = new Webhook(WebhookVerifierTest.newSecret()).sign("msg_1", now, body);

        NoteInbox.Receipt receipt = inbox.receive(header("msg_1", now, wrong), body.getBytes());
        NoteInbox.Receipt noHeaders = inbox.receive(name -> null, body.getBytes());
        drain();

        assertThat(receipt.status()).isEqualTo(401);
        assertThat(noHeaders.status()).isEqualTo(400);
        assertThat(imported).isEmpty();
    }

    @Test
    void pingsAreAcknowledgedAndIgnored() throws Exception {
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build();
        String ping = "{\"events\":[{\"id\":\"" + UUID.randomUUID() + "\",\"resource_type\":\"webhook\",\"action\":\"ping\"}],"
                + "\"meta\":{\"webhook_id\":\"" + UUID.randomUUID() + "\"}}";

        assertThat(deliver(inbox, ping).status()).isEqualTo(200);
        drain();
        assertThat(imported).isEmpty();
    }

    @Test
    void aNoteTheHandlerFailedOnIsRetriedAtTheNextPollCycleUntilItSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Note> failures = Collections.synchronizedList(new ArrayList<>());
        NoteInbox inbox = NoteInbox.builder(note -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("practice database is down");
            }
            imported.add(note);
        }).webhookSecret(secret).executor(workers).onFailure((note, e) -> failures.add(note)).build();

        deliver(inbox, payload("new_note", noteId, v1));
        drain();
        assertThat(inbox.pendingRetries()).isEqualTo(1);
        inbox.pollNow();
        assertThat(inbox.pendingRetries()).isEqualTo(1);
        inbox.pollNow();

        assertThat(imported).extracting(Note::uuid).containsExactly(noteId);
        assertThat(failures).hasSize(2);
        assertThat(inbox.pendingRetries()).isZero();
        inbox.pollNow();
        assertThat(calls).hasValue(3);
    }

    @Test
    void notesFromPollingAndFromWebhooksAreImportedOnceWhicheverComesFirst() throws Exception {
        UUID polledFirst = UUID.randomUUID();
        Deque<List<Note>> batches = new ArrayDeque<>(List.of(
                List.of(note(polledFirst, v1), note(noteId, v1)), List.of()));
        NoteFeed feed = new NoteFeed() {
            @Override
            public List<Note> next() {
                return batches.isEmpty() ? List.of() : batches.poll();
            }

            @Override
            public String checkpoint() {
                return "test";
            }
        };
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers)
                .polling(feed, java.time.Duration.ofSeconds(45)).build();

        deliver(inbox, payload("new_note", noteId, v1));
        drain();
        inbox.pollNow();
        deliver(inbox, payload("new_note", polledFirst, v1));
        drain();

        assertThat(imported).extracting(Note::uuid).containsExactly(noteId, polledFirst);
    }

    /**
     * The failed note is retried in memory only: a checkpoint saved while it still fails must not pass it,
     * or a restart from that checkpoint would never read it again.
     */
    @Test
    void theCheckpointStaysBeforeANoteTheHandlerStillFailsOnUntilItIsImported() {
        UUID failing = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        Deque<List<Note>> batches = new ArrayDeque<>(List.of(List.of(note(noteId, v1), note(failing, v1)),
                List.of(note(later, v1))));
        NoteFeed feed = scripted(batches);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        NoteInbox inbox = NoteInbox.builder(note -> {
            if (note.uuid().equals(failing) && down.get()) {
                throw new IllegalStateException("the practice database is down");
            }
            imported.add(note);
        }).webhookSecret(secret).executor(workers).polling(feed, java.time.Duration.ofSeconds(45)).build();

        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactly(noteId, later);
        assertThat(inbox.pendingRetries()).isEqualTo(1);
        assertThat(inbox.checkpoint()).as("before the batch that brought the failing note").contains("feed:0");

        down.set(false);
        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactly(noteId, later, failing);
        assertThat(inbox.checkpoint()).as("imported: the feed's own position").contains("feed:2");
    }

    /**
     * The deduplication store kept in the practice's database may fail too: the notes of the batch it failed on
     * are kept for a retry, the checkpoint held before them, and the poll goes on (they were left behind with the
     * batch, and the checkpoint passed them).
     */
    @Test
    void aDeduplicationStoreFailingDuringAPollLosesNothing() {
        UUID second = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        NoteFeed feed = scripted(new ArrayDeque<>(List.of(List.of(note(noteId, v1), note(second, v1)),
                List.of(note(later, v1)))));
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        ProcessedNotes memory = ProcessedNotes.inMemory(100);
        ProcessedNotes database = new ProcessedNotes() {
            @Override
            public java.util.Optional<NoteVersion> lastProcessed(UUID note) {
                if (down.get() && !note.equals(later)) {
                    throw new IllegalStateException("the practice database is unreachable");
                }
                return memory.lastProcessed(note);
            }

            @Override
            public void markProcessed(UUID note, NoteVersion version) {
                memory.markProcessed(note, version);
            }
        };
        NoteInbox inbox = NoteInbox.builder(imported::add).processedNotes(database).executor(workers)
                .polling(feed, java.time.Duration.ofSeconds(45)).build();

        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactly(later);
        assertThat(inbox.pendingRetries()).isEqualTo(2);
        assertThat(inbox.checkpoint()).as("before the batch the store failed on").contains("feed:0");

        down.set(false);
        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactlyInAnyOrder(later, noteId, second);
        assertThat(inbox.pendingRetries()).isZero();
        assertThat(inbox.checkpoint()).contains("feed:2");
    }

    /**
     * After the server's feed went back (its database restored), a note that fails holds the checkpoint at the
     * feed's new start, not at the old cursor, which is past the numbers the restored feed hands out again: a
     * restart from it would skip the note once the feed had numbered that far.
     */
    @Test
    void aNoteFailingAfterTheFeedWentBackHoldsTheCheckpointAtTheFeedsStart() throws Exception {
        try (Loopback server = new Loopback()) {
            UUID failing = UUID.randomUUID();
            server.then(Loopback.Reply.json(200, "{\"changes\":[],\"cursor\":0,\"hasMore\":false}"))
                    .then(Loopback.Reply.json(200, "{\"changes\":[" + change(1, failing) + "," + change(2, noteId)
                            + "],\"cursor\":2,\"hasMore\":false}"))
                    .then(Loopback.Reply.json(200, "{\"changes\":[],\"cursor\":2,\"hasMore\":false}"));
            NotesyncClient client = NotesyncClient.builder(server.base()).accessTokens(AccessTokens.of("t")).build();
            NoteInbox inbox = NoteInbox.builder(note -> {
                if (note.uuid().equals(failing)) {
                    throw new IllegalStateException("the practice database is down");
                }
                imported.add(note);
            }).executor(workers).polling(NoteFeed.resume(client, "feed:5000"), java.time.Duration.ofSeconds(45))
                    .build();

            inbox.pollNow();
            assertThat(imported).extracting(Note::uuid).containsExactly(noteId);
            assertThat(inbox.checkpoint()).as("the restored feed's start").contains("feed:0");
        }
    }

    private static String change(long sequence, UUID note) {
        String at = Dates.format(Instant.parse("2026-02-24T10:30:00Z"));
        return "{\"sequence\":" + sequence + ",\"action\":\"new_note\",\"note\":{\"uuid\":\"" + note
                + "\",\"type\":\"memo\",\"content\":\"x\",\"createdAt\":\"" + at + "\",\"updatedAt\":\"" + at
                + "\"}}";
    }

    /** A failure listener that throws does not take the poll or the note's retry with it. */
    @Test
    void aFailureListenerThatThrowsLosesNothing() {
        UUID later = UUID.randomUUID();
        NoteFeed feed = scripted(new ArrayDeque<>(List.of(List.of(note(noteId, v1), note(later, v1)))));
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        NoteInbox inbox = NoteInbox.builder(note -> {
            if (note.uuid().equals(noteId) && down.get()) {
                throw new IllegalStateException("the practice database is down");
            }
            imported.add(note);
        }).executor(workers).polling(feed, java.time.Duration.ofSeconds(45)).onFailure((note, e) -> {
            throw new IllegalStateException("the listener's own bug");
        }).build();

        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactly(later);
        assertThat(inbox.pendingRetries()).isEqualTo(1);
        down.set(false);
        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactly(later, noteId);
    }

    /**
     * A 404 from the handler (a patient it looks up that was deleted since) is a failure like any other, retried;
     * only a note the API no longer shows is dropped (it was dropped silently, neither imported nor retried).
     */
    @Test
    void aNotFoundFromTheHandlerIsRetriedNotTakenForADeletedNote() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        NoteInbox inbox = NoteInbox.builder(note -> {
            if (calls.incrementAndGet() == 1) {
                throw new NotFoundException(new Problem(null, "Not Found", 404, "No such patient.", null, null));
            }
            imported.add(note);
        }).webhookSecret(secret).executor(workers).build();

        deliver(inbox, payload("new_note", noteId, v1));
        drain();
        assertThat(inbox.pendingRetries()).isEqualTo(1);
        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactly(noteId);
    }

    /** Without a polling feed, a started inbox still retries the notes the handler failed on (every 30 s). */
    @Test
    void aWebhookOnlyInboxRetriesOnceStarted() throws Exception {
        try (NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build()) {
            assertThat(inbox.retrying()).isFalse();
            inbox.start();
            assertThat(inbox.retrying()).as("retries scheduled without a feed or retryEvery").isTrue();
        }
        AtomicInteger calls = new AtomicInteger();
        try (NoteInbox inbox = NoteInbox.builder(note -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the practice database is down");
            }
            imported.add(note);
        }).webhookSecret(secret).executor(workers).retryEvery(java.time.Duration.ofMillis(50)).build().start()) {
            deliver(inbox, payload("new_note", noteId, v1));
            for (int i = 0; i < 200 && imported.isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertThat(imported).extracting(Note::uuid).containsExactly(noteId);
        }
    }

    /**
     * Past the retry limit the oldest failing note is given up: the checkpoint must not pass it, yet what is
     * kept for it cannot grow with every failing note of a long outage.
     */
    @Test
    void aNoteGivenUpHoldsTheCheckpointUntilARestartAndNothingGrowsWithTheOutage() {
        List<UUID> failing = new ArrayList<>();
        Deque<List<Note>> batches = new ArrayDeque<>();
        for (int i = 0; i < 50; i++) {
            UUID id = UUID.randomUUID();
            failing.add(id);
            batches.add(List.of(note(id, v1)));
        }
        NoteFeed feed = scripted(batches);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        NoteInbox inbox = NoteInbox.builder(note -> {
            if (down.get()) {
                throw new IllegalStateException("the practice database is down");
            }
            imported.add(note);
        }).webhookSecret(secret).executor(workers).polling(feed, java.time.Duration.ofSeconds(45))
                .maxPendingRetries(3).build();

        inbox.pollNow();
        assertThat(inbox.pendingRetries()).isEqualTo(3);
        assertThat(inbox.checkpoint()).as("before the first note given up").contains("feed:0");
        assertThat(inbox.checkpointsHeld()).as("kept for the notes still retried only").isEqualTo(3);

        down.set(false);
        inbox.pollNow();
        assertThat(imported).extracting(Note::uuid).containsExactlyElementsOf(failing.subList(47, 50));
        assertThat(inbox.checkpoint()).as("the given-up notes are read again after a restart only")
                .contains("feed:0");
    }

    @Test
    void theHttpHandlerServesTheJdkServer() throws Exception {
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/notesync/webhook", inbox.webhookHandler());
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notesync/webhook");
            String body = payload("new_note", noteId, v1);
            long now = Instant.now().getEpochSecond();
            String signature = new Webhook(secret).sign("msg_http", now, body);
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(uri)
                    .header("webhook-id", "msg_http").header("webhook-timestamp", Long.toString(now))
                    .header("webhook-signature", signature).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(accepted.statusCode()).isEqualTo(200);
            assertThat(unsigned.statusCode()).isEqualTo(400);
            assertThat(get.statusCode()).isEqualTo(405);
            drain();
            assertThat(imported).extracting(Note::uuid).containsExactly(noteId);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theHttpHandlerSaysWhyItRefusedARequestSoTheSendersDeliveryLogShowsIt() throws Exception {
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/notesync/webhook", inbox.webhookHandler());
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notesync/webhook");
            String body = payload("new_note", noteId, v1);
            long now = Instant.now().getEpochSecond();
            String wrong = new Webhook(WebhookVerifierTest.newSecret()).sign("msg_http", now, body);

            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                    .header("webhook-id", "msg_http").header("webhook-timestamp", Long.toString(now))
                    .header("webhook-signature", wrong).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
            assertThat(refused.body()).isEqualTo("No webhook signature matches the secret");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSignedRequestRefusedIsLoggedAsAWarningAtMostOnceAMinute() throws Exception {
        SettableClock clock = SettableClock.now();
        NoteInbox inbox = NoteInbox.builder(imported::add).webhookSecret(secret).executor(workers).clock(clock).build();
        String body = payload("new_note", noteId, v1);
        long now = Instant.now().getEpochSecond();
        String wrong = new Webhook(WebhookVerifierTest.newSecret()).sign("msg_1", now, body);
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(NoteInbox.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(new java.util.logging.SimpleFormatter().formatMessage(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            inbox.receive(header("msg_1", now, wrong), body.getBytes());
            inbox.receive(header("msg_1", now, wrong), body.getBytes());
            inbox.receive(name -> null, body.getBytes());   // unsigned: a scanner, not a wrong secret
            clock.advance(java.time.Duration.ofSeconds(61));
            inbox.receive(header("msg_1", now, wrong), body.getBytes());
        } finally {
            logger.removeHandler(capture);
        }

        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w)
                .contains("NO_MATCHING_SIGNATURE").contains("No webhook signature matches the secret"));
    }

    private NoteInbox.Receipt deliver(NoteInbox inbox, String body) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        return inbox.receive(header(id, now, new Webhook(secret).sign(id, now, body)), body.getBytes());
    }

    private static java.util.function.Function<String, String> header(String id, long timestamp, String signature) {
        return name -> switch (name) {
            case WebhookVerifier.ID_HEADER -> id;
            case WebhookVerifier.TIMESTAMP_HEADER -> Long.toString(timestamp);
            case WebhookVerifier.SIGNATURE_HEADER -> signature;
            default -> null;
        };
    }

    /** Waits until the single worker has finished everything queued before now. */
    private void drain() throws Exception {
        workers.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    static Note note(UUID id, Instant updatedAt) {
        return new Note(id, "consultation_summary", "Patient presents with...", updatedAt, updatedAt,
                new PatientSummary(UUID.randomUUID(), "Ada", "Lovelace"), null, null);
    }

    static String payload(String action, UUID note, Instant updatedAt) {
        String at = Dates.format(updatedAt);
        return """
                {"events":[{"id":"%s","resource_type":"note","action":"%s","metadata":{"note":{"uuid":"%s",\
                "type":"consultation_summary","content":"Patient presents with...","createdAt":"%s","updatedAt":"%s",\
                "patient":{"uuid":"%s","firstName":"Ada","lastName":"Lovelace"}}},\
                "resource_metadata":{"user_id":"%s","organization_id":"%s"}}],"meta":{"webhook_id":"%s"}}"""
                .formatted(note, action, note, at, at, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                        UUID.randomUUID());
    }

    /** A feed that hands out {@code batches} one per read, its checkpoint "feed:N" after N of them. */
    private static NoteFeed scripted(Deque<List<Note>> batches) {
        AtomicInteger position = new AtomicInteger();
        return new NoteFeed() {
            @Override
            public List<Note> next() {
                if (batches.isEmpty()) {
                    return List.of();
                }
                position.incrementAndGet();
                return batches.poll();
            }

            @Override
            public String checkpoint() {
                return "feed:" + position.get();
            }
        };
    }
}
