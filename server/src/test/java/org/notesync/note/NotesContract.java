package org.notesync.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.notesync.support.ApiAssertions.assertProblem;
import static org.notesync.support.ApiAssertions.assertViolation;
import static org.notesync.support.ApiAssertions.url;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.notesync.audio.AudioFixture;
import org.notesync.identity.Accounts;
import org.notesync.identity.Scopes;
import org.notesync.patient.PatientFixture;
import org.notesync.support.HeldTransaction;
import org.notesync.support.Http;
import org.notesync.support.LockWaits;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.notesync.web.ValidationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

@ServerTest
abstract class NotesContract {

    /** Appears in request bodies so tests can check that no error ever repeats note content. */
    static final String SECRET_CONTENT = "Patient-Zebulon-reports-chest-pain";
    private static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+00:00";
    private static final Instant T0 = Instant.parse("2026-01-10T10:00:00Z");

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
    Notes notes;

    @Autowired
    NoteEventRecorder events;

    // ---- create and read -------------------------------------------------------------------------------

    @Test
    void referencesMayBeAbsoluteIrisAndContentKeepsItsControlCharacters() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = patient(t, "Marie", "Curie");
        String content = "S: cough for 3 days\r\nO:\tT 38.2\u000bP: rest\u000cA: O\u0092Brien's bronchitis";
        Http.Response created = api.post("/notes", Map.of("patient", "https://notes.example.com/api/patients/" + patient,
                "type", "memo", "content", content, "user", "/users/" + t.clinician().id()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("patient").get("uuid").asString()).isEqualTo(patient.toString());
        assertThat(created.json().get("content").asString()).isEqualTo(content);
    }

