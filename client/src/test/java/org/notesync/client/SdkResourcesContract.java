package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.audio.AudioSamples;
import org.notesync.audio.Upload;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Typed calls, filters and pagination over the real /patients, /notes and /audios. */
@ServerTest
abstract class SdkResourcesContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Test
    void patientsAreCreatedReadChangedFoundAndDeleted() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        String externalId = "PMS-" + UUID.randomUUID();

        Patient created = client.patients().create(PatientInput.create().firstName("Jane").lastName("Doe")
                .externalId(externalId).dateOfBirth(LocalDate.of(1980, 5, 17)).gender("female")
                .email("jane@example.test").synchronizedAt(Instant.parse("2026-02-24T10:30:00Z")));
        assertThat(created.uuid()).isNotNull();
        assertThat(created.dateOfBirth()).isEqualTo(LocalDate.of(1980, 5, 17));
        assertThat(created.synchronizedAt()).isEqualTo(Instant.parse("2026-02-24T10:30:00Z"));
        assertThat(created.createdAt()).isNotNull();

        Patient changed = client.patients().update(created.uuid(), PatientInput.create().email(null).phone("+33 1 23"));
        assertThat(changed.email()).as("an explicit null clears").isNull();
        assertThat(changed.phone()).isEqualTo("+33 1 23");
        assertThat(changed.firstName()).as("absent fields are left alone").isEqualTo("Jane");

        assertThat(client.patients().list(PatientQuery.create().externalId(externalId)).stream())
                .extracting(Patient::uuid).containsExactly(created.uuid());
        assertThat(client.patients().list(PatientQuery.create().search("jane doe")).stream())
                .extracting(Patient::uuid).contains(created.uuid());
        assertThat(client.patients().get(created.uuid()).phone()).isEqualTo("+33 1 23");

        client.patients().delete(created.uuid());
        assertThatThrownBy(() -> client.patients().get(created.uuid())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anInvalidPatientIsAValidationExceptionNamingTheProperty() {
        NotesyncClient client = client(tenants.create());

        assertThatThrownBy(() -> client.patients().create(PatientInput.create().firstName("Jane").lastName("Doe")
                .gender("sometimes")))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.violations()).extracting(Problem.Violation::propertyPath).contains("gender");
                    assertThat(e.problem().status()).isEqualTo(422);
                });
    }

    @Test
    void notesArePagedByFollowingTheServersNextLinksWithFiltersKept() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        Patient other = client.patients().create(PatientInput.create().firstName("Other").lastName("Patient"));
        List<UUID> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(writeNote(client, tenant, patient.uuid(), "Note " + i).uuid());
        }
        writeNote(client, tenant, other.uuid(), "Not this one");

        NoteQuery query = NoteQuery.create().patient(patient.uuid()).orderByCreatedAt(Order.ASC).itemsPerPage(2)
                .createdAfter(Instant.now().minus(Duration.ofDays(1)));
        Pages<Note> pages = client.notes().list(query);

        assertThat(pages.firstPage().totalItems()).isEqualTo(5);
        assertThat(pages.firstPage().items()).hasSize(2);
        assertThat(pages.firstPage().next()).isNotNull();
        List<Page<Note>> all = new ArrayList<>();
        pages.pages().forEach(all::add);
        assertThat(all).extracting(p -> p.items().size()).containsExactly(2, 2, 1);
        assertThat(pages.stream().map(Note::uuid)).containsExactlyElementsOf(written);
        assertThat(pages.stream()).allSatisfy(note -> {
            assertThat(note.patient().uuid()).isEqualTo(patient.uuid());
            assertThat(note.user().uuid()).isEqualTo(tenant.clinician().id());
        });

        assertThat(client.notes().list(NoteQuery.create().patient(patient.uuid()).orderByCreatedAt(Order.DESC))
                .stream().map(Note::uuid)).containsExactlyElementsOf(reversed(written));
        assertThat(client.notes().list(NoteQuery.create().patient(patient.uuid())
                .createdAfter(Instant.now().plus(Duration.ofDays(1)))).stream()).isEmpty();
        assertThat(client.notes().list(NoteQuery.create().patient(patient.uuid(), other.uuid())).stream()).hasSize(6);
    }

    @Test
    void aNoteCreatedAgainWithItsIdempotencyKeyIsTheFirstOneAndAnotherNoteMayNotReuseTheKey() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"),
                "pms-patient-1");
        assertThat(client.patients().create(PatientInput.create().firstName("Ada").lastName("King"), "pms-patient-1")
                .uuid()).isEqualTo(patient.uuid());
        NoteInput input = NoteInput.create().patient(patient.uuid()).user(tenant.clinician().id())
                .type("consultation_summary").content("Seen for a cough.");

        Note first = client.notes().create(input, "pms-note-1");
        assertThat(client.notes().create(input, "pms-note-1").uuid()).isEqualTo(first.uuid());
        assertThatThrownBy(() -> client.notes().create(NoteInput.create().patient(patient.uuid())
                        .user(tenant.clinician().id()).type("consultation_summary").content("Another."), "pms-note-1"))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.problem().title()).isEqualTo("Idempotency-Key reused"));
        assertThat(client.notes().list(NoteQuery.create().patient(patient.uuid())).stream()).hasSize(1);
    }

    @Test
    void aNoteIsReadChangedAndInvisibleToAnotherOrganization() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        Note note = writeNote(client, tenant, patient.uuid(), "Patient presents with a cough.");

        Note read = client.notes().get(note.uuid());
        assertThat(read.content()).isEqualTo("Patient presents with a cough.");
        assertThat(read.type()).isEqualTo("consultation_summary");
        assertThat(read.createdAt()).isNotNull();

        Note changed = client.notes().update(note.uuid(), NoteInput.create().content("Corrected."));
        assertThat(changed.content()).isEqualTo("Corrected.");
        assertThat(changed.type()).isEqualTo("consultation_summary");
        assertThat(changed.updatedAt()).isAfterOrEqualTo(read.updatedAt());

        NotesyncClient stranger = client(tenants.create());
        assertThatThrownBy(() -> stranger.notes().get(note.uuid())).isInstanceOf(NotFoundException.class);
        assertThat(stranger.notes().list(NoteQuery.create().patient(patient.uuid())).stream()).isEmpty();
    }

    @Test
    void theChangeFeedReturnsEachChangeOnceInCommitOrderAndResumesFromItsCheckpoint() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        NoteFeed feed = NoteFeed.changes(client);
        assertThat(feed.next()).as("a new organization has no notes").isEmpty();

        List<UUID> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            written.add(writeNote(client, tenant, patient.uuid(), "Note " + i).uuid());
        }
        List<Note> seen = new ArrayList<>();
        // The server numbers changes just after they commit: wait for all three.
        SdkWebhookInboxContract.await(() -> {
            seen.addAll(drain(feed));
            return seen.size() >= 3;
        }, "three numbered changes");
        assertThat(seen).extracting(Note::uuid).containsExactlyElementsOf(written);
        String checkpoint = feed.checkpoint();
        assertThat(checkpoint).startsWith("feed:");

        client.notes().update(written.get(1), NoteInput.create().content("Corrected."));
        NoteFeed resumed = NoteFeed.resume(client, checkpoint);
        List<Note> after = new ArrayList<>();
        SdkWebhookInboxContract.await(() -> {
            after.addAll(drain(resumed));
            return !after.isEmpty();
        }, "the edit");
        assertThat(after).extracting(Note::uuid, Note::content).containsExactly(
                org.assertj.core.groups.Tuple.tuple(written.get(1), "Corrected."));
        assertThat(drain(feed)).extracting(Note::content).containsExactly("Corrected.");

        NoteChanges page = client.notes().changes(0, 2);
        assertThat(page.changes()).hasSize(2);
        assertThat(page.hasMore()).isTrue();
        assertThat(page.cursor()).isEqualTo(page.changes().get(1).sequence());
        assertThat(page.changes().get(0).action()).isEqualTo("new_note");
    }

    /**
     * The server's database restored from an older backup: a checkpoint beyond its feed follows it back to the
     * feed's start, so the notes written since the restore are read, those written before the reader's first poll
     * after it too (the feed's last number would be past them).
     */
    @Test
    void aCheckpointBeyondTheServersFeedFollowsItBackSoNewNotesAreRead() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        long ahead = 1_000_000_000_000L;
        assertThat(client.notes().changes(ahead, 1).wentBack(ahead)).isTrue();
        assertThat(client.notes().changes(0, 1).wentBack(0)).isFalse();
        NoteFeed feed = NoteFeed.resume(client, "feed:" + ahead);

        UUID sinceTheRestore = writeNote(client, tenant, patient.uuid(), "Written before the reader's poll.").uuid();
        List<Note> seen = new ArrayList<>(feed.next());
        UUID afterThePoll = writeNote(client, tenant, patient.uuid(), "Written after it.").uuid();
        SdkWebhookInboxContract.await(() -> {
            seen.addAll(drain(feed));
            return seen.size() >= 2;
        }, "the notes written since the restore");
        assertThat(seen).extracting(Note::uuid).containsExactly(sinceTheRestore, afterThePoll);
        assertThat(ChangeFeed.parse(feed.checkpoint())).isLessThan(ahead);
    }

    @Test
    void theUpdatedAtFeedReturnsEachNewAndChangedNoteOnceInOrder() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        NoteFeed feed = NoteFeed.updatedSince(client, Instant.now().minus(Duration.ofMinutes(1)));
        assertThat(feed.next()).isEmpty();

        List<UUID> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            written.add(writeNote(client, tenant, patient.uuid(), "Note " + i).uuid());
        }
        assertThat(drain(feed)).extracting(Note::uuid).containsExactlyElementsOf(written);
        assertThat(feed.next()).as("caught up").isEmpty();

        client.notes().update(written.get(0), NoteInput.create().content("Corrected."));
        assertThat(drain(feed)).extracting(Note::content).containsExactly("Corrected.");

        NoteFeed resumed = NoteFeed.resume(client, feed.checkpoint());
        assertThat(drain(resumed)).as("a resumed feed re-reads only its look-back window")
                .allSatisfy(n -> assertThat(written).contains(n.uuid()));
    }

    @Test
    void anInboxThatOnlyPollsImportsEveryNoteOnce() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = client(tenant);
        Patient patient = client.patients().create(PatientInput.create().firstName("Ada").lastName("King"));
        List<Note> imported = Collections.synchronizedList(new ArrayList<>());
        NoteInbox inbox = NoteInbox.builder(imported::add).client(client)
                .polling(NoteFeed.changes(client), Duration.ofMinutes(10))
                .build();
        try (inbox) {
            Note first = writeNote(client, tenant, patient.uuid(), "First");
            Note second = writeNote(client, tenant, patient.uuid(), "Second");
            SdkWebhookInboxContract.await(() -> {
                inbox.pollNow();
                return imported.size() >= 2;
            }, "both notes polled");
            inbox.pollNow();

            assertThat(imported).extracting(Note::uuid).containsExactly(first.uuid(), second.uuid());
            assertThat(inbox.checkpoint()).hasValueSatisfying(c -> assertThat(c).startsWith("feed:"));
        }
    }

    private static List<Note> drain(NoteFeed feed) {
        List<Note> all = new ArrayList<>();
        for (List<Note> batch = feed.next(); !batch.isEmpty(); batch = feed.next()) {
            all.addAll(batch);
        }
        return all;
    }

    static Note writeNote(NotesyncClient client, Tenants.Tenant tenant, UUID patient, String content) {
        return client.notes().create(NoteInput.create().patient(patient).user(tenant.clinician().id())
                .type("consultation_summary").content(content));
    }

    @Test
    void audiosAreReadFilteredAndDeleted() {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = audioClient(tenant);
        UUID patient = janeDoe(client, tenant);
        Http.Response uploaded = Upload.to(tenant.api(port)).wav(AudioSamples.wav()).field("patient", patient)
                .field("user", tenant.clinician().id()).field("transcript", "A dry cough for five days.").send();
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        UUID uuid = UUID.fromString(uploaded.json().get("uuid").asString());

        assertThat(client.audios().get(uuid).patient().uuid()).isEqualTo(patient);
        assertThat(client.audios().list(AudioQuery.create().patient(patient)).stream()).extracting(Audio::uuid)
                .containsExactly(uuid);

        client.audios().delete(uuid);
        assertThatThrownBy(() -> client.audios().get(uuid)).isInstanceOf(NotFoundException.class);
        assertThat(client.audios().list(AudioQuery.create().patient(patient)).stream()).isEmpty();
        assertThatThrownBy(() -> client.audios().delete(uuid)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aRecordingIsUploadedStreamedFromDiskAndComesBackByteForByte(@TempDir Path dir) throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = audioClient(tenant);
        UUID patient = janeDoe(client, tenant);
        byte[] wav = AudioSamples.wav(1.5, 16_000, 1);
        Path recording = Files.write(dir.resolve("jane-doe.wav"), wav);

        Audio uploaded = client.audios().upload(AudioUpload.of(recording, patient).user(tenant.clinician().id())
                .languageSpoken("fr").transcript("Fièvre à 38,2 °C depuis deux jours."));

        assertThat(uploaded.status()).isEqualTo("uploaded");
        assertThat(uploaded.patient().uuid()).isEqualTo(patient);
        assertThat(uploaded.user().uuid()).isEqualTo(tenant.clinician().id());
        assertThat(uploaded.languageSpoken()).isEqualTo("fr");
        assertThat(uploaded.noteType()).isEqualTo("consultation_summary");
        assertThat(uploaded.contentType()).isEqualTo("audio/wav");
        assertThat(uploaded.size()).isEqualTo(wav.length);
        assertThat(uploaded.transcription()).as("UTF-8 kept").isEqualTo("Fièvre à 38,2 °C depuis deux jours.");
        Http api = tenant.api(port);
        java.net.http.HttpResponse<byte[]> file = java.net.http.HttpClient.newHttpClient().send(
                api.builder("/audios/" + uploaded.uuid() + "/file").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.body()).isEqualTo(wav);
    }

    @Test
    void aBadUploadIsTheServersProblemNamingWhatIsWrong(@TempDir Path dir) throws Exception {
        Tenants.Tenant tenant = tenants.create();
        NotesyncClient client = audioClient(tenant);
        UUID patient = janeDoe(client, tenant);
        Path text = Files.writeString(dir.resolve("notes.wav"), "not audio at all, only text");
        Path wav = Files.write(dir.resolve("a.wav"), AudioSamples.wav());

        assertThatThrownBy(() -> client.audios().upload(AudioUpload.of(text, patient).user(tenant.clinician().id())))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
        assertThatThrownBy(() -> client.audios().upload(AudioUpload.of(wav, UUID.randomUUID())
                .user(tenant.clinician().id())))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(Problem.Violation::propertyPath).containsExactly("patient"));
        assertThatThrownBy(() -> AudioUpload.of(dir.resolve("missing.wav"), patient))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("missing");

        // A file gone by the time it is sent: the error names neither the file nor its path.
        Path gone = Files.write(dir.resolve("jane-doe.wav"), AudioSamples.wav());
        AudioUpload upload = AudioUpload.of(gone, patient).user(tenant.clinician().id());
        Files.delete(gone);
        assertThatThrownBy(() -> client.audios().upload(upload)).isInstanceOfSatisfying(TransportException.class,
                e -> {
                    assertThat(e).hasMessageNotContaining("jane").hasMessageNotContaining(dir.toString())
                            .hasNoCause();
                    assertThat(e.toString()).doesNotContain("jane");
                });
    }

    private static UUID janeDoe(NotesyncClient client, Tenants.Tenant tenant) {
        return client.patients().create(PatientInput.create().firstName("Jane").lastName("Doe")
                .user(tenant.clinician().id())).uuid();
    }

    private NotesyncClient audioClient(Tenants.Tenant tenant) {
        return NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(),
                        "read:patients", "write:patients", "read:audios", "write:audios")
                .build();
    }

    NotesyncClient client(Tenants.Tenant tenant) {
        return NotesyncClient.builder("http://127.0.0.1:" + port)
                .clientCredentials(tenant.client().clientId(), tenant.client().clientSecret(),
                        "read:notes", "write:notes", "read:patients", "write:patients")
                .build();
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
