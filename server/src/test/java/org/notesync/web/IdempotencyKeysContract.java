package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.notesync.support.ApiAssertions.assertProblem;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.notesync.identity.Scopes;
import org.notesync.note.NewNote;
import org.notesync.note.Notes;
import org.notesync.patient.PatientFixture;
import org.notesync.support.HeldTransaction;
import org.notesync.support.Http;
import org.notesync.support.LockWaits;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** {@code Idempotency-Key} on {@code POST /notes} and {@code POST /patients}. */
@ServerTest
abstract class IdempotencyKeysContract {

    /** Never written: a refused body's content, which no answer may repeat. */
    private static final String SECRET_CONTENT = "Patient-Zebulon-reports-chest-pain";
    /**
     * Written, in a note whose patient is then made private. Not {@link #SECRET_CONTENT}: the note tests, in the same
     * application context, check that no published event ever carries that one.
     */
    private static final String PRIVATE_CONTENT = "Follow-up-for-a-private-matter";

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    IdempotencyKeys keys;

    @Autowired
    Notes notes;

    @Autowired
    MeterRegistry meters;

    @Test
    void aNoteSentAgainWithItsKeyIsWrittenOnceAndTheAnswerRepeated() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        Map<String, String> note = note(t, patient, "Seen for a cough.");