    @Test
    void aNoteIsRewrittenByItsAuthorOrTheIntegrationNeverByAColleague() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "Marie", "Curie");
        Http author = t.clinicianApi(port);
        Http colleague = t.clinicianApi(port, t.addClinician("Bob", "Colleague"));
        String note = author.post("/notes", Map.of("patient", patient.toString(), "type", "memo", "content", "Mine."))
                .json().get("uuid").asString();

        Http.Response refused = colleague.patch("/notes/" + note, Map.of("content", "Rewritten."));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString()).contains("clinician who wrote it");
        assertThat(colleague.get("/notes/" + note).json().get("content").asString()).isEqualTo("Mine.");
        assertThat(author.patch("/notes/" + note, Map.of("content", "Mine, amended.")).status()).isEqualTo(200);
        assertThat(t.api(port).patch("/notes/" + note, Map.of("content", "Corrected by the PMS.")).status())
                .isEqualTo(200);
        assertThat(colleague.patch("/notes/" + UUID.randomUUID(), Map.of("content", "x")).status())
                .as("an unknown note is still a 404").isEqualTo(404);
    }

    @Test
    void anIntegrationWritesANoteAndReadsItBackWithExactlyTheNoteFields() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = patient(t, "Marie", "Curie");
        UUID audio = AudioFixture.audioAbout(jdbc, t.organization().id(), patient).by(t.clinician().id()).insert();

        Http.Response created = api.post("/notes", Map.of("patient", "/patients/" + patient,
                "type", "consultation_summary", "content", "Patient presents with a cough.",
                "audio", audio.toString(), "user", t.clinician().id().toString()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/ld+json");
        JsonNode note = created.json();
        String uuid = note.get("uuid").asString();
        assertThat(created.header("Location")).isEqualTo("/notes/" + uuid);
        assertThat(note.get("@context").asString()).isEqualTo("/contexts/Note");
        assertThat(note.get("@id").asString()).isEqualTo("/notes/" + uuid);
        assertThat(note.get("@type").asString()).isEqualTo("Note");
        assertThat(note.get("type").asString()).isEqualTo("consultation_summary");
        assertThat(note.get("content").asString()).isEqualTo("Patient presents with a cough.");
        assertThat(note.get("createdAt").asString()).matches(DATE_TIME);
        assertThat(note.get("updatedAt").asString()).isEqualTo(note.get("createdAt").asString());
        assertThat(note.get("patient").get("uuid").asString()).isEqualTo(patient.toString());
        assertThat(note.get("patient").get("firstName").asString()).isEqualTo("Marie");
        assertThat(note.get("patient").get("lastName").asString()).isEqualTo("Curie");
        assertThat(note.get("audio").asString()).isEqualTo(audio.toString());
        assertThat(note.get("user").get("uuid").asString()).isEqualTo(t.clinician().id().toString());
        assertThat(note.get("user").get("firstName").asString()).isEqualTo("Ada");
        assertThat(note.get("user").get("lastName").asString()).isEqualTo("Lovelace");

        assertThat(api.get("/notes/" + uuid).json()).isEqualTo(note);
        Http.Response plain = api.get("/notes/" + uuid, "application/json");
        assertThat(plain.header("Content-Type")).startsWith("application/json");
        assertThat(plain.json().propertyNames()).containsExactly("uuid", "type", "content", "createdAt",
                "updatedAt", "patient", "audio", "user");
        assertThat(plain.json().get("patient").propertyNames()).containsExactly("uuid", "firstName", "lastName");
        assertThat(plain.json().get("user").propertyNames()).containsExactly("uuid", "firstName", "lastName");
    }

    @Test
    void aNoteNamesOnlyAnAudioOfItsOwnPatient() {
        Tenants.Tenant t = tenants.create();
        Tenants.Tenant other = tenants.create();
        Http api = t.api(port);
        UUID patient = patient(t, "Marie", "Curie");
        UUID otherPatient = PatientFixture.patientOf(jdbc, other.organization().id()).insert();
        UUID othersAudio = AudioFixture.audioAbout(jdbc, other.organization().id(), otherPatient)
                .by(other.clinician().id()).insert();
        // Another clinician's private patient's recording: unseen by the integration, so unknown to it.
        Accounts.User colleague = t.addClinician("Bea", "Other");
        UUID privatePatient = PatientFixture.patientOf(jdbc, t.organization().id())
                .privateTo(colleague.id()).insert();
        UUID privateAudio = AudioFixture.audioAbout(jdbc, t.organization().id(), privatePatient).by(colleague.id())
                .insert();
        UUID anotherPatientsAudio = AudioFixture.audioAbout(jdbc, t.organization().id(), patient(t, "Other", "One"))
                .by(t.clinician().id()).insert();
        for (UUID audio : List.of(UUID.randomUUID(), othersAudio, privateAudio, anotherPatientsAudio)) {
            JsonNode problem = assertViolation(api.post("/notes", Map.of("patient", patient.toString(),
                    "type", "consultation_summary", "content", "Patient presents with a cough.",
                    "audio", "/audios/" + audio, "user", t.clinician().id().toString())), "audio");
            assertThat(problem.at("/violations/0/message").asString()).isEqualTo("This patient has no such audio.");
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE patient_id = ?").param(patient).query(Long.class)
                .single()).isZero();
    }

    @Test
    void aClinicianWritesAsThemselvesAndAnIntegrationMustNameTheClinician() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        Http clinician = t.clinicianApi(port);
        Http.Response mine = clinician.post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                "content", "x"));
        assertThat(mine.status()).as(mine.toString()).isEqualTo(201);
        assertThat(mine.json().at("/user/uuid").asString()).isEqualTo(t.clinician().id().toString());
        assertThat(mine.json().get("audio").isNull()).isTrue();

        Accounts.User colleague = t.addClinician("Bea", "Other");
        assertViolation(clinician.post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                "content", "x", "user", colleague.id().toString())), "user");

        Http integration = t.api(port);
        assertViolation(integration.post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                "content", "x")), "user");
        Http.Response named = integration.post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                "content", "x", "user", "/users/" + colleague.id()));
        assertThat(named.status()).as(named.toString()).isEqualTo(201);
        assertThat(named.json().at("/user/firstName").asString()).isEqualTo("Bea");
    }

    // ---- events ----------------------------------------------------------------------------------------

    @Test
    void creatingANotePublishesCreatedInsideItsTransaction() {
        Tenants.Tenant t = tenants.create();
        UUID owner = t.clinician().id();
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).named("P", "Q").privateTo(owner)
                .insert();
        Http.Response created = t.clinicianApi(port).post("/notes", Map.of("patient", patient.toString(),
                "type", "consultation_summary", "content", "Event me."));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().get("uuid").asString());

        List<NoteEventRecorder.Seen> seen = events.published(id);
        assertThat(seen).hasSize(1);
        NoteEventRecorder.Seen event = seen.get(0);
        assertThat(event.inTransaction()).as("published inside a transaction").isTrue();
        assertThat(event.noteRowVisible()).as("the listener sees the uncommitted note row").isTrue();
        assertThat(event.event().action()).isEqualTo(NoteEvent.Action.CREATED);
        assertThat(event.event().organizationId()).isEqualTo(t.organization().id());
        assertThat(event.event().patientVisibility()).isEqualTo("private");
        assertThat(event.event().patientOwnerId()).isEqualTo(owner);
        assertThat(event.event().note().content()).isEqualTo("Event me.");
        assertThat(event.event().note().patient().uuid()).isEqualTo(patient);
        assertThat(event.event().note().user().uuid()).isEqualTo(owner);
        assertThat(events.committed(id)).hasSize(1);
    }

    @Test
    void patchingANoteChangesItBumpsUpdatedAtKeepsCreatedAtAndPublishesUpdated() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode created = api.post("/notes", Map.of("patient", patient(t, "A", "B").toString(), "type", "memo",
                "content", "First draft.", "user", t.clinician().id().toString())).json();
        String uuid = created.get("uuid").asString();
        Instant createdAt = times(uuid).get(0);

        Http.Response content = api.patch("/notes/" + uuid, Map.of("content", "Second draft."));
        assertThat(content.status()).as(content.toString()).isEqualTo(200);
        assertThat(content.json().get("content").asString()).isEqualTo("Second draft.");
        assertThat(content.json().get("type").asString()).isEqualTo("memo");
        assertThat(content.json().get("createdAt")).isEqualTo(created.get("createdAt"));
        assertThat(content.json().get("patient")).isEqualTo(created.get("patient"));
        List<Instant> afterContent = times(uuid);
        assertThat(afterContent.get(0)).as("createdAt kept").isEqualTo(createdAt);
        assertThat(afterContent.get(1)).as("updatedAt bumped").isAfter(createdAt);

        Http.Response type = api.patch("/notes/" + uuid, Map.of("type", "discharge_letter"));
        assertThat(type.json().get("type").asString()).isEqualTo("discharge_letter");
        assertThat(type.json().get("content").asString()).isEqualTo("Second draft.");
        assertThat(times(uuid).get(1)).isAfter(afterContent.get(1));
        assertThat(api.get("/notes/" + uuid).json()).isEqualTo(type.json());

        List<NoteEventRecorder.Seen> seen = events.published(UUID.fromString(uuid));
        assertThat(seen).extracting(s -> s.event().action()).containsExactly(NoteEvent.Action.CREATED,
                NoteEvent.Action.UPDATED, NoteEvent.Action.UPDATED);
        assertThat(seen).allMatch(NoteEventRecorder.Seen::inTransaction).allMatch(NoteEventRecorder.Seen::noteRowVisible);
        assertThat(seen.get(1).event().note().content()).isEqualTo("Second draft.");
        assertThat(seen.get(2).event().note().type()).isEqualTo("discharge_letter");

        Http.Response nothing = api.patch("/notes/" + uuid, Map.of());
        assertThat(nothing.status()).isEqualTo(200);
        assertThat(events.published(UUID.fromString(uuid))).as("an empty PATCH changes nothing").hasSize(3);

        Instant updatedAt = times(uuid).get(1);
        Http.Response same = api.patch("/notes/" + uuid, Map.of("content", "Second draft.", "type", "discharge_letter"));
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json()).isEqualTo(type.json());
        assertThat(events.published(UUID.fromString(uuid))).as("nor does one saying what the note says").hasSize(3);
        assertThat(times(uuid).get(1)).as("updatedAt kept").isEqualTo(updatedAt);
        Http.Response oneChanged = api.patch("/notes/" + uuid, Map.of("content", "Second draft.", "type", "memo"));
        assertThat(oneChanged.json().get("type").asString()).isEqualTo("memo");
        assertThat(events.published(UUID.fromString(uuid))).hasSize(4);
    }

    @Test
    void aPatchRestoringTheTextAConcurrentEditIsWritingWaitsForItAndWins() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String uuid = api.post("/notes", Map.of("patient", patient(t, "A", "B").toString(), "type", "memo",
                "content", "Original.", "user", t.clinician().id().toString())).json().get("uuid").asString();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        // A colleague's edit, its transaction holding the row when the revert arrives.
        try (HeldTransaction edit = HeldTransaction.begin(transactions, () -> jdbc.sql(
                "UPDATE notes SET content = 'Edited.' WHERE id = ?").param(UUID.fromString(uuid)).update())) {
            var revert = threads.submit(() -> api.patch("/notes/" + uuid, Map.of("content", "Original.")));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> LockWaits.waiting(jdbc, dataSource, "") || revert.isDone());
            edit.commit();
            Http.Response reverted = revert.get(30, TimeUnit.SECONDS);
            assertThat(reverted.json().get("content").asString()).isEqualTo("Original.");
        } finally {
            threads.shutdownNow();
        }
        assertThat(api.get("/notes/" + uuid).json().get("content").asString()).as("the later write won")
                .isEqualTo("Original.");
    }

    @Test
    void aListenerThatFailsRollsTheNoteBackAndNothingIsCommitted() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        String content = NoteEventRecorder.REFUSE + UUID.randomUUID();
        assertThatThrownBy(() -> notes.create(new NewNote(t.organization().id(), patient, t.clinician().id(), null,
                "memo", content))).isInstanceOf(IllegalStateException.class);

        assertThat(events.publishedWithContent(content)).as("the listener ran").hasSize(1);
        assertThat(events.committedWithContent(content)).as("no event committed").isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE organization_id = ?").param(t.organization().id())
                .query(Long.class).single()).as("no note row").isZero();
    }

    @Test
    void concurrentCreatesEachCommitWithTheirEventAndOneThatFailsInASharedTransactionFailsAlone() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = patient(t, "A", "B");
        String refused = NoteEventRecorder.REFUSE + UUID.randomUUID();
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            contents.add(i == 7 ? refused : "Concurrent note " + i + " " + UUID.randomUUID());
        }
        // Sent together, so the group commit takes several of them into one transaction (the refused note's
        // listener then rolls that transaction back and its notes are written again one at a time).
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(contents.size());
        List<CompletableFuture<Http.Response>> responses = contents.stream()
                .map(content -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return api.post("/notes", Map.of("patient", patient.toString(), "type", "memo",
                            "content", content));
                }, clients))
                .toList();
        go.countDown();
        clients.shutdown();

        for (int i = 0; i < contents.size(); i++) {
            Http.Response response = responses.get(i).get(30, TimeUnit.SECONDS);
            if (i == 7) {
                assertThat(response.status()).as(response.toString()).isEqualTo(500);
                assertThat(response.body()).doesNotContain(refused);
                continue;
            }
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
            UUID id = UUID.fromString(response.json().get("uuid").asString());
            assertThat(response.json().get("content").asString()).isEqualTo(contents.get(i));
            assertThat(events.committed(id)).as("committed with its event").hasSize(1);
            assertThat(jdbc.sql("SELECT content FROM notes WHERE id = ?").param(id).query(String.class).single())
                    .isEqualTo(contents.get(i));
        }
        assertThat(events.committedWithContent(refused)).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE organization_id = ?").param(t.organization().id())
                .query(Long.class).single()).as("every note but the refused one, once").isEqualTo(15);
    }

    @Test
    void thePublicCreateRefusesAPatientOrClinicianOfAnotherOrganization() {
        Tenants.Tenant a = tenants.create();
        Tenants.Tenant b = tenants.create();
        UUID patientOfA = patient(a, "A", "B");
        assertThatThrownBy(() -> notes.create(new NewNote(b.organization().id(), patientOfA, b.clinician().id(),
                null, "memo", "x"))).isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.violations()).extracting(v -> v.propertyPath()).containsExactly("patient"));
        assertThatThrownBy(() -> notes.create(new NewNote(a.organization().id(), patientOfA, b.clinician().id(),
                null, "Not A Type", "x"))).isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.violations()).extracting(v -> v.propertyPath())
                                .containsExactlyInAnyOrder("type", "user"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE patient_id = ?").param(patientOfA)
                .query(Long.class).single()).isZero();
    }

    // ---- collections -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("dateFilters")
    void dateFiltersWithEveryOperatorAndBothSpellings(String query, List<Integer> expected) {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                    .createdAt(T0.plusSeconds(86400L * i))
                    .updatedAt(Instant.parse("2026-02-05T00:00:00Z").minusSeconds(86400L * i)).insert().toString());
        }
        assertThat(uuids(t.api(port).get(url("/notes?" + query))))
                .containsExactlyElementsOf(expected.stream().map(ids::get).toList());
    }

    static Stream<Arguments> dateFilters() {
        return Stream.of(
                Arguments.of("createdAt[after]=2026-01-12T10:00:00%2B00:00", List.of(2, 3, 4)),
                Arguments.of("createdAt[after]=2026-01-12T12:00:00+02:00", List.of(2, 3, 4)),
                Arguments.of("createdAt[strictly_after]=2026-01-12T10:00:00Z", List.of(3, 4)),
                Arguments.of("createdAt[strictly_after]=2026-01-12T10:00:00.000001Z", List.of(3, 4)),
                Arguments.of("createdAt[strictly_after]=2026-01-12T09:59:59.999999Z", List.of(2, 3, 4)),
                Arguments.of("createdAt[before]=2026-01-12T12:00:00%2B02:00", List.of(0, 1, 2)),
                Arguments.of("createdAt[strictly_before]=2026-01-12T07:00:00-03:00", List.of(0, 1)),
                Arguments.of("createdAt[gt]=2026-01-12T10:00:00Z", List.of(3, 4)),
                Arguments.of("createdAt[gte]=2026-01-12T10:00:00Z", List.of(2, 3, 4)),
                Arguments.of("createdAt[lt]=2026-01-12T10:00:00Z", List.of(0, 1)),
                Arguments.of("createdAt[lte]=2026-01-12T10:00:00Z", List.of(0, 1, 2)),
                Arguments.of("createdAt[between]=2026-01-11T10:00:00Z..2026-01-13T10:00:00Z", List.of(1, 2, 3)),
                Arguments.of("createdAt[after]=2026-01-12", List.of(2, 3, 4)),
                Arguments.of("createdAt[before]=2026-01-12", List.of(0, 1)),
                Arguments.of("createdAt[after]=2026-01-11&createdAt[before]=2026-01-13", List.of(1, 2)),
                Arguments.of("createdAt[after]=2026-01-11&updatedAt[after]=2026-02-03", List.of(1, 2)),
                Arguments.of("updatedAt[after]=2026-02-03", List.of(0, 1, 2)),
                Arguments.of("updatedAt[strictly_after]=2026-02-03T00:00:00Z", List.of(0, 1)),
                Arguments.of("updatedAt[before]=2026-02-03T00:00:00Z", List.of(2, 3, 4)),
                Arguments.of("updatedAt[strictly_before]=2026-02-03T00:00:00Z", List.of(3, 4)),
                Arguments.of("updatedAt[gt]=2026-02-03", List.of(0, 1)),
                Arguments.of("updatedAt[gte]=2026-02-03", List.of(0, 1, 2)),
                Arguments.of("updatedAt[lt]=2026-02-03", List.of(3, 4)),
                Arguments.of("updatedAt[lte]=2026-02-03", List.of(2, 3, 4)),
                Arguments.of("updatedAt[between]=2026-02-02..2026-02-04", List.of(1, 2, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("theSecondShown")
    void aFilterOnTheSecondANoteShowsFindsItWhereTheOperatorIncludesThatSecond(String operator, boolean found) {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        String id = NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                .createdAt(Instant.parse("2026-01-12T10:00:00.700000Z")).insert().toString();
        String shown = t.api(port).get("/notes/" + id).json().get("createdAt").asString();
        assertThat(shown).isEqualTo("2026-01-12T10:00:00+00:00");
        String value = operator.equals("between") ? shown + ".." + shown : shown;
        List<String> listed = uuids(t.api(port).get(url("/notes?createdAt[" + operator + "]="
                + value.replace("+", "%2B"))));
        assertThat(listed).as(operator + " " + value).isEqualTo(found ? List.of(id) : List.of());
    }

    static Stream<Arguments> theSecondShown() {
        return Stream.of(Arguments.of("after", true), Arguments.of("gte", true), Arguments.of("before", true),
                Arguments.of("lte", true), Arguments.of("between", true), Arguments.of("strictly_before", false),
                Arguments.of("lt", false),
                // A poller passing the last createdAt it saw sees that note again rather than miss a later one.
                Arguments.of("strictly_after", true), Arguments.of("gt", true));
    }

    @Test
    void aFilterWithAFractionComparesExactly() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        String id = NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                .createdAt(Instant.parse("2026-01-12T10:00:00.700000Z")).insert().toString();
        Http api = t.api(port);
        assertThat(uuids(api.get(url("/notes?createdAt[lte]=2026-01-12T10:00:00.5Z")))).isEmpty();
        assertThat(uuids(api.get(url("/notes?createdAt[lte]=2026-01-12T10:00:00.7Z")))).containsExactly(id);
        assertThat(uuids(api.get(url("/notes?createdAt[strictly_after]=2026-01-12T10:00:00.7Z")))).isEmpty();
    }

    @Test
    void exactFiltersOnPatientAudioUserAndTypeAlsoAsLists() {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Bea", "Other");
        UUID p1 = patient(t, "One", "P");
        UUID p2 = patient(t, "Two", "P");
        UUID p3 = patient(t, "Three", "P");
        UUID audio = UUID.randomUUID();
        UUID org = t.organization().id();
        String n1 = NoteFixture.noteAbout(jdbc, org, p1).by(t.clinician().id()).fromAudio(audio)
                .createdAt(T0).insert().toString();
        String n2 = NoteFixture.noteAbout(jdbc, org, p2).by(colleague.id()).type("referral_letter")
                .createdAt(T0.plusSeconds(1)).insert().toString();
        String n3 = NoteFixture.noteAbout(jdbc, org, p3).by(t.clinician().id()).type("referral_letter")
                .createdAt(T0.plusSeconds(2)).insert().toString();
        Http api = t.api(port);

        assertThat(uuids(api.get("/notes?patient=" + p1))).containsExactly(n1);
        assertThat(uuids(api.get("/notes?patient=/patients/" + p2))).containsExactly(n2);
        assertThat(uuids(api.get(url("/notes?patient[]=" + p1 + "&patient[]=" + p3)))).containsExactly(n1, n3);
        assertThat(uuids(api.get("/notes?patient=" + p1 + "&patient=" + p2))).containsExactly(n1, n2);
        assertThat(uuids(api.get("/notes?patient=" + UUID.randomUUID()))).isEmpty();
        assertThat(uuids(api.get("/notes?audio=" + audio))).containsExactly(n1);
        assertThat(uuids(api.get("/notes?audio=/audios/" + audio))).containsExactly(n1);
        assertThat(uuids(api.get("/notes?user=" + colleague.id()))).containsExactly(n2);
        assertThat(uuids(api.get(url("/notes?user[]=" + colleague.id() + "&user[]=" + t.clinician().id()))))
                .containsExactly(n1, n2, n3);
        assertThat(uuids(api.get("/notes?type=referral_letter"))).containsExactly(n2, n3);
        assertThat(uuids(api.get(url("/notes?type[]=consultation_summary&type[]=referral_letter"))))
                .containsExactly(n1, n2, n3);
        assertThat(uuids(api.get("/notes?type=referral_letter&user=" + t.clinician().id()))).containsExactly(n3);
        assertThat(uuids(api.get(url("/notes?patient=" + p2 + "&createdAt[after]=2026-01-10T10:00:01Z"))))
                .containsExactly(n2);
    }

    @Test
    void ordersByCreatedAtOrUpdatedAtTieBrokenById() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        UUID org = t.organization().id();
        UUID user = t.clinician().id();
        String early = NoteFixture.noteAbout(jdbc, org, patient).by(user).createdAt(T0)
                .updatedAt(T0.plusSeconds(100)).insert().toString();
        List<String> tied = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tied.add(NoteFixture.noteAbout(jdbc, org, patient).by(user).createdAt(T0.plusSeconds(10))
                    .updatedAt(T0.plusSeconds(10)).insert().toString());
        }
        // Both databases order uuid columns bytewise, which is the order of their text (not UUID.compareTo's).
        tied.sort(null);
        List<String> tiedDescending = new ArrayList<>(tied);
        java.util.Collections.reverse(tiedDescending);
        Http api = t.api(port);

        List<String> ascending = new ArrayList<>(List.of(early));
        ascending.addAll(tied);
        assertThat(uuids(api.get("/notes"))).containsExactlyElementsOf(ascending);
        assertThat(uuids(api.get(url("/notes?order[createdAt]=asc")))).containsExactlyElementsOf(ascending);
        List<String> descending = new ArrayList<>(tiedDescending);
        descending.add(early);
        assertThat(uuids(api.get(url("/notes?order[createdAt]=desc")))).containsExactlyElementsOf(descending);
        List<String> byUpdate = new ArrayList<>(tied);
        byUpdate.add(early);
        assertThat(uuids(api.get(url("/notes?order[updatedAt]=asc")))).containsExactlyElementsOf(byUpdate);
        List<String> byUpdateDescending = new ArrayList<>(List.of(early));
        byUpdateDescending.addAll(tiedDescending);
        assertThat(uuids(api.get(url("/notes?order[updatedAt]=DESC")))).containsExactlyElementsOf(byUpdateDescending);

        List<String> paged = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            paged.addAll(uuids(api.get(url("/notes?order[createdAt]=desc&itemsPerPage=2&page=" + page))));
        }
        assertThat(paged).as("pages neither repeat nor skip a note").containsExactlyElementsOf(descending);
    }

    @Test
    void pagesAsHydraCollectionsWithTheirEdges() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                    .createdAt(T0.plusSeconds(i)).insert().toString());
        }
        Http api = t.api(port);

        Http.Response first = api.get("/notes?itemsPerPage=2");
        assertThat(first.header("Content-Type")).startsWith("application/ld+json");
        JsonNode body = first.json();
        assertThat(body.get("@context").asString()).isEqualTo("/contexts/Note");
        assertThat(body.get("@id").asString()).isEqualTo("/notes");
        assertThat(body.get("@type").asString()).isEqualTo("Collection");
        assertThat(body.get("totalItems").asInt()).isEqualTo(5);
        assertThat(uuids(first)).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(body.at("/member/0/@id").asString()).isEqualTo("/notes/" + ids.get(0));
        assertThat(body.at("/member/0/@type").asString()).isEqualTo("Note");
        assertThat(body.at("/view/@type").asString()).isEqualTo("PartialCollectionView");
        assertThat(body.at("/view/first").asString()).isEqualTo("/notes?itemsPerPage=2&page=1");
        assertThat(body.at("/view/last").asString()).isEqualTo("/notes?itemsPerPage=2&page=3");
        assertThat(body.at("/view/next").asString()).isEqualTo("/notes?itemsPerPage=2&page=2");
        assertThat(body.at("/view").has("previous")).isFalse();

        Http.Response last = api.get("/notes?itemsPerPage=2&page=3");
        assertThat(uuids(last)).containsExactly(ids.get(4));
        assertThat(last.json().at("/view/previous").asString()).isEqualTo("/notes?itemsPerPage=2&page=2");
        assertThat(last.json().at("/view").has("next")).isFalse();

        Http.Response past = api.get("/notes?itemsPerPage=2&page=9");
        assertThat(uuids(past)).isEmpty();
        assertThat(past.json().get("totalItems").asInt()).isEqualTo(5);
        assertThat(past.json().at("/view/last").asString()).isEqualTo("/notes?itemsPerPage=2&page=3");
        assertThat(past.json().at("/view/previous").asString()).isEqualTo("/notes?itemsPerPage=2&page=3");
        assertThat(past.json().at("/view").has("next")).isFalse();

        Http.Response far = api.get("/notes?itemsPerPage=2147483647&page=2147483647");
        assertThat(uuids(far)).isEmpty();
        assertThat(far.json().get("totalItems").asInt()).isEqualTo(5);
        assertThat(far.json().at("/view/first").asString()).as("links page by what was served")
                .isEqualTo("/notes?itemsPerPage=100&page=1");
        Http.Response beyond = api.get("/notes?page=99999999999");
        assertThat(assertProblem(beyond, 400).get("detail").asString()).contains("is too large: at most 2147483647.");

        Http.Response none = api.get("/notes?itemsPerPage=0");
        assertThat(uuids(none)).isEmpty();
        assertThat(none.json().get("totalItems").asInt()).isEqualTo(5);

        Http.Response byDefault = api.get("/notes");
        assertThat(uuids(byDefault)).containsExactlyElementsOf(ids);

        Http.Response linked = api.get("/notes?itemsPerPage=2&page=2", "application/json");
        assertThat(linked.header("Link")).isEqualTo("</notes?itemsPerPage=2&page=1>; rel=\"first\", "
                + "</notes?itemsPerPage=2&page=3>; rel=\"last\", </notes?itemsPerPage=2&page=3>; rel=\"next\", "
                + "</notes?itemsPerPage=2&page=1>; rel=\"prev\"");
        // A long filter (the patient among 120 others): its Link header repeats the query four times, 24 KB.
        StringBuilder many = new StringBuilder("/notes?itemsPerPage=2&page=2&patient%5B%5D=" + patient);
        for (int i = 0; i < 120; i++) {
            many.append("&patient%5B%5D=").append(UUID.randomUUID());
        }
        Http.Response longLinks = api.get(many.toString(), "application/json");
        assertThat(longLinks.status()).as(longLinks.toString()).isEqualTo(200);
        assertThat(longLinks.header("Link")).hasSizeGreaterThan(20_000).contains("rel=\"next\"");
        Http.Response plain = api.get("/notes?itemsPerPage=2&page=2", "application/json");
        assertThat(plain.header("Content-Type")).startsWith("application/json");
        assertThat(plain.json().isArray()).isTrue();
        assertThat(plain.json().valueStream().map(n -> n.get("uuid").asString()).toList())
                .containsExactlyElementsOf(ids.subList(2, 4));
        assertThat(plain.json().get(0).has("@id")).isFalse();

        assertThat(api.get("/notes", "application/ld+json").header("Content-Type")).startsWith("application/ld+json");
        assertProblem(api.get("/notes", "application/xml"), 406);
        assertProblem(api.get("/notes/" + ids.get(0), "application/xml"), 406);
    }

    @Test
    void itemsPerPageAboveTheMaximumIsClampedTo100() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        for (int i = 0; i < 101; i++) {
            NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                    .createdAt(T0.plusSeconds(i)).insert();
        }
        Http.Response page = t.api(port).get("/notes?itemsPerPage=500");
        assertThat(uuids(page)).hasSize(100);
        assertThat(page.json().get("totalItems").asInt()).isEqualTo(101);
        assertThat(page.json().at("/view/last").asString()).endsWith("page=2");
        assertThat(uuids(t.api(port).get("/notes?itemsPerPage=500&page=2"))).hasSize(1);
        assertThat(uuids(t.api(port).get("/notes"))).as("20 by default").hasSize(20);
    }

    // ---- isolation and visibility ----------------------------------------------------------------------

    @Test
    void anotherOrganizationNeverReadsChangesListsOrLearnsOfANote() {
        Tenants.Tenant a = tenants.create();
        Tenants.Tenant b = tenants.create();
        UUID patientOfA = patient(a, "Only", "A");
        String note = a.api(port).post("/notes", Map.of("patient", patientOfA.toString(), "type", "memo",
                "content", "A's note", "user", a.clinician().id().toString())).json().get("uuid").asString();
        UUID patientOfB = patient(b, "Only", "B");

        for (Http other : List.of(b.api(port), b.clinicianApi(port))) {
            JsonNode notFound = assertProblem(other.get("/notes/" + note), 404);
            assertThat(notFound.get("detail").asString()).isEqualTo("Note not found.");
            assertProblem(other.patch("/notes/" + note, Map.of("content", "mine now")), 404);
            assertThat(other.get("/notes").json().get("totalItems").asInt()).isZero();
            assertThat(uuids(other.get("/notes?patient=" + patientOfA))).isEmpty();
            assertThat(uuids(other.get("/notes?user=" + a.clinician().id()))).isEmpty();
            Http.Response aboutA = other.post("/notes", Map.of("patient", patientOfA.toString(), "type", "memo",
                    "content", SECRET_CONTENT, "user", b.clinician().id().toString()));
            JsonNode problem = assertViolation(aboutA, "patient");
            assertThat(problem.get("violations").get(0).get("message").asString())
                    .isEqualTo("This patient does not exist.");
            assertThat(aboutA.body()).doesNotContain(SECRET_CONTENT);
        }
        assertViolation(b.api(port).post("/notes", Map.of("patient", patientOfB.toString(), "type", "memo",
                "content", "x", "user", a.clinician().id().toString())), "user");
        assertThat(a.api(port).get("/notes/" + note).json().get("content").asString()).isEqualTo("A's note");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM notes WHERE organization_id = ?").param(b.organization().id())
                .query(Long.class).single()).isZero();
    }

    @Test
    void notesOfAPrivatePatientStayWithItsClinician() {
        Tenants.Tenant t = tenants.create();
        Http owner = t.clinicianApi(port);
        Accounts.User colleagueUser = t.addClinician("Bea", "Other");
        Http colleague = t.clinicianApi(port, colleagueUser);
        Http integration = t.api(port);
        String privatePatient = owner.post("/patients", Map.of("firstName", "Priv", "lastName", "Ate",
                "visibilityOption", "private")).json().get("uuid").asString();
        String sharedPatient = owner.post("/patients", Map.of("firstName", "Sha", "lastName", "Red"))
                .json().get("uuid").asString();
        String privateNote = owner.post("/notes", Map.of("patient", privatePatient, "type", "memo",
                "content", "private")).json().get("uuid").asString();
        String sharedNote = owner.post("/notes", Map.of("patient", sharedPatient, "type", "memo",
                "content", "shared")).json().get("uuid").asString();

        assertThat(uuids(owner.get("/notes"))).containsExactly(privateNote, sharedNote);
        assertThat(owner.get("/notes").json().get("totalItems").asInt()).isEqualTo(2);
        assertThat(owner.get("/notes?createdAt%5Bafter%5D=2000-01-01").json().get("totalItems").asInt()).isEqualTo(2);
        assertThat(owner.get("/notes/" + privateNote).status()).isEqualTo(200);
        for (Http other : List.of(colleague, integration)) {
            Http.Response list = other.get("/notes");
            assertThat(uuids(list)).containsExactly(sharedNote);
            assertThat(list.json().get("totalItems").asInt()).isEqualTo(1);
            assertThat(other.get("/notes?createdAt%5Bafter%5D=2000-01-01").json().get("totalItems").asInt())
                    .isEqualTo(1);
            assertThat(uuids(other.get("/notes?patient=" + privatePatient))).isEmpty();
            assertProblem(other.get("/notes/" + privateNote), 404);
            assertProblem(other.patch("/notes/" + privateNote, Map.of("content", "changed")), 404);
            assertViolation(other.post("/notes", Map.of("patient", privatePatient, "type", "memo",
                    "content", "x", "user", colleagueUser.id().toString())), "patient");
        }
        assertThat(owner.get("/notes/" + privateNote).json().get("content").asString()).isEqualTo("private");
    }

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @MethodSource("endpoints")
    void everyEndpointNeedsItsScope(String method, String path, String scope) {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        String note = NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                .content("unchanged").insert().toString();
        String[] allButOne = Scopes.INTEGRATION.stream().filter(s -> !s.equals(scope)).toArray(String[]::new);
        String body = "{\"patient\":\"" + patient + "\",\"type\":\"memo\",\"content\":\"changed\",\"user\":\""
                + t.clinician().id() + "\"}";
        Http.Response response = t.api(port, allButOne).raw(method, path.replace("{id}", note),
                method.equals("GET") ? null : "application/json", method.equals("GET") ? null : body);
        assertThat(assertProblem(response, 403).get("title").asString()).isEqualTo("Forbidden");
        assertThat(response.json().get("detail").asString()).contains("needs the scope " + scope + ",");
        assertThat(response.header("WWW-Authenticate")).endsWith("scope=\"" + scope + "\"");
        assertThat(t.api(port).get("/notes").json().get("totalItems").asInt()).isEqualTo(1);
        assertThat(t.api(port).get("/notes/" + note).json().get("content").asString()).isEqualTo("unchanged");
    }

    /** A HEAD is answered by the GET's handler, whose headers (a page's Link, 200 or 404) tell what it found. */
    @Test
    void aHeadNeedsTheScopeOfItsGet() {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        String note = NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                .content("unchanged").insert().toString();
        Http profileOnly = t.api(port, Scopes.PROFILE);
        for (String path : List.of("/notes?patient=" + patient, "/notes/" + note, "/notes/feed")) {
            Http.Response response = profileOnly.send(profileOnly.builder(path).header("Accept", "application/json")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.header("Link")).as(path).isNull();
            assertThat(response.header("WWW-Authenticate")).as(path).endsWith("scope=\"" + Scopes.READ_NOTES + "\"");
        }
    }

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("GET", "/notes", Scopes.READ_NOTES),
                Arguments.of("GET", "/notes/{id}", Scopes.READ_NOTES),
                Arguments.of("POST", "/notes", Scopes.WRITE_NOTES),
                Arguments.of("PATCH", "/notes/{id}", Scopes.WRITE_NOTES));
    }

    // ---- bad input -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputIsAClear4xxProblemThatNeverEchoesContent(String name, String method, String path,
            String contentType, String bodyTemplate, int status, String property) {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t, "A", "B");
        String note = NoteFixture.noteAbout(jdbc, t.organization().id(), patient).by(t.clinician().id())
                .content("unchanged").insert().toString();
        String body = bodyTemplate == null ? null : bodyTemplate.replace("{patient}", patient.toString())
                .replace("{user}", t.clinician().id().toString());
        String target = path.replace("{id}", note);
        Http.Response response = t.api(port).raw(method, target, contentType, body);
        JsonNode problem = property == null ? assertProblem(response, status) : assertViolation(response, property);
        assertThat(problem.get("instance").asString()).isEqualTo(target);
        assertThat(response.body()).doesNotContain(SECRET_CONTENT);
        assertThat(t.api(port).get("/notes").json().get("totalItems").asInt()).as("nothing created").isEqualTo(1);
        assertThat(t.api(port).get("/notes/" + note).json().get("content").asString()).isEqualTo("unchanged");
        assertThat(events.publishedWithContent(SECRET_CONTENT)).isEmpty();
    }

    static Stream<Arguments> badBodies() {
        String json = "application/json";
        String merge = "application/merge-patch+json";
        String c = SECRET_CONTENT;
        String ok = "\"patient\": \"{patient}\", \"user\": \"{user}\"";
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "/notes", json, "{\"content\": \"" + c + "\", ", 400, null),
                Arguments.of("an array", "POST", "/notes", json, "[{" + ok + ", \"type\": \"memo\", \"content\": \"" + c + "\"}]", 400, null),
                Arguments.of("a number", "POST", "/notes", json, "42", 400, null),
                Arguments.of("type with spaces", "POST", "/notes", json, "{" + ok + ", \"type\": \"Consultation Summary\", \"content\": \"" + c + "\"}", 422, "type"),
                Arguments.of("type starting with a digit", "POST", "/notes", json, "{" + ok + ", \"type\": \"1st\", \"content\": \"" + c + "\"}", 422, "type"),
                Arguments.of("type too long", "POST", "/notes", json, "{" + ok + ", \"type\": \"" + "a".repeat(65) + "\", \"content\": \"" + c + "\"}", 422, "type"),
                Arguments.of("type a number", "POST", "/notes", json, "{" + ok + ", \"type\": 7, \"content\": \"" + c + "\"}", 422, "type"),
                Arguments.of("type missing", "POST", "/notes", json, "{" + ok + ", \"content\": \"" + c + "\"}", 422, "type"),
                Arguments.of("content with a NUL character", "POST", "/notes", json, "{" + ok + ", \"type\": \"memo\", \"content\": \"" + c + "\\u0000\"}", 422, "content"),
                Arguments.of("PATCH content with a NUL character", "PATCH", "/notes/{id}", merge, "{\"content\": \"" + c + "\\u0000\"}", 422, "content"),
                Arguments.of("content missing", "POST", "/notes", json, "{" + ok + ", \"type\": \"memo\"}", 422, "content"),
                Arguments.of("content blank", "POST", "/notes", json, "{" + ok + ", \"type\": \"memo\", \"content\": \"  \"}", 422, "content"),
                Arguments.of("content an object", "POST", "/notes", json, "{" + ok + ", \"type\": \"memo\", \"content\": {\"text\": \"" + c + "\"}}", 422, "content"),
                Arguments.of("content too long", "POST", "/notes", json, "{" + ok + ", \"type\": \"memo\", \"content\": \"" + c.repeat(100_000 / c.length() + 1) + "\"}", 422, "content"),
                Arguments.of("patient missing", "POST", "/notes", json, "{\"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("patient not a uuid", "POST", "/notes", json, "{\"patient\": \"bob\", \"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("patient unknown", "POST", "/notes", json, "{\"patient\": \"" + UUID.randomUUID() + "\", \"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("patient a clinician's IRI", "POST", "/notes", json, "{\"patient\": \"/users/{patient}\", \"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("patient an IRI of nothing", "POST", "/notes", json, "{\"patient\": \"http://elsewhere.example/anything/{patient}\", \"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("patient a shortened uuid", "POST", "/notes", json, "{\"patient\": \"1-2-3-4-5\", \"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("user a patient's IRI", "POST", "/notes", json, "{\"patient\": \"{patient}\", \"user\": \"/patients/{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "user"),
                Arguments.of("content with half a surrogate pair", "PATCH", "/notes/{id}", merge, "{\"content\": \"" + c + "\\udc00\"}", 422, "content"),
                Arguments.of("patient a number", "POST", "/notes", json, "{\"patient\": 12, \"user\": \"{user}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "patient"),
                Arguments.of("audio not a uuid", "POST", "/notes", json, "{" + ok + ", \"audio\": \"x\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "audio"),
                Arguments.of("user not a uuid", "POST", "/notes", json, "{\"patient\": \"{patient}\", \"user\": \"me\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "user"),
                Arguments.of("user missing with client credentials", "POST", "/notes", json, "{\"patient\": \"{patient}\", \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "user"),
                Arguments.of("user null with client credentials", "POST", "/notes", json, "{\"patient\": \"{patient}\", \"user\": null, \"type\": \"memo\", \"content\": \"" + c + "\"}", 422, "user"),
                Arguments.of("PATCH type invalid", "PATCH", "/notes/{id}", merge, "{\"type\": \"Bad Type\", \"content\": \"" + c + "\"}", 422, "type"),
                Arguments.of("PATCH content null", "PATCH", "/notes/{id}", merge, "{\"content\": null}", 422, "content"),
                Arguments.of("PATCH content a number", "PATCH", "/notes/{id}", merge, "{\"content\": 5}", 422, "content"),
                Arguments.of("PATCH malformed", "PATCH", "/notes/{id}", merge, "{\"content\": \"" + c, 400, null),
                Arguments.of("PATCH an array", "PATCH", "/notes/{id}", merge, "[\"" + c + "\"]", 400, null),
                Arguments.of("text/plain", "POST", "/notes", "text/plain", c, 415, null),
                Arguments.of("form-encoded", "POST", "/notes", "application/x-www-form-urlencoded", "content=" + c, 415, null),
                Arguments.of("PATCH text/plain", "PATCH", "/notes/{id}", "text/plain", c, 415, null),
                Arguments.of("PUT", "PUT", "/notes/{id}", json, "{\"content\": \"" + c + "\"}", 405, null),
                Arguments.of("DELETE", "DELETE", "/notes/{id}", null, null, 405, null),
                Arguments.of("PATCH the collection", "PATCH", "/notes", merge, "{\"content\": \"" + c + "\"}", 405, null));
    }

    @Test
    void anOversizeBodyIs413() {
        Tenants.Tenant t = tenants.create();
        String body = "{\"patient\": \"" + patient(t, "A", "B") + "\", \"user\": \"" + t.clinician().id()
                + "\", \"type\": \"memo\", \"content\": \"" + SECRET_CONTENT.repeat(40_000) + "\"}";
        assertThat(body.length()).isGreaterThan(1024 * 1024);
        Http.Response response = t.api(port).raw("POST", "/notes", "application/json", body);
        assertProblem(response, 413);
        assertThat(response.body()).doesNotContain(SECRET_CONTENT);
        assertThat(t.api(port).get("/notes").json().get("totalItems").asInt()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void aBadQueryParameterIs400NamingIt(String query, String parameter) {
        Tenants.Tenant t = tenants.create();
        JsonNode problem = assertProblem(t.api(port).get(url("/notes?" + query)), 400);
        assertThat(problem.get("detail").asString()).contains("\"" + parameter + "\"");
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("createdAt[after]=yesterday", "createdAt[after]"),
                Arguments.of("createdAt[before]=2026-02-30", "createdAt[before]"),
                Arguments.of("createdAt[strictly_after]=2026-01-01T25:00:00Z", "createdAt[strictly_after]"),
                Arguments.of("createdAt[since]=2026-01-01", "createdAt[since]"),
                Arguments.of("createdAt[]=2026-01-01", "createdAt[]"),
                Arguments.of("createdAt=2026-01-01", "createdAt"),
                Arguments.of("createdAt[between]=2026-01-01", "createdAt[between]"),
                Arguments.of("createdAt[between]=2026-01-01..later", "createdAt[between]"),
                Arguments.of("updatedAt[gte]=soon", "updatedAt[gte]"),
                Arguments.of("updatedAt[equals]=2026-01-01", "updatedAt[equals]"),
                Arguments.of("patient=bob", "patient"),
                Arguments.of("patient=/users/" + UUID.randomUUID(), "patient"),
                Arguments.of("patient=/foo/bar/" + UUID.randomUUID(), "patient"),
                Arguments.of("user=/patients/" + UUID.randomUUID(), "user"),
                Arguments.of("patient[]=bob", "patient"),
                Arguments.of("patient=/patients/bob", "patient"),
                Arguments.of("audio=123", "audio"),
                Arguments.of("user=me", "user"),
                Arguments.of("patient[gt]=" + UUID.randomUUID(), "patient[gt]"),
                Arguments.of("type[like]=memo", "type[like]"),
                Arguments.of("order[content]=asc", "order[content]"),
                Arguments.of("order[createdAt]=up", "order[createdAt]"),
                Arguments.of("page=0", "page"),
                // Found by fuzzing the API: a parameter that takes one value, given twice, was read as its first.
                Arguments.of("page=1&page=2", "page"),
                Arguments.of("itemsPerPage=5&itemsPerPage=50", "itemsPerPage"),
                Arguments.of("order[createdAt]=asc&order[createdAt]=desc", "order[createdAt]"),
                Arguments.of("page=x", "page"),
                Arguments.of("itemsPerPage=-5", "itemsPerPage"),
                Arguments.of("itemsPerPage=lots", "itemsPerPage"),
                Arguments.of("type=memo%00", "type"),
                Arguments.of("createdAt[after]=2026-02-17%00", "createdAt[after]"),
                Arguments.of("updatedAt[lte]=%0A2026-02-17", "updatedAt[lte]"),
                Arguments.of("createdAt[gte]=%2B300000-01-01T00:00:00Z", "createdAt[gte]"),
                Arguments.of("updatedAt[between]=2026-01-01..%2B999999999-12-31T00:00:00Z", "updatedAt[between]"));
    }

    @Test
    void aBadUuidInThePathIs400NamingIt() {
        Tenants.Tenant t = tenants.create();
        for (Http.Response response : List.of(t.api(port).get("/notes/not-a-uuid"),
                t.api(port).patch("/notes/not-a-uuid", Map.of("content", "x")))) {
            assertThat(assertProblem(response, 400).get("detail").asString()).contains("\"uuid\"");
        }
        assertProblem(t.api(port).get("/notes/" + UUID.randomUUID()), 404);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    UUID patient(Tenants.Tenant tenant, String first, String last) {
        return PatientFixture.patientOf(jdbc, tenant.organization().id()).named(first, last).insert();
    }

    static List<String> uuids(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("member").valueStream().map(m -> m.get("uuid").asString()).toList();
    }

    /** created_at and updated_at as stored, to the microsecond. */
    List<Instant> times(String note) {
        return jdbc.sql("SELECT created_at, updated_at FROM notes WHERE id = ?").param(UUID.fromString(note))
                .query((rs, row) -> List.of(rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .single();
    }
}
