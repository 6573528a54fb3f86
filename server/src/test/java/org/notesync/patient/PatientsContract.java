package org.notesync.patient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.notesync.support.ApiAssertions.assertProblem;
import static org.notesync.support.ApiAssertions.assertViolation;
import static org.notesync.support.ApiAssertions.url;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.notesync.identity.Accounts;
import org.notesync.identity.Scopes;
import org.notesync.support.HeldTransaction;
import org.notesync.support.Http;
import org.notesync.support.LockWaits;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

@ServerTest
abstract class PatientsContract {

    /** Appears in request bodies so tests can check that no error ever repeats a patient's data. */
    static final String SECRET_NAME = "Zebulon-Quatermass";
    private static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+00:00";

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

    // ---- create and read -------------------------------------------------------------------------------

    @Test
    void anIntegrationCreatesAPatientWithEveryFieldAndReadsItBackInBothFormats() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        Map<String, Object> body = fullPatient(t.clinician().id());

        Http.Response created = api.post("/patients", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/ld+json");
        JsonNode p = created.json();
        String uuid = p.get("uuid").asString();
        assertThat(created.header("Location")).isEqualTo("/patients/" + uuid);
        assertThat(p.get("@context").asString()).isEqualTo("/contexts/Patient");
        assertThat(p.get("@id").asString()).isEqualTo("/patients/" + uuid);
        assertThat(p.get("@type").asString()).isEqualTo("Patient");
        assertThat(p.get("firstName").asString()).isEqualTo("Marie");
        assertThat(p.get("lastName").asString()).isEqualTo("Curie");
        assertThat(p.get("languageSpoken").asString()).isEqualTo("fr");
        assertThat(p.get("dateOfBirth").asString()).isEqualTo("1967-11-07");
        assertThat(p.get("gender").asString()).isEqualTo("female");
        assertThat(p.get("visibilityOption").asString()).isEqualTo("shared");
        assertThat(p.get("externalId").asString()).isEqualTo("EXT-1");
        assertThat(p.get("externalCreatedAt").asString()).isEqualTo("2025-12-01T08:00:00+00:00");
        assertThat(p.get("email").asString()).isEqualTo("marie@example.test");
        assertThat(p.get("phone").asString()).isEqualTo("+33 1 23 45 67 89");
        assertThat(p.get("anonymousCode").asString()).isEqualTo("MC-67");
        assertThat(p.get("synchronizedAt").asString()).isEqualTo("2026-01-02T03:04:05+00:00");
        assertThat(p.get("createdAt").asString()).matches(DATE_TIME);
        assertThat(p.get("updatedAt").asString()).isEqualTo(p.get("createdAt").asString());
        assertThat(p.get("user").get("uuid").asString()).isEqualTo(t.clinician().id().toString());
        assertThat(p.get("user").get("firstName").asString()).isEqualTo("Ada");
        assertThat(p.get("user").get("lastName").asString()).isEqualTo("Lovelace");

        Http.Response ld = api.get("/patients/" + uuid);
        assertThat(ld.status()).isEqualTo(200);
        assertThat(ld.json()).isEqualTo(p);

        Http.Response plain = api.get("/patients/" + uuid, "application/json");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("Content-Type")).startsWith("application/json");
        assertThat(plain.json().has("@id")).isFalse();
        assertThat(fieldNames(plain.json())).containsExactlyInAnyOrder("uuid", "firstName", "lastName",
                "languageSpoken", "dateOfBirth", "gender", "visibilityOption", "externalId", "externalCreatedAt",
                "email", "phone", "anonymousCode", "createdAt", "updatedAt", "synchronizedAt", "user");
        assertThat(plain.json().get("dateOfBirth").asString()).isEqualTo("1967-11-07");
    }

    @Test
    void firstAndLastNameAreRequiredButMayBeNull() {
        Tenants.Tenant t = tenants.create();
        Http.Response created = t.api(port).post("/patients", nulls("firstName", "lastName"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("firstName").isNull()).isTrue();
        assertThat(created.json().get("lastName").isNull()).isTrue();
        assertThat(created.json().get("user").isNull()).as("no owner named").isTrue();
        assertThat(created.json().get("gender").isNull()).isTrue();

        Http.Response missing = t.api(port).post("/patients", Map.of("firstName", SECRET_NAME));
        JsonNode problem = assertViolation(missing, "lastName");
        assertThat(problem.at("/violations/0/code").asString()).isEqualTo("2fa2158c-2a7f-484b-98aa-975522539ff8");
        assertThat(missing.body()).doesNotContain(SECRET_NAME);
    }

    @Test
    void aClinicianOwnsThePatientsItCreatesAndCannotCreateThemForAnother() {
        Tenants.Tenant t = tenants.create();
        Http clinician = t.clinicianApi(port);
        Http.Response own = clinician.post("/patients", Map.of("firstName", "Ann", "lastName", "Own",
                "visibilityOption", "private"));
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        assertThat(own.json().at("/user/uuid").asString()).isEqualTo(t.clinician().id().toString());

        Accounts.User colleague = t.addClinician("Bea", "Other");
        Http.Response forOther = clinician.post("/patients", Map.of("firstName", "Ann", "lastName", "Other",
                "user", colleague.id().toString()));
        assertViolation(forOther, "user");
    }

    @Test
    void anIntegrationNamesTheOwnerOrCreatesAnOwnerlessSharedPatient() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        Http.Response privateWithoutOwner = api.post("/patients", Map.of("firstName", "A", "lastName", "B",
                "visibilityOption", "private"));
        assertViolation(privateWithoutOwner, "visibilityOption");

        Http.Response unknownOwner = api.post("/patients", Map.of("firstName", "A", "lastName", "B",
                "user", UUID.randomUUID().toString()));
        assertViolation(unknownOwner, "user");

        Http.Response byIri = api.post("/patients", Map.of("firstName", "A", "lastName", "B",
                "user", "/users/" + t.clinician().id(), "visibilityOption", "private"));
        assertThat(byIri.status()).as(byIri.toString()).isEqualTo(201);
        assertThat(byIri.json().at("/user/uuid").asString()).isEqualTo(t.clinician().id().toString());
        String uuid = byIri.json().get("uuid").asString();
        assertThat(api.get("/patients/" + uuid).status()).as("an integration never sees a private patient")
                .isEqualTo(404);
        assertThat(t.clinicianApi(port).get("/patients/" + uuid).status()).isEqualTo(200);
    }

    // ---- visibility ------------------------------------------------------------------------------------

    @Test
    void aColleagueEditsASharedPatientButNeverTakesItOverHidesItOrDeletesIt() {
        Tenants.Tenant t = tenants.create();
        Http owner = t.clinicianApi(port);
        Accounts.User bob = t.addClinician("Bob", "Colleague");
        Http colleague = t.clinicianApi(port, bob);
        Http integration = t.api(port);
        String patient = owner.post("/patients", Map.of("firstName", "Jane", "lastName", "Doe")).json().get("uuid")
                .asString();
        String ownerless = integration.post("/patients", Map.of("firstName", "No", "lastName", "Owner")).json()
                .get("uuid").asString();

        for (String p : List.of(patient, ownerless)) {
            for (Map<String, Object> change : List.<Map<String, Object>>of(Map.of("user", bob.id().toString()),
                    Map.of("visibilityOption", "private", "user", bob.id().toString()),
                    Map.of("visibilityOption", "shared"))) {
                Http.Response refused = colleague.patch("/patients/" + p, change);
                assertThat(refused.status()).as(change + ": " + refused).isEqualTo(403);
                assertThat(refused.json().get("detail").asString()).contains("owner and visibility");
            }
            assertThat(colleague.delete("/patients/" + p).status()).isEqualTo(403);
        }
        assertThat(colleague.patch("/patients/" + patient, Map.of("phone", "+33 1 23 45 67 89")).status())
                .as("demographics stay everyone's to correct").isEqualTo(200);
        assertThat(owner.get("/patients/" + patient).json().get("user").get("uuid").asString())
                .isEqualTo(t.clinician().id().toString());
        assertThat(owner.patch("/patients/" + patient, Map.of("visibilityOption", "private")).status()).isEqualTo(200);
        assertThat(integration.patch("/patients/" + ownerless, Map.of("user", bob.id().toString())).status())
                .isEqualTo(200);
        assertThat(colleague.delete("/patients/" + ownerless).status()).as("now Bob's").isEqualTo(204);
    }

    @Test
    void aDeleteJudgesTheOwnerAReassignmentCommittedWhileItWaited() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http owner = t.clinicianApi(port);
        Accounts.User bob = t.addClinician("Bob", "Next");
        String patient = owner.post("/patients", Map.of("firstName", "Jane", "lastName", "Doe")).json().get("uuid")
                .asString();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        // The integration handing Jane to Bob: its transaction holds her row while Ada's DELETE arrives.
        try (HeldTransaction reassign = HeldTransaction.begin(transactions, () -> jdbc.sql(
                "UPDATE patients SET user_id = ? WHERE id = ?").param(bob.id()).param(UUID.fromString(patient)).update())) {
            Future<Http.Response> delete = threads.submit(() -> owner.delete("/patients/" + patient));
            await().atMost(Duration.ofSeconds(30)).until(() -> LockWaits.waiting(jdbc, dataSource, "")
                    || delete.isDone());
            reassign.commit();
            Http.Response refused = delete.get(30, TimeUnit.SECONDS);
            assertThat(refused.status()).as("Jane is Bob's once the DELETE holds her: " + refused).isEqualTo(403);
        } finally {
            threads.shutdownNow();
        }
        Http.Response kept = t.api(port).get("/patients/" + patient);
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.json().at("/user/uuid").asString()).isEqualTo(bob.id().toString());
    }

    @Test
    void aPrivatePatientIsSeenOnlyByItsClinician() {
        Tenants.Tenant t = tenants.create();
        Http owner = t.clinicianApi(port);
        Accounts.User colleagueUser = t.addClinician("Bea", "Other");
        Http colleague = t.clinicianApi(port, colleagueUser);
        Http integration = t.api(port);
        String privateOne = owner.post("/patients", Map.of("firstName", "Priv", "lastName", "Ate",
                "visibilityOption", "private")).json().get("uuid").asString();
        String sharedOne = owner.post("/patients", Map.of("firstName", "Sha", "lastName", "Red",
                "visibilityOption", "shared")).json().get("uuid").asString();
        String unset = owner.post("/patients", Map.of("firstName", "Un", "lastName", "Set"))
                .json().get("uuid").asString();

        assertThat(uuids(owner.get("/patients"))).containsExactly(privateOne, sharedOne, unset);
        assertThat(owner.get("/patients/" + privateOne).status()).isEqualTo(200);
        for (Http other : List.of(colleague, integration)) {
            assertThat(uuids(other.get("/patients"))).containsExactly(sharedOne, unset);
            assertThat(other.get("/patients").json().get("totalItems").asInt()).isEqualTo(2);
            assertProblem(other.get("/patients/" + privateOne), 404);
            assertProblem(other.patch("/patients/" + privateOne, Map.of("phone", "1")), 404);
            assertProblem(other.delete("/patients/" + privateOne), 404);
            assertThat(uuids(other.get(url("/patients?user=" + t.clinician().id())))).containsExactly(sharedOne,
                    unset);
        }
        assertThat(owner.get("/patients/" + privateOne).json().get("phone").isNull())
                .as("the refused PATCH changed nothing").isTrue();
    }

    // ---- PATCH and DELETE -------------------------------------------------------------------------------

    @Test
    void patchChangesOnlyTheGivenFieldsAndAnExplicitNullClearsOne() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        JsonNode created = api.post("/patients", fullPatient(t.clinician().id())).json();
        String uuid = created.get("uuid").asString();

        Http.Response phone = api.patch("/patients/" + uuid, Map.of("phone", "0600000000"));
        assertThat(phone.status()).as(phone.toString()).isEqualTo(200);
        assertThat(phone.json().get("phone").asString()).isEqualTo("0600000000");
        for (String unchanged : List.of("firstName", "lastName", "languageSpoken", "dateOfBirth", "gender",
                "visibilityOption", "externalId", "externalCreatedAt", "email", "anonymousCode", "createdAt",
                "synchronizedAt", "user")) {
            assertThat(phone.json().get(unchanged)).as(unchanged).isEqualTo(created.get(unchanged));
        }
        OffsetTimes times = times(uuid);
        assertThat(times.updated()).isAfter(times.created());

        Http.Response cleared = api.patch("/patients/" + uuid, nulls("email", "lastName", "dateOfBirth", "gender"));
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        for (String field : List.of("email", "lastName", "dateOfBirth", "gender")) {
            assertThat(cleared.json().get(field).isNull()).as(field).isTrue();
        }
        assertThat(cleared.json().get("firstName").asString()).isEqualTo("Marie");
        assertThat(cleared.json().get("phone").asString()).isEqualTo("0600000000");
        assertThat(api.get("/patients/" + uuid).json()).isEqualTo(cleared.json());

        Http.Response refused = api.patch("/patients/" + uuid, Map.of("gender", "x", "firstName", SECRET_NAME));
        assertViolation(refused, "gender");
        // Found by fuzzing the API: a long value was "too long, 200 characters at most", a limit the field has not.
        for (String choice : List.of("gender", "visibilityOption")) {
            JsonNode tooLong = assertViolation(api.patch("/patients/" + uuid, Map.of(choice, "x".repeat(201))), choice);
            assertThat(tooLong.at("/violations/0/message").asString()).as(choice)
                    .startsWith("The value you selected is not a valid choice. Allowed:");
        }
        assertThat(refused.body()).doesNotContain(SECRET_NAME);
        assertThat(api.get("/patients/" + uuid).json().get("firstName").asString())
                .as("a refused PATCH changes nothing").isEqualTo("Marie");
    }

    @Test
    void theOwnerCanBeChangedButAPrivatePatientCannotLoseIt() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        Accounts.User colleague = t.addClinician("Bea", "Other");
        String uuid = api.post("/patients", Map.of("firstName", "A", "lastName", "B"))
                .json().get("uuid").asString();

        Http.Response owned = api.patch("/patients/" + uuid, Map.of("user", colleague.id().toString()));
        assertThat(owned.json().at("/user/uuid").asString()).isEqualTo(colleague.id().toString());
        assertThat(owned.json().at("/user/firstName").asString()).isEqualTo("Bea");

        Http.Response madePrivate = api.patch("/patients/" + uuid, Map.of("visibilityOption", "private"));
        assertThat(madePrivate.status()).as(madePrivate.toString()).isEqualTo(200);
        Http colleagueApi = t.clinicianApi(port, colleague);
        assertViolation(colleagueApi.patch("/patients/" + uuid, nulls("user")), "visibilityOption");
        Http.Response other = colleagueApi.patch("/patients/" + uuid, Map.of("user", UUID.randomUUID().toString()));
        assertViolation(other, "user");
        assertThat(colleagueApi.get("/patients/" + uuid).json().at("/user/uuid").asString())
                .isEqualTo(colleague.id().toString());
    }

    @Test
    void deleteIsSoftThePatientDisappearsAndItsNotesStay() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String uuid = api.post("/patients", Map.of("firstName", "Gone", "lastName", "Soon", "externalId", "X9"))
                .json().get("uuid").asString();
        Http.Response note = api.post("/notes", Map.of("patient", uuid, "type", "consultation_summary",
                "content", "Seen today.", "user", t.clinician().id().toString()));
        assertThat(note.status()).as(note.toString()).isEqualTo(201);

        Http.Response deleted = api.delete("/patients/" + uuid);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertProblem(api.get("/patients/" + uuid), 404);
        assertProblem(api.patch("/patients/" + uuid, Map.of("phone", "1")), 404);
        assertProblem(api.delete("/patients/" + uuid), 404);
        assertThat(api.get("/patients").json().get("totalItems").asInt()).isZero();
        assertThat(uuids(api.get("/patients?externalId=X9"))).isEmpty();
        assertThat(jdbc.sql("SELECT deleted_at FROM patients WHERE id = ?").param(UUID.fromString(uuid))
                .query(java.time.OffsetDateTime.class).single()).isNotNull();

        Http.Response kept = api.get("/notes/" + note.json().get("uuid").asString());
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.json().at("/patient/uuid").asString()).isEqualTo(uuid);
        assertViolation(api.post("/notes", Map.of("patient", uuid, "type", "consultation_summary",
                "content", "Too late.", "user", t.clinician().id().toString())), "patient");
    }

    // ---- collections -----------------------------------------------------------------------------------

    @Test
    void filtersByExternalIdOwnerAndSearch() {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Bea", "Other");
        UUID ada = PatientFixture.patientOf(jdbc, t.organization().id()).named("Ada", "Lovelace")
                .externalId("E-1").ownedBy(t.clinician().id()).insert();
        UUID grace = PatientFixture.patientOf(jdbc, t.organization().id()).named("Grace", "Hopper")
                .externalId("E-2").ownedBy(colleague.id()).insert();
        UUID percent = PatientFixture.patientOf(jdbc, t.organization().id()).named("100%", "Sure_ly")
                .externalId("E-3").insert();
        PatientFixture.patientOf(jdbc, t.organization().id()).named("Ada", "Deleted").externalId("E-1")
                .deletedAt(Instant.now()).insert();
        Http api = t.api(port);

        assertThat(uuids(api.get("/patients?externalId=E-1"))).containsExactly(ada.toString());
        assertThat(uuids(api.get(url("/patients?externalId[]=E-1&externalId[]=E-3"))))
                .containsExactlyInAnyOrder(ada.toString(), percent.toString());
        assertThat(uuids(api.get("/patients?externalId=nope"))).isEmpty();
        assertThat(uuids(api.get("/patients?user=" + colleague.id()))).containsExactly(grace.toString());
        assertThat(uuids(api.get("/patients?user.uuid=" + colleague.id()))).containsExactly(grace.toString());
        assertThat(uuids(api.get("/patients?user=/users/" + t.clinician().id()))).containsExactly(ada.toString());
        assertThat(uuids(api.get("/patients?search=LOVE"))).containsExactly(ada.toString());
        assertThat(uuids(api.get("/patients?search=grace"))).containsExactly(grace.toString());
        assertThat(uuids(api.get("/patients?search=ada+lovelace"))).containsExactly(ada.toString());
        assertThat(uuids(api.get("/patients?search=ada+hopper"))).isEmpty();
        assertThat(uuids(api.get("/patients?search=%25"))).as("% is a character, not a wildcard")
                .containsExactly(percent.toString());
        assertThat(uuids(api.get("/patients?search=_"))).as("_ is a character, not a wildcard")
                .containsExactly(percent.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dateFilters")
    void dateFiltersWithEveryOperator(String query, List<Integer> expected) {
        Tenants.Tenant t = tenants.create();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(PatientFixture.patientOf(jdbc, t.organization().id()).named("P", "N" + i)
                    .createdAt(Instant.parse("2026-01-10T10:00:00Z").plusSeconds(86400L * i))
                    .updatedAt(Instant.parse("2026-02-05T00:00:00Z").minusSeconds(86400L * i)).insert().toString());
        }
        Http.Response response = t.api(port).get(url("/patients?" + query));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(uuids(response)).containsExactlyElementsOf(expected.stream().map(ids::get).toList());
    }

    static Stream<Arguments> dateFilters() {
        return Stream.of(
                Arguments.of("createdAt[after]=2026-01-12T10:00:00%2B00:00", List.of(2, 3, 4)),
                Arguments.of("createdAt[strictly_after]=2026-01-12T10:00:00Z", List.of(3, 4)),
                Arguments.of("createdAt[before]=2026-01-12T12:00:00%2B02:00", List.of(0, 1, 2)),
                Arguments.of("createdAt[strictly_before]=2026-01-12T07:00:00-03:00", List.of(0, 1)),
                Arguments.of("createdAt[gt]=2026-01-12T10:00:00Z", List.of(3, 4)),
                Arguments.of("createdAt[gte]=2026-01-12T10:00:00Z", List.of(2, 3, 4)),
                Arguments.of("createdAt[lt]=2026-01-12T10:00:00Z", List.of(0, 1)),
                Arguments.of("createdAt[lte]=2026-01-12T10:00:00Z", List.of(0, 1, 2)),
                Arguments.of("createdAt[between]=2026-01-11T10:00:00Z..2026-01-13T10:00:00Z", List.of(1, 2, 3)),
                Arguments.of("createdAt[after]=2026-01-12", List.of(2, 3, 4)),
                Arguments.of("createdAt[after]=2026-01-11&createdAt[before]=2026-01-13", List.of(1, 2)),
                Arguments.of("updatedAt[after]=2026-02-03", List.of(0, 1, 2)),
                Arguments.of("updatedAt[strictly_before]=2026-02-03T00:00:00Z", List.of(3, 4)),
                Arguments.of("updatedAt[between]=2026-02-02..2026-02-04", List.of(1, 2, 3)));
    }

    @Test
    void ordersByLastNameCreatedAtAndUpdatedAtAndPages() {
        Tenants.Tenant t = tenants.create();
        Instant base = Instant.parse("2026-01-10T10:00:00Z");
        UUID c = PatientFixture.patientOf(jdbc, t.organization().id()).named("x", "Curie").createdAt(base)
                .updatedAt(base.plusSeconds(30)).insert();
        UUID a = PatientFixture.patientOf(jdbc, t.organization().id()).named("x", "Artaud")
                .createdAt(base.plusSeconds(10)).updatedAt(base.plusSeconds(10)).insert();
        UUID b = PatientFixture.patientOf(jdbc, t.organization().id()).named("x", "Bernard")
                .createdAt(base.plusSeconds(20)).updatedAt(base.plusSeconds(20)).insert();
        Http api = t.api(port);

        assertThat(uuids(api.get(url("/patients?order[lastName]=asc")))).containsExactly(ids(a, b, c));
        assertThat(uuids(api.get(url("/patients?order[lastName]=desc")))).containsExactly(ids(c, b, a));
        assertThat(uuids(api.get("/patients"))).containsExactly(ids(c, a, b));
        assertThat(uuids(api.get(url("/patients?order[createdAt]=desc")))).containsExactly(ids(b, a, c));
        assertThat(uuids(api.get(url("/patients?order[updatedAt]=asc")))).containsExactly(ids(a, b, c));

        Http.Response second = api.get(url("/patients?order[lastName]=asc&itemsPerPage=2&page=2"));
        assertThat(uuids(second)).containsExactly(c.toString());
        assertThat(second.json().get("totalItems").asInt()).isEqualTo(3);
        assertThat(second.json().at("/view/previous").asString()).contains("page=1");
        assertThat(second.json().at("/view").has("next")).isFalse();

        Http.Response plain = api.get(url("/patients?order[lastName]=asc"), "application/json");
        assertThat(plain.json().isArray()).isTrue();
        assertThat(plain.json().valueStream().map(n -> n.get("uuid").asString())).containsExactly(ids(a, b, c));
    }

    @Test
    void acceptForAnotherFormatIs406AndCreatesNothing() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        assertProblem(api.get("/patients", "application/xml"), 406);
        Http.Response post = api.send(api.builder("/patients").header("Content-Type", "application/json")
                .header("Accept", "application/xml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"firstName\":\"a\",\"lastName\":\"b\"}")));
        assertProblem(post, 406);
        assertThat(api.get("/patients").json().get("totalItems").asInt()).isZero();
    }

    // ---- isolation and scopes --------------------------------------------------------------------------

    @Test
    void anotherOrganizationNeverReadsChangesListsOrLearnsOfAPatient() {
        Tenants.Tenant a = tenants.create();
        Tenants.Tenant b = tenants.create();
        JsonNode patient = a.api(port).post("/patients", Map.of("firstName", "Only", "lastName", "A",
                "externalId", "SHARED-EXT")).json();
        String uuid = patient.get("uuid").asString();

        for (Http other : List.of(b.api(port), b.clinicianApi(port))) {
            JsonNode notFound = assertProblem(other.get("/patients/" + uuid), 404);
            assertThat(notFound.get("detail").asString()).isEqualTo("Patient not found.");
            assertProblem(other.patch("/patients/" + uuid, Map.of("lastName", "Mine")), 404);
            assertProblem(other.delete("/patients/" + uuid), 404);
            assertThat(other.get("/patients").json().get("totalItems").asInt()).isZero();
            assertThat(uuids(other.get("/patients?externalId=SHARED-EXT"))).isEmpty();
            assertThat(uuids(other.get("/patients?user=" + a.clinician().id()))).isEmpty();
        }
        assertViolation(b.api(port).post("/patients", Map.of("firstName", "x", "lastName", "y",
                "user", a.clinician().id().toString())), "user");
        Http.Response after = a.api(port).get("/patients/" + uuid);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json().get("lastName").asString()).isEqualTo("A");
    }

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @MethodSource("endpoints")
    void everyEndpointNeedsItsScope(String method, String path, String scope) {
        Tenants.Tenant t = tenants.create();
        String uuid = t.api(port).post("/patients", Map.of("firstName", "a", "lastName", "b"))
                .json().get("uuid").asString();
        String[] allButOne = Scopes.INTEGRATION.stream().filter(s -> !s.equals(scope)).toArray(String[]::new);
        Http api = t.api(port, allButOne);
        String target = path.replace("{id}", uuid);
        Http.Response response = api.raw(method, target, "application/json", method.equals("GET")
                || method.equals("DELETE") ? null : "{\"firstName\":\"a\",\"lastName\":\"b\"}");
        JsonNode problem = assertProblem(response, 403);
        assertThat(problem.get("title").asString()).isEqualTo("Forbidden");
        assertThat(problem.get("detail").asString()).isEqualTo("This endpoint needs the scope " + scope
                + ", which the access token does not have.");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_scope\"")
                .endsWith("scope=\"" + scope + "\"");
        assertThat(t.api(port).get("/patients/" + uuid).status()).as("still there").isEqualTo(200);
    }

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("GET", "/patients", Scopes.READ_PATIENTS),
                Arguments.of("GET", "/patients/{id}", Scopes.READ_PATIENTS),
                Arguments.of("POST", "/patients", Scopes.WRITE_PATIENTS),
                Arguments.of("PATCH", "/patients/{id}", Scopes.WRITE_PATIENTS),
                Arguments.of("DELETE", "/patients/{id}", Scopes.WRITE_PATIENTS));
    }

    @Test
    void withoutATokenIs401() {
        assertProblem(new Http(port, null).get("/patients"), 401);
    }

    // ---- bad input -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputIsAClear4xxProblemThatNeverEchoesPatientData(String name, String method, String path,
            String contentType, String body, int status, String property) {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        String uuid = api.post("/patients", Map.of("firstName", "Exist", "lastName", "Ing"))
                .json().get("uuid").asString();
        Http.Response response = api.raw(method, path.replace("{id}", uuid), contentType, body);
        JsonNode problem = property == null ? assertProblem(response, status) : assertViolation(response, property);
        assertThat(problem.get("instance").asString()).isEqualTo(path.replace("{id}", uuid));
        assertThat(response.body()).doesNotContain(SECRET_NAME);
        assertThat(api.get("/patients/" + uuid).json().get("firstName").asString()).isEqualTo("Exist");
        assertThat(api.get("/patients").json().get("totalItems").asInt()).as("nothing created").isEqualTo(1);
    }

    static Stream<Arguments> badBodies() {
        String json = "application/json";
        String merge = "application/merge-patch+json";
        String s = SECRET_NAME;
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"last", 400, null),
                Arguments.of("an array", "POST", "/patients", json, "[{\"firstName\": \"" + s + "\", \"lastName\": null}]", 400, null),
                Arguments.of("a bare string", "POST", "/patients", json, "\"" + s + "\"", 400, null),
                Arguments.of("an empty body", "POST", "/patients", json, "", 400, null),
                Arguments.of("firstName a number", "POST", "/patients", json, "{\"firstName\": 42, \"lastName\": \"" + s + "\"}", 422, "firstName"),
                Arguments.of("lastName an object", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": {\"a\": 1}}", 422, "lastName"),
                Arguments.of("gender x", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"gender\": \"x\"}", 422, "gender"),
                Arguments.of("visibility public", "POST", "/patients", json, "{\"firstName\": null, \"lastName\": \"" + s + "\", \"visibilityOption\": \"public\"}", 422, "visibilityOption"),
                Arguments.of("dateOfBirth not a date", "POST", "/patients", json, "{\"firstName\": null, \"lastName\": \"" + s + "\", \"dateOfBirth\": \"1980-13-45\"}", 422, "dateOfBirth"),
                Arguments.of("dateOfBirth a number", "POST", "/patients", json, "{\"firstName\": null, \"lastName\": \"" + s + "\", \"dateOfBirth\": 1980}", 422, "dateOfBirth"),
                Arguments.of("externalCreatedAt not a date", "POST", "/patients", json, "{\"firstName\": null, \"lastName\": \"" + s + "\", \"externalCreatedAt\": \"yesterday\"}", 422, "externalCreatedAt"),
                Arguments.of("email not an address", "POST", "/patients", json, "{\"firstName\": null, \"lastName\": null, \"email\": \"" + s + "\"}", 422, "email"),
                Arguments.of("email with a path", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"email\": \"a@c.com/path\"}", 422, "email"),
                Arguments.of("email a URL with credentials", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"email\": \"http://u:p@127.0.0.1:9/x\"}", 422, "email"),
                Arguments.of("email with two dots", "PATCH", "/patients/{id}", merge, "{\"email\": \"a..b@c.com\"}", 422, "email"),
                Arguments.of("dateOfBirth in the future", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"dateOfBirth\": \"2099-01-01\"}", 422, "dateOfBirth"),
                Arguments.of("PATCH dateOfBirth in the future", "PATCH", "/patients/{id}", merge, "{\"dateOfBirth\": \"9999-12-31\"}", 422, "dateOfBirth"),
                Arguments.of("a line break in a name", "POST", "/patients", json, "{\"firstName\": \"" + s + "\\nX\", \"lastName\": null}", 422, "firstName"),
                Arguments.of("an escape character in a name", "PATCH", "/patients/{id}", merge, "{\"lastName\": \"\\u001b[31m" + s + "\"}", 422, "lastName"),
                Arguments.of("a bell in an external id", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"externalId\": \"A\\u0007\"}", 422, "externalId"),
                Arguments.of("half a surrogate pair", "POST", "/patients", json, "{\"firstName\": \"" + s + "\\ud800\", \"lastName\": null}", 422, "firstName"),
                Arguments.of("a property twice", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"firstName\": \"Dup\", \"lastName\": null}", 400, null),
                Arguments.of("nested 2,000 deep", "POST", "/patients", json, "{\"firstName\": " + "[".repeat(2000) + "]".repeat(2000) + "}", 400, null),
                Arguments.of("firstName too long", "POST", "/patients", json, "{\"firstName\": \"" + s.repeat(12) + "\", \"lastName\": null}", 422, "firstName"),
                Arguments.of("externalId too long", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"externalId\": \"" + "x".repeat(201) + "\"}", 422, "externalId"),
                Arguments.of("languageSpoken too long", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"languageSpoken\": \"" + "x".repeat(36) + "\"}", 422, "languageSpoken"),
                Arguments.of("lastName missing", "POST", "/patients", json, "{\"firstName\": \"" + s + "\"}", 422, "lastName"),
                Arguments.of("both names missing", "POST", "/patients", json, "{}", 422, "firstName"),
                Arguments.of("a NUL character", "POST", "/patients", json, "{\"firstName\": \"" + s + "\\u0000\", \"lastName\": null}", 422, "firstName"),
                // Found by fuzzing the API: trimming the value dropped a trailing NUL or line break, so these were stored.
                Arguments.of("externalCreatedAt ending in a NUL", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"externalCreatedAt\": \"2026-02-17\\u0000\"}", 422, "externalCreatedAt"),
                Arguments.of("synchronizedAt ending in a line break", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"synchronizedAt\": \"2026-02-17T10:30:00Z\\n\"}", 422, "synchronizedAt"),
                Arguments.of("externalCreatedAt out of range", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"externalCreatedAt\": \"+300000-01-01T00:00:00Z\"}", 422, "externalCreatedAt"),
                Arguments.of("dateOfBirth out of range", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"dateOfBirth\": \"+99999999-01-01\"}", 422, "dateOfBirth"),
                Arguments.of("PATCH synchronizedAt out of range", "PATCH", "/patients/{id}", merge, "{\"synchronizedAt\": \"-9999-01-01T00:00:00Z\"}", 422, "synchronizedAt"),
                Arguments.of("user not a uuid", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"user\": \"bob\"}", 422, "user"),
                Arguments.of("user unknown", "POST", "/patients", json, "{\"firstName\": \"" + s + "\", \"lastName\": null, \"user\": \"" + UUID.randomUUID() + "\"}", 422, "user"),
                Arguments.of("PATCH malformed", "PATCH", "/patients/{id}", merge, "{\"firstName\": \"" + s, 400, null),
                Arguments.of("PATCH an array", "PATCH", "/patients/{id}", merge, "[]", 400, null),
                Arguments.of("PATCH gender x", "PATCH", "/patients/{id}", merge, "{\"firstName\": \"" + s + "\", \"gender\": \"x\"}", 422, "gender"),
                Arguments.of("PATCH lastName too long", "PATCH", "/patients/{id}", merge, "{\"lastName\": \"" + s.repeat(12) + "\"}", 422, "lastName"),
                Arguments.of("PATCH firstName a boolean", "PATCH", "/patients/{id}", merge, "{\"firstName\": true}", 422, "firstName"),
                Arguments.of("text/plain", "POST", "/patients", "text/plain", "firstName=" + s, 415, null),
                Arguments.of("no content type", "POST", "/patients", null, "{\"firstName\": \"" + s + "\", \"lastName\": null}", 415, null),
                Arguments.of("PATCH text/plain", "PATCH", "/patients/{id}", "text/plain", s, 415, null),
                Arguments.of("PUT", "PUT", "/patients/{id}", json, "{\"firstName\": \"" + s + "\", \"lastName\": null}", 405, null),
                Arguments.of("DELETE the collection", "DELETE", "/patients", json, null, 405, null),
                Arguments.of("POST to an item", "POST", "/patients/{id}", json, "{\"firstName\": \"" + s + "\", \"lastName\": null}", 405, null));
    }

    @Test
    void anOversizeBodyIs413() {
        Tenants.Tenant t = tenants.create();
        String body = "{\"firstName\": \"" + SECRET_NAME.repeat(60_000) + "\", \"lastName\": null}";
        assertThat(body.length()).isGreaterThan(1024 * 1024);
        Http.Response response = t.api(port).raw("POST", "/patients", "application/json", body);
        assertProblem(response, 413);
        assertThat(response.body()).doesNotContain(SECRET_NAME);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void aBadQueryParameterIs400NamingIt(String query, String parameter) {
        Tenants.Tenant t = tenants.create();
        JsonNode problem = assertProblem(t.api(port).get(url("/patients?" + query)), 400);
        assertThat(problem.get("detail").asString()).contains("\"" + parameter + "\"");
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("createdAt[after]=yesterday", "createdAt[after]"),
                Arguments.of("createdAt[since]=2026-01-01", "createdAt[since]"),
                Arguments.of("createdAt=2026-01-01", "createdAt"),
                Arguments.of("updatedAt[between]=2026-01-01", "updatedAt[between]"),
                Arguments.of("updatedAt[lte]=2026-02-30", "updatedAt[lte]"),
                Arguments.of("user=bob", "user"),
                Arguments.of("user.uuid[]=bob", "user.uuid"),
                Arguments.of("externalId[gt]=1", "externalId[gt]"),
                Arguments.of("order[firstName]=asc", "order[firstName]"),
                Arguments.of("order[lastName]=up", "order[lastName]"),
                Arguments.of("page=0", "page"),
                Arguments.of("page=two", "page"),
                Arguments.of("itemsPerPage=-1", "itemsPerPage"),
                Arguments.of("search=" + "x".repeat(201), "search"),
                Arguments.of("search=a%00b", "search"),
                Arguments.of("externalId=a%00b", "externalId"),
                Arguments.of("createdAt[after]=%2B300000-01-01T00:00:00Z", "createdAt[after]"),
                Arguments.of("updatedAt[before]=-5000-01-01T00:00:00Z", "updatedAt[before]"));
    }

    @Test
    void aBadUuidInThePathIs400NamingIt() {
        Tenants.Tenant t = tenants.create();
        for (Http.Response response : List.of(t.api(port).get("/patients/not-a-uuid"),
                t.api(port).patch("/patients/not-a-uuid", Map.of("phone", "1")),
                t.api(port).delete("/patients/not-a-uuid"))) {
            JsonNode problem = assertProblem(response, 400);
            assertThat(problem.get("detail").asString()).contains("\"uuid\"");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static Map<String, Object> fullPatient(UUID owner) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("firstName", "Marie");
        body.put("lastName", "Curie");
        body.put("languageSpoken", "fr");
        body.put("dateOfBirth", "1967-11-07");
        body.put("gender", "female");
        body.put("visibilityOption", "shared");
        body.put("externalId", "EXT-1");
        body.put("externalCreatedAt", "2025-12-01T09:00:00+01:00");
        body.put("email", "marie@example.test");
        body.put("phone", "+33 1 23 45 67 89");
        body.put("anonymousCode", "MC-67");
        body.put("synchronizedAt", "2026-01-02T03:04:05Z");
        body.put("user", owner.toString());
        return body;
    }

    static Map<String, Object> nulls(String... fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (String f : fields) {
            body.put(f, null);
        }
        return body;
    }

    static List<String> uuids(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("member").valueStream().map(m -> m.get("uuid").asString()).toList();
    }

    static String[] ids(UUID... ids) {
        return Stream.of(ids).map(UUID::toString).toArray(String[]::new);
    }

    static List<String> fieldNames(JsonNode node) {
        return node.propertyNames().stream().toList();
    }

    record OffsetTimes(Instant created, Instant updated) {
    }

    OffsetTimes times(String patient) {
        return jdbc.sql("SELECT created_at, updated_at FROM patients WHERE id = ?").param(UUID.fromString(patient))
                .query((rs, row) -> new OffsetTimes(
                        rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant()))
                .single();
    }
}