        double replays = replays();
        Http.Response first = post(api, "/notes", key, note);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.header(IdempotencyKeys.REPLAYED)).isNull();
        assertThat(replays()).as("a first create is no replay").isEqualTo(replays);
        assertThat(first.header(IdempotencyKeys.HEADER)).as("echoed: this server honours keys").isEqualTo(key);
        Http.Response again = post(api, "/notes", key, note);
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(again.header(IdempotencyKeys.HEADER)).isEqualTo(key);
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.json().get("uuid").asString()).isEqualTo(first.json().get("uuid").asString());
        assertThat(again.json().get("content").asString()).isEqualTo("Seen for a cough.");
        assertThat(replays()).as("notesync_idempotency_replays_total, once per repeat answered").isEqualTo(replays + 1);
        // The same body written otherwise (members in another order, spaces) is the same request.
        Http.Response reordered = api.send(api.builder("/notes").header(IdempotencyKeys.HEADER, "\"" + key + "\"")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{ \"content\" : \"Seen for a cough.\", \"type\":\"memo\", \"user\":\"" + t.clinician().id()
                                + "\",\n \"patient\":\"" + patient + "\" }")));
        assertThat(reordered.status()).as(reordered.toString()).isEqualTo(201);
        assertThat(reordered.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(notesOf(patient)).isEqualTo(1);

        Http.Response otherKey = post(api, "/notes", UUID.randomUUID().toString(), note);
        assertThat(otherKey.status()).isEqualTo(201);
        assertThat(otherKey.header(IdempotencyKeys.REPLAYED)).isNull();
        Http.Response keyless = post(api, "/notes", null, note);
        assertThat(keyless.status()).as("no key, no check").isEqualTo(201);
        assertThat(keyless.header(IdempotencyKeys.HEADER)).isNull();
        assertThat(notesOf(patient)).isEqualTo(3);
    }

    @Test
    void theKeySentWithAnotherRequestIsRefusedWithoutRepeatingIt() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        assertThat(post(api, "/notes", key, note(t, patient, "First.")).status()).isEqualTo(201);

        Http.Response other = post(api, "/notes", key, note(t, patient, SECRET_CONTENT));
        JsonNode problem = assertProblem(other, 422);
        assertThat(problem.get("title").asString()).isEqualTo("Idempotency-Key reused");
        assertThat(problem.get("detail").asString()).contains("another request", "24 hours");
        assertThat(other.body()).doesNotContain(SECRET_CONTENT).doesNotContain(key);
        // A patient's create is another request too.
        assertProblem(post(api, "/patients", key, Map.of("firstName", "Jane", "lastName", "Doe")), 422);
        assertThat(notesOf(patient)).isEqualTo(1);
    }

    @Test
    void aNoteWhosePatientWasMadePrivateSinceIsRepeatedWithoutWhatTheCallerMayNoLongerRead() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        Map<String, String> note = note(t, patient, PRIVATE_CONTENT);
        Http.Response first = post(api, "/notes", key, note);
        assertThat(first.status()).isEqualTo(201);
        Http.Response hidden = api.patch("/patients/" + patient, Map.of("visibilityOption", "private",
                "user", t.clinician().id().toString()));
        assertThat(hidden.status()).as(hidden.toString()).isEqualTo(200);
        assertThat(api.get("/notes/" + first.json().get("uuid").asString()).status()).isEqualTo(404);

        Http.Response again = post(api, "/notes", key, note);
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(again.json().get("uuid").asString()).isEqualTo(first.json().get("uuid").asString());
        assertThat(again.body()).doesNotContain(PRIVATE_CONTENT).doesNotContain("Hopper");
        Http.Response byItsClinician = post(t.clinicianApi(port), "/notes", key, note);
        assertThat(byItsClinician.header(IdempotencyKeys.REPLAYED)).as("another sender's key").isNull();
        assertThat(notesOf(patient)).isEqualTo(2);
    }

    @Test
    void aRefusedCreateTakesNoKeySoTheCorrectedRequestMayUseIt() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        Http.Response refused = post(api, "/notes", key, Map.of("patient", patient.toString(), "type", "memo",
                "user", t.clinician().id().toString()));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);

        Http.Response corrected = post(api, "/notes", key, note(t, patient, "Now with content."));
        assertThat(corrected.status()).as(corrected.toString()).isEqualTo(201);
        assertThat(corrected.header(IdempotencyKeys.REPLAYED)).isNull();
        assertThat(notesOf(patient)).isEqualTo(1);
    }

    @Test
    void aKeyIsItsSendersOwnOrganizationClientAndClinician() {
        Tenants.Tenant t = tenants.createWithAdminScope();
        Tenants.Tenant other = tenants.create();
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        UUID otherPatient = PatientFixture.patientOf(jdbc, other.organization().id()).insert();
        String key = "order-1";
        Set<String> created = new HashSet<>();
        for (Http.Response response : List.of(
                post(t.api(port), "/notes", key, note(t, patient, "The integration's.")),
                post(t.clinicianApi(port), "/notes", key, Map.of("patient", patient.toString(), "type", "memo",
                        "content", "The clinician's.")),
                post(t.clinicianApi(port, t.addClinician("Grace", "Hopper")), "/notes", key,
                        Map.of("patient", patient.toString(), "type", "memo", "content", "A colleague's.")),
                post(other.api(port), "/notes", key, note(other, otherPatient, "Another organization's.")))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            assertThat(response.header(IdempotencyKeys.REPLAYED)).as(response.toString()).isNull();
            created.add(response.json().get("uuid").asString());
        }
        assertThat(created).hasSize(4);
    }

    @Test
    void aMalformedKeyIsA400NamingTheHeader() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String body = Http.JSON.writeValueAsString(note(t, patient, "x"));
        List<HttpRequest.Builder> malformed = List.of(
                api.builder("/notes").header(IdempotencyKeys.HEADER, ""),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "\"\""),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "a b"),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "k".repeat(256)),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "a\"b"),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "a\\b"),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "a,b"),
                api.builder("/notes").header(IdempotencyKeys.HEADER, "one").header(IdempotencyKeys.HEADER, "two"));
        for (HttpRequest.Builder request : malformed) {
            HttpRequest sent = request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            Http.Response response = api.send(request);
            assertThat(response.status()).as(sent.headers().map().toString()).isEqualTo(400);
            assertThat(assertProblem(response, 400).get("detail").asString()).contains("Idempotency-Key");
        }
        assertThat(post(api, "/notes", "k".repeat(255), note(t, patient, "x")).status()).isEqualTo(201);
        assertThat(notesOf(patient)).isEqualTo(1);
    }

    @Test
    void aPatientSentAgainWithItsKeyIsCreatedOnce() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String key = UUID.randomUUID().toString();
        Map<String, String> patient = Map.of("firstName", "Jane", "lastName", "Doe", "externalId", "PMS-7");
        Http.Response first = post(api, "/patients", key, patient);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        Http.Response again = post(api, "/patients", key, patient);
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(again.json().get("uuid").asString()).isEqualTo(first.json().get("uuid").asString());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM patients WHERE organization_id = ?")
                .param(t.organization().id()).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash LIKE ? OR request_hash LIKE ?")
                .params("%" + key + "%", "%" + key + "%").query(Long.class).single()).as("hashes only").isZero();
        IdempotencyKeys.Claim claim = claim(t, key, "POST /patients", patient);
        assertThat(keyRows(claim.keyHash())).isEqualTo(1);
        String unkeyed = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
                (t.organization().id() + "\n" + t.client().clientId() + "\n\n" + key).getBytes(UTF_8)));
        assertThat(keyRows(unkeyed)).as("an HMAC under the master key, not a plain hash").isZero();
        assertThat(assertProblem(post(api, "/patients", key, Map.of("firstName", "John", "lastName", "Doe")), 422)
                .get("title").asString()).isEqualTo("Idempotency-Key reused");
        // An integration creates a patient private to a clinician: it cannot list or read it, and the key's repeat
        // answers 201 with the patient's identity only, neither what it may not read nor a 404 that would make
        // the caller create it again.
        String privateKey = UUID.randomUUID().toString();
        Map<String, String> privately = Map.of("firstName", "Priv", "lastName", "Ate", "visibilityOption", "private",
                "user", t.clinician().id().toString());
        Http.Response hidden = post(api, "/patients", privateKey, privately);
        assertThat(hidden.status()).as(hidden.toString()).isEqualTo(201);
        assertThat(api.get("/patients/" + hidden.json().get("uuid").asString()).status()).isEqualTo(404);
        Http.Response hiddenAgain = post(api, "/patients", privateKey, privately);
        assertThat(hiddenAgain.status()).as(hiddenAgain.toString()).isEqualTo(201);
        assertThat(hiddenAgain.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(hiddenAgain.header("Location")).isEqualTo(hidden.header("Location"));
        assertThat(hiddenAgain.json().get("uuid").asString()).isEqualTo(hidden.json().get("uuid").asString());
        assertThat(hiddenAgain.json().get("@id").asString()).isEqualTo(hidden.json().get("@id").asString());
        assertThat(hiddenAgain.json().has("firstName")).isFalse();
        assertThat(hiddenAgain.body()).doesNotContain("Priv");

        // Deleted since: the key still stands for it, and the caller is told it is gone.
        assertThat(api.delete("/patients/" + first.json().get("uuid").asString()).status()).isEqualTo(204);
        assertProblem(post(api, "/patients", key, patient), 404);
    }

    @Test
    void sentAtOnceWithOneKeyACreateIsWrittenOnce() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        Map<String, String> note = note(t, patient, "Sent by a client that timed out and retried at once.");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Http.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sent.add(CompletableFuture.supplyAsync(() -> post(api, "/notes", key, note), threads));
            }
            Set<String> uuids = new HashSet<>();
            int replayed = 0;
            for (CompletableFuture<Http.Response> response : sent) {
                Http.Response r = response.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(201);
                uuids.add(r.json().get("uuid").asString());
                replayed += "true".equals(r.header(IdempotencyKeys.REPLAYED)) ? 1 : 0;
            }
            assertThat(uuids).hasSize(1);
            assertThat(replayed).isEqualTo(7);
            assertThat(notesOf(patient)).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * One key sent at once with two different bodies, among creates with keys of their own: one body is written
     * and answered (again, for its repeats), the other refused; the creates around them are written as usual.
     */
    @Test
    void sentAtOnceWithOneKeyAndTwoBodiesOneIsWrittenTheOtherRefusedAndTheOthersUntouched() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        UUID bystander = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Http.Response>> contested = new ArrayList<>();
            List<CompletableFuture<Http.Response>> others = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String body = i % 2 == 0 ? "Body A." : "Body B.";
                contested.add(CompletableFuture.supplyAsync(() -> post(api, "/notes", key, note(t, patient, body)),
                        threads));
                String own = UUID.randomUUID().toString();
                others.add(CompletableFuture.supplyAsync(() -> post(api, "/notes", own, note(t, bystander, "Other.")),
                        threads));
            }
            Set<String> written = new HashSet<>();
            Set<String> contents = new HashSet<>();
            int refused = 0;
            for (CompletableFuture<Http.Response> response : contested) {
                Http.Response r = response.get(60, TimeUnit.SECONDS);
                if (r.status() == 422) {
                    assertThat(r.json().get("title").asString()).isEqualTo("Idempotency-Key reused");
                    refused++;
                    continue;
                }
                assertThat(r.status()).as(r.toString()).isEqualTo(201);
                written.add(r.json().get("uuid").asString());
                contents.add(r.json().get("content").asString());
            }
            assertThat(written).hasSize(1);
            assertThat(contents).hasSize(1);
            assertThat(refused).isEqualTo(4);
            assertThat(notesOf(patient)).isEqualTo(1);
            for (CompletableFuture<Http.Response> response : others) {
                assertThat(response.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
            }
            assertThat(notesOf(bystander)).isEqualTo(8);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A create whose key another transaction has taken and not yet committed (a first attempt still in flight,
     * on this node or another) waits for it and answers with what it created, writing nothing of its own.
     */
    @Test
    void aCreateWaitsForTheKeysFirstAttemptStillInFlightAndAnswersWithItsNote() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID org = t.organization().id();
        UUID patient = PatientFixture.patientOf(jdbc, org).insert();
        String key = UUID.randomUUID().toString();
        Map<String, String> body = note(t, patient, "In flight.");
        IdempotencyKeys.Claim claim = claim(t, key, "POST /notes", body);
        UUID[] first = new UUID[1];
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (HeldTransaction inFlight = HeldTransaction.begin(transactions, () -> {
            first[0] = notes.create(new NewNote(org, patient, t.clinician().id(), null, "memo", "In flight.")).uuid();
            assertThat(keys.record(claim, first[0])).isEmpty();
        })) {
            double replays = replays();
            Future<Http.Response> retry = thread.submit(() -> post(api, "/notes", key, body));
            await().atMost(Duration.ofSeconds(15)).until(() -> takingTheKey());
            assertThat(retry.isDone()).isFalse();
            inFlight.commit();
            Http.Response answered = retry.get(30, TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.toString()).isEqualTo(201);
            assertThat(replays()).as("counted once, by the answer, not by the wait").isEqualTo(replays + 1);
            assertThat(answered.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
            assertThat(answered.json().get("uuid").asString()).isEqualTo(first[0].toString());
            assertThat(notesOf(patient)).isEqualTo(1);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void aKeyIsForgottenAfterItsRetention() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        String key = UUID.randomUUID().toString();
        Map<String, String> note = note(t, patient, "Old.");
        IdempotencyKeys.Claim claim = claim(t, key, "POST /notes", note);
        String first = post(api, "/notes", key, note).json().get("uuid").asString();

        // Past its retention but not yet removed: the key is free, taken again by the next create.
        age(claim, keys.retention().plusMinutes(1));
        Http.Response later = post(api, "/notes", key, note);
        assertThat(later.status()).as(later.toString()).isEqualTo(201);
        assertThat(later.header(IdempotencyKeys.REPLAYED)).isNull();
        String second = later.json().get("uuid").asString();
        assertThat(second).isNotEqualTo(first);
        assertThat(post(api, "/notes", key, note).json().get("uuid").asString()).as("the key now stands for the second")
                .isEqualTo(second);

        age(claim, keys.retention().plusMinutes(1));
        assertThat(keys.expire(Instant.now().minus(keys.retention()))).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = ?").param(claim.keyHash())
                .query(Long.class).single()).isZero();
        Http.Response afterExpiry = post(api, "/notes", key, note);
        assertThat(afterExpiry.header(IdempotencyKeys.REPLAYED)).isNull();
        assertThat(notesOf(patient)).isEqualTo(3);
    }

    /**
     * Whether a create is taking a key: on PostgreSQL waiting for the lock of another transaction's; H2 retries
     * the statement until the other commits (or its lock timeout), a wait its sessions table does not show.
     */
    private boolean takingTheKey() {
        if (Databases.isPostgres(dataSource)) {
            return LockWaits.waiting(jdbc, dataSource, "INSERT INTO idempotency_keys");
        }
        return jdbc.sql("SELECT COUNT(*) FROM information_schema.sessions WHERE executing_statement LIKE ?")
                .param("INSERT INTO idempotency_keys%").query(Long.class).single() > 0;
    }

    private double replays() {
        return meters.get("notesync.idempotency.replays").counter().count();
    }

    long keyRows(String keyHash) {
        return jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = ?").param(keyHash).query(Long.class)
                .single();
    }

    void age(IdempotencyKeys.Claim claim, Duration by) {
        assertThat(jdbc.sql("UPDATE idempotency_keys SET created_at = ? WHERE key_hash = ?")
                .params(OffsetDateTime.now(ZoneOffset.UTC).minus(by), claim.keyHash()).update()).isEqualTo(1);
    }

    IdempotencyKeys.Claim claim(Tenants.Tenant t, String key, String operation, Map<String, String> body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/notes");
        request.addHeader(IdempotencyKeys.HEADER, key);
        return keys.claim(request, t.organization().id(), t.client().clientId(), null, operation,
                Http.JSON.<JsonNode>valueToTree(body)).orElseThrow();
    }

    /**
     * A token that may write notes and patients but not read them learns nothing from the answers to its writes:
     * a create, its repeat and a PATCH (even an empty one) show the resource's identity only, not what others wrote.
     */
    @Test
    void aTokenThatMayWriteButNotReadIsAnsweredWithIdentitiesOnly() {
        Tenants.Tenant t = tenants.create();
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).insert();
        Http writeOnly = t.api(port, Scopes.WRITE_NOTES, Scopes.WRITE_PATIENTS);
        String key = UUID.randomUUID().toString();
        Map<String, String> note = note(t, patient, "Seen for a cough.");

        Http.Response created = post(writeOnly, "/notes", key, note);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("uuid").asString();
        assertThat(created.header("Location")).endsWith("/notes/" + id);
        assertThat(created.json().has("content")).as(created.toString()).isFalse();
        assertThat(created.json().has("patient")).isFalse();
        assertThat(t.api(port).patch("/notes/" + id, Map.of("content", "Written by its clinician.")).status())
                .isEqualTo(200);

        Http.Response again = post(writeOnly, "/notes", key, note);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(again.json().get("uuid").asString()).isEqualTo(id);
        assertThat(again.json().has("content")).as(again.toString()).isFalse();

        Http.Response patched = writeOnly.patch("/notes/" + id, Map.of());
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("uuid").asString()).isEqualTo(id);
        assertThat(patched.json().has("content")).as(patched.toString()).isFalse();
        assertThat(writeOnly.get("/notes/" + id).status()).isEqualTo(403);

        Http.Response patient1 = writeOnly.patch("/patients/" + patient, Map.of());
        assertThat(patient1.status()).isEqualTo(200);
        assertThat(patient1.json().get("uuid").asString()).isEqualTo(patient.toString());
        assertThat(patient1.json().has("lastName")).as(patient1.toString()).isFalse();
        Http.Response newPatient = post(writeOnly, "/patients", null, Map.of("firstName", "Ann", "lastName", "Lee"));
        assertThat(newPatient.status()).as(newPatient.toString()).isEqualTo(201);
        assertThat(newPatient.json().has("lastName")).isFalse();

        Http.Response readable = t.api(port).patch("/notes/" + id, Map.of());
        assertThat(readable.json().get("content").asString()).as("a token that may read is shown the note")
                .isEqualTo("Written by its clinician.");
    }

    static Map<String, String> note(Tenants.Tenant t, UUID patient, String content) {
        return Map.of("patient", patient.toString(), "user", t.clinician().id().toString(), "type", "memo",
                "content", content);
    }

    private static Http.Response post(Http api, String path, String key, Object body) {
        HttpRequest.Builder request = api.builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body)));
        if (key != null) {
            request.header(IdempotencyKeys.HEADER, key);
        }
        return api.send(request);
    }

    private long notesOf(UUID patient) {
        return jdbc.sql("SELECT COUNT(*) FROM notes WHERE patient_id = ?").param(patient).query(Long.class).single();
    }
}
