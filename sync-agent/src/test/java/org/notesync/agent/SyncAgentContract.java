package org.notesync.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.client.Delivery;
import org.notesync.client.DeliveryQuery;
import org.notesync.client.Note;
import org.notesync.client.NoteInput;
import org.notesync.client.NotesyncClient;
import org.notesync.client.Patient;
import org.notesync.client.PatientInput;
import org.notesync.client.WebhookInput;
import org.notesync.note.NewNote;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The sync agent against the real server started in the test: webhooks signed and delivered by the
 * server's engine, the change feed, the failure queue's replay; and the agent's own database.
 */
@ServerTest
abstract class SyncAgentContract {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Long enough that only the start-up catch-up and the test's own {@code pollNow()} read the feed. */
    static final Duration NO_POLLING = Duration.ofHours(1);

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    org.notesync.note.Notes serverNotes;

    @Autowired
    TransactionTemplate transaction;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** A JDBC URL for a fresh, empty agent database. */
    abstract String agentDatabase(Path dir);

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void aNoteWrittenOnTheServerArrivesByWebhookAndIsImportedThenUpdatedWhenEdited() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King")
                .externalId("PMS-1042"));
        // The secret comes with the registration; the URL is set once the agent listens.
        org.notesync.client.Webhook webhook = client.webhooks().create(WebhookInput.create()
                .url("http://127.0.0.1:9/not-yet").events("new_note", "updated_note").active(false));
        SyncAgent agent = start(tenant, webhook.secret(), 0, NO_POLLING);
        client.webhooks().update(webhook.uuid(), WebhookInput.create().url(webhookUrl(agent.port())).active(true));

        Note note = writeNote(client, tenant, patient.uuid(), "Patient presents with a cough.");
        await(() -> row(agent, note.uuid()).isPresent(), "the import");
        Imported row = row(agent, note.uuid()).orElseThrow();
        assertThat(row.content()).isEqualTo("Patient presents with a cough.");
        assertThat(row.type()).isEqualTo("consultation_summary");
        assertThat(row.patientUuid()).isEqualTo(patient.uuid());
        assertThat(row.patientExternalId()).as("mapped to the practice's own id").isEqualTo("PMS-1042");
        assertThat(row.source()).isEqualTo("webhook");
        assertThat(row.userUuid()).as("the clinician, from the event's resource_metadata")
                .isEqualTo(tenant.clinician().id());
        Status status = agent.status();
        assertThat(status.notesImported()).isEqualTo(1);
        assertThat(status.lastWebhookAt()).isNotNull();
        assertThat(status.duplicatesSkipped()).isZero();

        client.notes().update(note.uuid(), NoteInput.create().content("Corrected: no cough."));
        await(() -> row(agent, note.uuid()).orElseThrow().content().equals("Corrected: no cough."), "the update");
        assertThat(row(agent, note.uuid()).orElseThrow().versions()).isEqualTo(2);
        assertThat(count(agent)).isEqualTo(1);

        HttpResponse<String> overHttp = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.port() + "/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(overHttp.statusCode()).isEqualTo(200);
        for (String other : List.of("/status/x", "/statusx", "/notesync/webhookXYZ")) {
            HttpResponse<String> prefixed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + agent.port() + other)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(prefixed.statusCode()).as("only the path itself: " + other).isEqualTo(404);
        }
        JsonNode json = SyncAgent.JSON.readTree(overHttp.body());
        assertThat(json.get("notesImported").asLong()).isEqualTo(1);
        assertThat(json.get("updatesApplied").asLong()).isEqualTo(1);
        assertThat(json.get("lastWebhookAt").isString()).isTrue();
        assertThat(json.get("lastPollAt").isString()).as("the start-up catch-up").isTrue();

        // The status command reads the same database, the agent running or not.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path empty = Files.createFile(dir.resolve("empty.properties"));
        int code = Main.run(new String[] {"status"}, Map.of("NOTESYNC_AGENT_JDBC_URL", jdbcUrl,
                "NOTESYNC_AGENT_JDBC_USER", AgentDatabaseUser.user(jdbcUrl),
                "NOTESYNC_AGENT_CONFIG", empty.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        JsonNode printed = SyncAgent.JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(printed.get("notesImported").asLong()).isEqualTo(1);
        assertThat(printed.get("notesInDatabase").asLong()).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("cough");
    }

    @Test
    void theSameEventDeliveredThreeTimesAndReplayedFromTheFailureQueueLeavesOneRow() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        org.notesync.client.Webhook webhook = client.webhooks().create(WebhookInput.create()
                .url("http://127.0.0.1:9/not-yet").events("new_note", "updated_note").active(false));
        SyncAgent agent = start(tenant, webhook.secret(), 0, NO_POLLING);
        Relay relay = new Relay(webhookUrl(agent.port()));
        open.add(relay);
        client.webhooks().update(webhook.uuid(), WebhookInput.create().url(relay.url()).active(true));

        Note note = writeNote(client, tenant, patient.uuid(), "Once only.");
        await(() -> row(agent, note.uuid()).isPresent(), "the first delivery");
        Relay.Request delivered = relay.requests().get(0);
        assertThat(delivered.status()).isEqualTo(200);

        // The server's request, byte for byte with its signature, twice more (as after a lost 200).
        assertThat(resend(agent, delivered)).isEqualTo(200);
        assertThat(resend(agent, delivered)).isEqualTo(200);
        await(() -> agent.status().duplicatesSkipped() == 2 && agent.status().pendingEvents() == 0, "the copies");

        // A replay from the failure queue: the server signs it again, with the same event id.
        Delivery first = client.deliveries().list(DeliveryQuery.create().webhook(webhook.uuid()).eventId(note.uuid()))
                .stream().findFirst().orElseThrow();
        client.deliveries().retry(first.uuid());
        await(() -> relay.requests().size() == 2 && agent.status().duplicatesSkipped() == 3, "the replay");
        assertThat(relay.requests().get(1).webhookId()).isEqualTo(delivered.webhookId());

        assertThat(count(agent)).isEqualTo(1);
        assertThat(agent.status().notesImported()).isEqualTo(1);
        assertThat(row(agent, note.uuid()).orElseThrow().versions()).isEqualTo(1);

        // Edited, then the creation replayed again: the older version never overwrites the newer one.
        client.notes().update(note.uuid(), NoteInput.create().content("Amended."));
        await(() -> "Amended.".equals(row(agent, note.uuid()).orElseThrow().content()), "the update");
        client.deliveries().retry(first.uuid());
        await(() -> relay.requests().size() == 4 && agent.status().duplicatesSkipped() == 4
                && agent.status().pendingEvents() == 0, "the second replay");
        assertThat(row(agent, note.uuid()).orElseThrow().content()).isEqualTo("Amended.");
        assertThat(count(agent)).isEqualTo(1);
        assertThat(agent.status().updatesApplied()).isEqualTo(1);
    }

    @Test
    void aTamperedBodyOrSignatureOrAStaleTimestampIs401AndNothingIsImported() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        String secret = client(tenant).webhooks().create(WebhookInput.create().url("http://127.0.0.1:9/unused")
                .events("new_note").active(false)).secret();
        SyncAgent agent = start(tenant, secret, 0, NO_POLLING);
        Webhook signer = new Webhook(secret);
        UUID noteUuid = UUID.randomUUID();
        String body = payload(noteUuid, "Genuine content.");
        long now = Instant.now().getEpochSecond();

        String signature = signer.sign("msg_1", now, body);
        assertThat(post(agent, "msg_1", now, signature, body.replace("Genuine", "Forged"))).as("tampered body")
                .isEqualTo(401);
        String flipped = signature.substring(0, 5) + (signature.charAt(5) == 'A' ? 'B' : 'A') + signature.substring(6);
        assertThat(post(agent, "msg_1", now, flipped, body)).as("tampered signature").isEqualTo(401);
        assertThat(post(agent, "msg_2", now, new Webhook(newSecret()).sign("msg_2", now, body), body))
                .as("another secret").isEqualTo(401);
        long stale = now - 600;
        assertThat(post(agent, "msg_3", stale, signer.sign("msg_3", stale, body), body)).as("stale").isEqualTo(401);
        long future = now + 600;
        assertThat(post(agent, "msg_4", future, signer.sign("msg_4", future, body), body)).as("future").isEqualTo(401);
        assertThat(agent.status().lastWebhookRefusal()).as("each kind recorded, the last one shown")
                .startsWith("TIMESTAMP_TOO_NEW");
        assertThat(post(agent, "msg_5", now, null, body)).as("unsigned").isEqualTo(400);
        assertThat(agent.status().lastWebhookRefusal()).as("an unsigned probe is no sign of a wrong secret")
                .startsWith("TIMESTAMP_TOO_NEW");

        Status status = agent.status();
        assertThat(status.pendingEvents()).as("nothing stored").isZero();
        assertThat(status.lastWebhookAt()).isNull();
        assertThat(status.lastWebhookRefusedAt()).as("a wrong secret is seen in the status").isNotNull();
        assertThat(status.lastWebhookRefusal()).doesNotContain("Genuine", "Forged");
        assertThat(count(agent)).isZero();

        // The same request, untouched, is accepted: the refusals above are the tampering's doing.
        assertThat(post(agent, "msg_1", now, signature, body)).isEqualTo(200);
        await(() -> row(agent, noteUuid).isPresent(), "the genuine request's import");
        assertThat(row(agent, noteUuid).orElseThrow().content()).isEqualTo("Genuine content.");
    }

    @Test
    void notesWrittenWhileTheAgentIsDownAreAllImportedOnceAfterItStarts() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        int agentPort = freePort();
        org.notesync.client.Webhook webhook = client.webhooks().create(WebhookInput.create()
                .url(webhookUrl(agentPort)).events("new_note"));
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));

        // 500 notes through the server's own service (the API path is the webhook test's): fast, and each
        // one publishes its webhook event, which fails while nothing listens.
        Set<UUID> written = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            written.add(serverNotes.create(new NewNote(tenant.organization().id(), patient.uuid(),
                    tenant.clinician().id(), null, "consultation_summary", "Note " + i)).uuid());
        }
        await(() -> client.notes().changes(0, 500).changes().size() == 500, "the server's feed to number them");

        long started = System.nanoTime();
        SyncAgent agent = start(tenant, webhook.secret(), agentPort, NO_POLLING);
        await(() -> count(agent) == 500, "the catch-up");
        System.out.printf("500 notes caught up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(agent.status().notesImported()).isEqualTo(500);
        assertThat(importedUuids(agent)).isEqualTo(written);

        // The server's retries of the failed webhook deliveries arrive too, and change nothing.
        await(() -> agent.status().lastWebhookAt() != null && agent.status().pendingEvents() == 0,
                "a webhook retry");
        assertThat(count(agent)).isEqualTo(500);
        assertThat(agent.status().notesImported()).isEqualTo(500);
        assertThat(agent.status().duplicatesSkipped()).isPositive();
    }

    @Test
    void aNoteCommittedAfterALaterOneWasPolledIsImportedByTheFeed() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        SyncAgent agent = start(tenant, null, 0, NO_POLLING);

        // A: stamped first, its transaction held open.
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<org.notesync.note.Note> slow = CompletableFuture.supplyAsync(() -> transaction.execute(tx -> {
            org.notesync.note.Note note = serverNotes.create(new NewNote(tenant.organization().id(), patient.uuid(),
                    tenant.clinician().id(), null, "consultation_summary", "Slow transaction."));
            written.countDown();
            awaitLatch(release);
            return note;
        }));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1100); // dates are shown to the second: B is stamped in a later second than A

        // B: stamped later, committed at once, and polled by the agent.
        Note fast = writeNote(client, tenant, patient.uuid(), "Fast transaction.");
        await(() -> agent.pollNow() >= 0 && row(agent, fast.uuid()).isPresent(), "the poll that sees B");
        long cursorAfterB = agent.status().feedCursor();
        assertThat(count(agent)).isEqualTo(1);

        release.countDown();
        org.notesync.note.Note late = slow.get(10, TimeUnit.SECONDS);
        assertThat(late.createdAt()).isBefore(fast.createdAt());

        await(() -> agent.pollNow() >= 0 && row(agent, late.uuid()).isPresent(), "the poll that finds A");
        assertThat(row(agent, late.uuid()).orElseThrow().source()).isEqualTo("feed");
        assertThat(row(agent, late.uuid()).orElseThrow().content()).isEqualTo("Slow transaction.");
        assertThat(agent.status().feedCursor()).isGreaterThan(cursorAfterB);
        assertThat(agent.status().notesImported()).isEqualTo(2);
    }

    /**
     * The server's database restored from an older backup: the agent's cursor is beyond every number the
     * restored feed has handed out. The feed sends it back to its start and the agent reads it again at once,
     * skipping what it has, so the notes written since the restore are imported, those written before its
     * first poll after it too, instead of waiting until the numbers pass the old cursor.
     */
    @Test
    void aCursorBeyondTheServersRestoredFeedIsFollowedBackAndNewNotesAreImported() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        SyncAgent agent = start(tenant, null, 0, NO_POLLING);
        Note imported = writeNote(client, tenant, patient.uuid(), "Imported before the restore.");
        await(() -> agent.pollNow() >= 0 && row(agent, imported.uuid()).isPresent(), "the first note");
        long ahead = 1_000_000_000_000L;
        try (Connection c = agent.database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE sync_state SET feed_cursor = ? WHERE id = 1")) {
            s.setLong(1, ahead);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        Note sinceTheRestore = writeNote(client, tenant, patient.uuid(), "Written before the agent's poll.");

        await(() -> agent.pollNow() >= 0 && row(agent, sinceTheRestore.uuid()).isPresent(),
                "the note written since the restore");
        assertThat(row(agent, sinceTheRestore.uuid()).orElseThrow().source()).isEqualTo("feed");
        assertThat(agent.status().feedCursor()).as("read again from the feed's start").isLessThan(ahead);
        assertThat(agent.status().notesImported()).isEqualTo(2);
        assertThat(agent.status().duplicatesSkipped()).as("the note imported before, read again").isEqualTo(1);
    }

    /**
     * A patient deleted in notesync keeps the externalId its rows have, also after a restart: the agent asked
     * the API, was answered 404, had forgotten the id with its memory, and wrote null over the row's id
     * (found by a drill: the agent restarted, then a deleted patient's note edited).
     */
    @Test
    void aDeletedPatientsNoteEditedAfterARestartKeepsItsExternalId() throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King")
                .externalId("PMS-7"));
        SyncAgent agent = start(tenant, null, 0, NO_POLLING);
        Note note = writeNote(client, tenant, patient.uuid(), "Written before the patient was deleted.");
        await(() -> agent.pollNow() >= 0 && row(agent, note.uuid()).isPresent(), "the first import");
        assertThat(row(agent, note.uuid()).orElseThrow().patientExternalId()).isEqualTo("PMS-7");

        client.patients().delete(patient.uuid());
        client.notes().update(note.uuid(), NoteInput.create().content("Edited after the patient was deleted."));
        SyncAgent restarted = restart(tenant, agent);
        await(() -> restarted.pollNow() >= 0 && row(restarted, note.uuid()).orElseThrow().content()
                .equals("Edited after the patient was deleted."), "the edit");
        assertThat(row(restarted, note.uuid()).orElseThrow().patientExternalId()).as("the id the row had")
                .isEqualTo("PMS-7");
    }

    // --- the agent, its database, and the requests

    private String jdbcUrl;

    SyncAgent start(Tenants.Tenant tenant, String webhookSecret, int listenPort, Duration pollInterval) {
        jdbcUrl = agentDatabase(dir);
        AgentConfig config = new AgentConfig("http://127.0.0.1:" + port, tenant.client().clientId(),
                tenant.client().clientSecret(), webhookSecret, "127.0.0.1", listenPort, "/notesync/webhook", jdbcUrl,
                AgentDatabaseUser.user(jdbcUrl), "", pollInterval);
        SyncAgent agent = new SyncAgent(config, Clock.systemUTC()).start();
        open.add(agent);
        // The start-up catch-up runs in the background: let it finish, so that what a test does next is
        // not also brought by that first poll.
        await(() -> agent.status().lastPollAt() != null || agent.status().lastPollError() != null,
                "the start-up catch-up");
        return agent;
    }

    /** Stops {@code agent} and starts another on its database, with nothing in memory. */
    SyncAgent restart(Tenants.Tenant tenant, SyncAgent agent) {
        agent.close();
        open.remove(agent);
        AgentConfig config = new AgentConfig("http://127.0.0.1:" + port, tenant.client().clientId(),
                tenant.client().clientSecret(), null, "127.0.0.1", 0, "/notesync/webhook", jdbcUrl,
                AgentDatabaseUser.user(jdbcUrl), "", NO_POLLING);
        SyncAgent again = new SyncAgent(config, Clock.systemUTC()).start();
        open.add(again);
        return again;
    }

    static String webhookUrl(int port) {
        return "http://127.0.0.1:" + port + "/notesync/webhook";
    }

    record Imported(UUID noteUuid, UUID patientUuid, String patientExternalId, UUID userUuid, String type,
            String content, String source, int versions) {
    }

    static Optional<Imported> row(SyncAgent agent, UUID note) {
        return query(agent, "SELECT * FROM imported_notes WHERE note_uuid = ?", note, rs -> rs.next()
                ? Optional.of(new Imported(rs.getObject("note_uuid", UUID.class), rs.getObject("patient_uuid", UUID.class),
                        rs.getString("patient_external_id"), rs.getObject("user_uuid", UUID.class),
                        rs.getString("type"), rs.getString("content"),
                        rs.getString("source"), rs.getInt("versions_imported")))
                : Optional.empty());
    }

    static long count(SyncAgent agent) {
        return query(agent, "SELECT COUNT(*) FROM imported_notes", null, rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    static Set<UUID> importedUuids(SyncAgent agent) {
        return query(agent, "SELECT note_uuid FROM imported_notes", null, rs -> {
            Set<UUID> uuids = new HashSet<>();
            while (rs.next()) {
                uuids.add(rs.getObject(1, UUID.class));
            }
            return uuids;
        });
    }

    interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    static <T> T query(SyncAgent agent, String sql, Object param, Rows<T> rows) {
        try (Connection c = agent.database().dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (param != null) {
                s.setObject(1, param);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rows.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    NotesyncClient client(Tenants.Tenant tenant) {
        return NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(),
                        "read:notes", "write:notes", "read:patients", "write:patients", "read:webhooks",
                        "write:webhooks")
                .build();
    }

    static Note writeNote(NotesyncClient client, Tenants.Tenant tenant, UUID patient, String content) {
        return client.notes().create(NoteInput.create().patient(patient).user(tenant.clinician().id())
                .type("consultation_summary").content(content));
    }

    int post(SyncAgent agent, String id, long timestamp, String signature, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhookUrl(agent.port())))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("webhook-signature", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    int resend(SyncAgent agent, Relay.Request request) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(webhookUrl(agent.port())))
                .header("Content-Type", "application/json")
                .header("webhook-id", request.webhookId())
                .header("webhook-timestamp", request.timestamp())
                .header("webhook-signature", request.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body())).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String payload(UUID note, String content) {
        String at = "2026-02-24T10:30:00+00:00";
        return "{\"events\":[{\"id\":\"" + note + "\",\"resource_type\":\"note\",\"action\":\"new_note\","
                + "\"metadata\":{\"note\":{\"uuid\":\"" + note + "\",\"type\":\"consultation_summary\",\"content\":\""
                + content + "\",\"createdAt\":\"" + at + "\",\"updatedAt\":\"" + at + "\",\"patient\":{\"uuid\":\""
                + UUID.randomUUID() + "\",\"firstName\":\"Ada\",\"lastName\":\"King\"}}},"
                + "\"resource_metadata\":{\"user_id\":null,\"organization_id\":null}}],\"meta\":{\"webhook_id\":\""
                + UUID.randomUUID() + "\"}}";
    }

    static String newSecret() {
        byte[] key = new byte[24];
        new java.security.SecureRandom().nextBytes(key);
        return "whsec_" + java.util.Base64.getEncoder().encodeToString(key);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits for something done in the background; fails after a minute, never asserts speed. */
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

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stands between the server and the agent on loopback, forwarding each request untouched and keeping a
     * copy, so a test can send the server's own signed request again.
     */
    static final class Relay implements AutoCloseable {

        record Request(String webhookId, String timestamp, String signature, byte[] body, int status) {
        }

        private final HttpServer server;
        private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

        Relay(String target) throws IOException {
            HttpClient forward = HttpClient.newHttpClient();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    String id = exchange.getRequestHeaders().getFirst("webhook-id");
                    String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
                    String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
                    int status;
                    try {
                        status = forward.send(HttpRequest.newBuilder(URI.create(target))
                                .header("Content-Type", "application/json").header("webhook-id", id)
                                .header("webhook-timestamp", timestamp).header("webhook-signature", signature)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        status = 503;
                    }
                    requests.add(new Request(id, timestamp, signature, body, status));
                    exchange.sendResponseHeaders(status, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/notesync/webhook";
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
