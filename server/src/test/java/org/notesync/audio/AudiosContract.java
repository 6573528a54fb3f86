package org.notesync.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.notesync.support.ApiAssertions.assertProblem;
import static org.notesync.support.ApiAssertions.assertViolation;
import static org.notesync.support.ApiAssertions.url;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.identity.Accounts;
import org.notesync.identity.Scopes;
import org.notesync.patient.PatientFixture;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.notesync.web.Databases;
import org.notesync.webhook.Receiver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code /audios} on a real server: upload, read, file, filters, formats, scopes, organizations and
 * private patients, and the lifecycle through the offline engines (the test server configures none)
 * to the note and its {@code new_note} webhook on a loopback receiver.
 */
@ServerTest
abstract class AudiosContract {

    /** Appears in transcripts so tests can check that no error or failure reason repeats patient data. */
    static final String SECRET = "Zebulon-Quarthwaite";
    private static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\+00:00";
    private static final String TRANSCRIPT = "Good morning, what brings you in today? " + SECRET
            + " has had a dry cough and a sore throat for five days. Her temperature is 38.2 °C and the lungs are "
            + "clear on auscultation. This is most likely a viral upper respiratory infection. I'll prescribe "
            + "paracetamol 1 g three times a day and we will follow up in one week if it does not improve.";

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AudioStorage storage;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DataSource dataSource;

    // ---- upload and read ---------------------------------------------------------------------------------

    @Test
    void aClinicianUploadsARecordingAndGetsItBackByteForByte() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = patient(t);
        byte[] wav = AudioSamples.wav(1.5, 44_100, 2);

        Http.Response created = Upload.to(api).wav(wav).field("patient", "/patients/" + patient)
                .field("languageSpoken", "fr-FR").send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Content-Type")).startsWith("application/ld+json");
        JsonNode audio = created.json();
        String uuid = audio.get("uuid").asString();
        assertThat(created.header("Location")).isEqualTo("/audios/" + uuid);
        assertThat(audio.get("@id").asString()).isEqualTo("/audios/" + uuid);
        assertThat(audio.get("@type").asString()).isEqualTo("Audio");
        assertThat(audio.get("status").asString()).isEqualTo("uploaded");
        assertThat(audio.get("failureReason").isNull()).isTrue();
        assertThat(audio.get("patient").get("uuid").asString()).isEqualTo(patient.toString());
        assertThat(audio.get("user").get("uuid").asString()).isEqualTo(t.clinician().id().toString());
        assertThat(audio.get("languageSpoken").asString()).isEqualTo("fr-FR");
        assertThat(audio.get("noteType").asString()).isEqualTo("consultation_summary");
        assertThat(audio.get("contentType").asString()).isEqualTo("audio/wav");
        assertThat(audio.get("size").asLong()).isEqualTo(wav.length);
        assertThat(audio.get("transcription").isNull()).isTrue();
        assertThat(audio.get("note").isNull()).isTrue();
        assertThat(audio.get("createdAt").asString()).matches(DATE_TIME);

        Http.Response file = api.send(api.builder("/audios/" + uuid + "/file").GET());
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-Type")).isEqualTo("audio/wav");
        assertThat(file.header("Content-Length")).isEqualTo(String.valueOf(wav.length));
        assertThat(file.header("Content-Disposition")).contains(uuid + ".wav");
        assertThat(bytes(api, "/audios/" + uuid + "/file")).isEqualTo(wav);

        Http.Response plain = api.get("/audios/" + uuid, "application/json");
        assertThat(plain.header("Content-Type")).startsWith("application/json");
        assertThat(plain.json().has("@id")).isFalse();
        assertThat(plain.json().get("uuid").asString()).isEqualTo(uuid);
    }

    @Test
    void anUploadSentAgainWithItsIdempotencyKeyIsStoredOnceAndTheSecondRecordingRemoved() throws IOException {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = patient(t);
        byte[] wav = AudioSamples.wav(1.0, 16_000, 1);
        String key = UUID.randomUUID().toString();

        Http.Response first = Upload.to(api).wav(wav).field("patient", patient).header("Idempotency-Key", key).send();
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        long files = countFiles(storageRoot());
        Http.Response again = Upload.to(api).field("patient", patient).wav(wav).header("Idempotency-Key", key).send();
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("uuid").asString()).isEqualTo(first.json().get("uuid").asString());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audios WHERE patient_id = ?").param(patient).query(Long.class)
                .single()).isEqualTo(1);
        assertThat(countFiles(storageRoot())).as("no second recording kept").isEqualTo(files);

        byte[] other = AudioSamples.wav(1.2, 16_000, 1);
        Http.Response otherFile = Upload.to(api).wav(other).field("patient", patient).header("Idempotency-Key", key)
                .send();
        assertThat(assertProblem(otherFile, 422).get("title").asString()).isEqualTo("Idempotency-Key reused");
        Http.Response noKey = Upload.to(api).wav(wav).field("patient", patient).send();
        assertThat(noKey.status()).isEqualTo(201);
        assertThat(noKey.header("Idempotent-Replayed")).isNull();
    }

    /**
     * An upload whose body ends before its Content-Length (a client that stopped sending and still reads): its
     * parts cannot be read, a 400, and nothing is stored.
     */
    @Test
    void anUploadCutShortIsA400AndStoresNothing() throws IOException {
        Tenants.Tenant t = tenants.create();
        String token = t.token(port);
        UUID patient = patient(t);
        byte[] wav = AudioSamples.wav(2.0, 16_000, 1);
        String boundary = "cut-" + UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"patient\"\r\n\r\n" + patient
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\n"
                + t.clinician().id() + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"r\"\r\nContent-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(wav);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] whole = body.toByteArray();
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /audios HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                    + whole.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(whole, 0, whole.length / 2);
            out.flush();
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json");
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audios WHERE patient_id = ?").param(patient).query(Long.class)
                .single()).isZero();
    }

    private static long countFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void withoutATranscriptionEngineAnAudioWithoutTranscriptFailsAndSaysWhy() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String uuid = uploaded(api, t, null);

        JsonNode audio = AudioStates.awaitFinal(api, uuid);
        assertThat(audio.get("status").asString()).isEqualTo("failed");
        assertThat(audio.get("failureReason").asString()).isEqualTo("no transcription engine configured");
        assertThat(audio.get("transcription").isNull()).isTrue();
        assertThat(audio.get("note").isNull()).isTrue();
        assertThat(api.get("/notes?audio=" + uuid, "application/json").json().size()).isZero();
    }

    @Test
    void anUploadWithItsTranscriptBecomesAnOfflineDraftNoteDeliveredAsANewNoteWebhook() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID patient = patient(t);
        try (Receiver receiver = new Receiver()) {
            Http.Response webhook = api.post("/webhooks", Map.of("url", receiver.url(), "events", List.of("new_note"),
                    "active", true));
            assertThat(webhook.status()).as(webhook.toString()).isEqualTo(201);

            Http.Response created = Upload.to(api).wav(AudioSamples.wav(2.0, 16_000, 1)).field("patient", patient)
                    .field("user", t.clinician().id()).field("noteType", "consultation_summary")
                    .field("transcript", TRANSCRIPT).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json().get("status").asString()).isEqualTo("uploaded");
            assertThat(created.json().get("transcription").asString()).isEqualTo(TRANSCRIPT);
            String uuid = created.json().get("uuid").asString();

            JsonNode audio = AudioStates.awaitFinal(api, uuid);
            assertThat(audio.get("status").asString()).as(audio.toString()).isEqualTo("completed");
            assertThat(audio.get("failureReason").isNull()).isTrue();
            assertThat(audio.get("transcriptSource").asString()).isEqualTo("upload");
            assertThat(audio.get("duration").asDouble()).isEqualTo(2.0);
            assertThat(audio.get("transcribedAt").asString()).matches(DATE_TIME);
            assertThat(audio.get("completedAt").asString()).matches(DATE_TIME);
            String noteId = audio.get("note").asString();

            JsonNode note = api.get("/notes/" + noteId).json();
            assertThat(note.get("audio").asString()).isEqualTo(uuid);
            assertThat(note.get("type").asString()).isEqualTo("consultation_summary");
            assertThat(note.get("patient").get("uuid").asString()).isEqualTo(patient.toString());
            assertThat(note.get("user").get("uuid").asString()).isEqualTo(t.clinician().id().toString());
            String content = note.get("content").asString();
            assertThat(content).startsWith("DRAFT - not AI");
            assertThat(section(content, "Subjective")).contains("dry cough and a sore throat for five days");
            assertThat(section(content, "Objective")).contains("38.2 °C");
            assertThat(section(content, "Assessment")).contains("most likely a viral");
            assertThat(section(content, "Plan")).contains("paracetamol 1 g").contains("follow up in one week");
            assertThat(api.get("/notes?audio=" + uuid, "application/json").json().size()).isEqualTo(1);

            Receiver.Request delivered = awaitDelivery(receiver, noteId);
            JsonNode event = delivered.json().get("events").get(0);
            assertThat(event.get("action").asString()).isEqualTo("new_note");
            assertThat(event.get("resource_type").asString()).isEqualTo("note");
            assertThat(event.get("metadata").get("note").get("content").asString()).isEqualTo(content);
            assertThat(event.get("metadata").get("note").get("patient").get("uuid").asString())
                    .isEqualTo(patient.toString());
            assertThat(event.get("resource_metadata").get("organization_id").asString())
                    .isEqualTo(t.organization().id().toString());
        }
    }

    @Test
    void eachAcceptedFormatIsRecognisedByItsContentWhateverItsNameOrDeclaredType() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = patient(t);
        Map<String, byte[]> samples = Map.of("audio/wav", AudioSamples.wav(), "audio/mpeg", AudioSamples.mp3(),
                "audio/ogg", AudioSamples.oggOpus(), "audio/webm", AudioSamples.webm(),
                "audio/mp4", AudioSamples.m4a(), "audio/aac", AudioSamples.aacAdts());
        samples.forEach((expected, bytes) -> {
            Http.Response created = Upload.to(api).file(bytes, "recording.txt", "application/octet-stream")
                    .field("patient", patient).send();
            assertThat(created.status()).as(expected + " " + created).isEqualTo(201);
            assertThat(created.json().get("contentType").asString()).isEqualTo(expected);
            Http.Response file = api.send(api.builder("/audios/" + created.json().get("uuid").asString() + "/file")
                    .GET());
            assertThat(file.header("Content-Type")).isEqualTo(expected);
        });
        Http.Response bare = Upload.to(api).file(AudioSamples.mp3WithoutTag(), "a.wav", "audio/wav")
                .field("patient", patient).send();
        assertThat(bare.json().get("contentType").asString()).isEqualTo("audio/mpeg");
    }

    // ---- refused uploads ---------------------------------------------------------------------------------

    @Test
    void aTextFileNamedWavIsRefusedAs415AndNothingIsStored() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = patient(t);
        for (byte[] notAudio : List.of(AudioSamples.text(), AudioSamples.matroska(), new byte[] {'R', 'I', 'F'})) {
            JsonNode problem = assertProblem(Upload.to(api).file(notAudio, "consultation.wav", "audio/wav")
                    .field("patient", patient).field("transcript", SECRET).send(), 415);
            assertThat(problem.get("detail").asString()).contains("WAV, MP3, OGG").contains("content")
                    .doesNotContain(SECRET);
        }
        assertThat(audioRows(t)).isZero();
    }

    @Test
    void anEmptyOrMissingFileIsA422NamingTheFile() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = patient(t);
        JsonNode empty = assertViolation(Upload.to(api).file(new byte[0], "a.wav", "audio/wav")
                .field("patient", patient).send(), "file");
        assertThat(empty.get("violations").get(0).get("message").asString()).isEqualTo("The file is empty.");
        assertViolation(Upload.to(api).field("patient", patient).send(), "file");
        assertViolation(Upload.to(api).wav(AudioSamples.wav()).wav(AudioSamples.wav()).field("patient", patient)
                .send(), "file");
        assertThat(audioRows(t)).isZero();
    }

    @Test
    void invalidFieldsAre422sNamingEachField() {
        Tenants.Tenant t = tenants.create();
        Http clinician = t.clinicianApi(port);
        Http integration = t.api(port);
        UUID patient = patient(t);
        byte[] wav = AudioSamples.wav();

        assertViolation(Upload.to(clinician).wav(wav).send(), "patient");
        assertViolation(Upload.to(clinician).wav(wav).field("patient", "not-a-uuid").send(), "patient");
        assertViolation(Upload.to(clinician).wav(wav).field("patient", UUID.randomUUID()).send(), "patient");
        JsonNode type = assertViolation(Upload.to(clinician).wav(wav).field("patient", patient)
                .field("noteType", "haiku").send(), "noteType");
        assertThat(type.get("detail").asString()).contains("consultation_summary");
        assertViolation(Upload.to(clinician).wav(wav).field("patient", patient)
                .field("languageSpoken", "x".repeat(36)).send(), "languageSpoken");
        assertViolation(Upload.to(clinician).wav(wav).field("patient", patient)
                .field("user", UUID.randomUUID()).send(), "user");
        JsonNode twice = assertViolation(Upload.to(clinician).wav(wav).field("patient", patient)
                .field("patient", patient).send(), "patient");
        assertThat(twice.get("violations")).as("one violation, which says what is wrong").hasSize(1);
        assertThat(twice.at("/violations/0/message").asString()).isEqualTo("This field is given more than once: send it once.");
        JsonNode both = assertViolation(Upload.to(integration).wav(wav).field("patient", patient)
                .field("transcript", "x".repeat(AudioController.MAX_TRANSCRIPT + 1)).send(), "user");
        assertThat(both.get("violations").valueStream().map(v -> v.get("propertyPath").asString()))
                .contains("transcript");
        assertViolation(Upload.to(integration).wav(wav).field("patient", patient).field("user", UUID.randomUUID())
                .send(), "user");

        assertProblem(clinician.post("/audios", Map.of("patient", patient.toString())), 415);
        assertThat(audioRows(t)).isZero();
    }

    /** Text parts are decoded strictly: bytes not of their charset are refused, never replaced by U+FFFD. */
    @Test
    void aTranscriptIsReadInItsPartsCharsetAndRefusedWhenItsBytesAreNotOfIt() {
        Tenants.Tenant t = tenants.create();
        Http clinician = t.clinicianApi(port);
        UUID patient = patient(t);
        byte[] wav = AudioSamples.wav();
        byte[] loneSurrogate = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'};
        JsonNode refused = assertViolation(Upload.to(clinician).wav(wav).field("patient", patient)
                .rawField("transcript", loneSurrogate, null).send(), "transcript");
        assertThat(refused.get("violations")).as("one violation, saying why").hasSize(1);
        assertThat(refused.get("violations").get(0).get("message").asString()).contains("not valid text");
        assertViolation(Upload.to(clinician).wav(wav).field("patient", patient)
                .rawField("transcript", new byte[] {'a', (byte) 0xC3}, "text/plain; charset=UTF-8").send(), "transcript");
        assertThat(audioRows(t)).isZero();

        byte[] latin1 = "Fièvre depuis 3 jours.\nToux.".getBytes(StandardCharsets.ISO_8859_1);
        Http.Response created = Upload.to(clinician).wav(wav).field("patient", patient)
                .rawField("transcript", latin1, "text/plain; charset=ISO-8859-1").send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("transcription").asString()).isEqualTo("Fièvre depuis 3 jours.\nToux.");
        Http.Response utf8 = Upload.to(clinician).wav(wav).field("patient", patient)
                .field("transcript", "Fièvre, 38,5 °C").send();
        assertThat(utf8.json().get("transcription").asString()).isEqualTo("Fièvre, 38,5 °C");

        Http.Response queried = Upload.to(t.api(port)).wav(wav).query("patient=" + patient + "&user="
                + t.clinician().id()).send();
        assertThat(queried.status()).as("fields in the query string: " + queried).isEqualTo(201);
        assertViolation(Upload.to(clinician).wav(wav).query("patient=" + patient).field("patient", patient).send(),
                "patient");
    }

    // ---- collection and filters --------------------------------------------------------------------------

    @Test
    void theCollectionFiltersByPatientUserLanguageStatusDatesAndTranscriptionWithoutAccents() {
        Tenants.Tenant t = tenants.create();
        Http api = t.api(port);
        UUID org = t.organization().id();
        UUID p1 = PatientFixture.patientOf(jdbc, org).insert();
        UUID p2 = PatientFixture.patientOf(jdbc, org).insert();
        Accounts.User other = t.addClinician("Grace", "Hopper");
        Instant t0 = Instant.parse("2026-01-10T10:00:00Z");
        String a1 = AudioFixture.audioAbout(jdbc, org, p1).by(t.clinician().id()).language("fr")
                .transcription("Le patient a de la FIÈVRE depuis hier.").createdAt(t0).insert().toString();
        String a2 = AudioFixture.audioAbout(jdbc, org, p2).by(other.id()).language("en").status("failed")
                .transcription("Fievre légère, pas de toux.").createdAt(t0.plusSeconds(3600)).insert().toString();
        String a3 = AudioFixture.audioAbout(jdbc, org, p1).by(other.id()).status("transcribing")
                .createdAt(t0.plusSeconds(7200)).updatedAt(t0.plusSeconds(9000)).insert().toString();

        assertThat(uuids(api.get("/audios"))).containsExactly(a1, a2, a3);
        assertThat(uuids(api.get("/audios?patient=" + p1))).containsExactly(a1, a3);
        assertThat(uuids(api.get("/audios?patient=/patients/" + p2))).containsExactly(a2);
        assertThat(uuids(api.get(url("/audios?patient[]=" + p1 + "&patient[]=" + p2)))).containsExactly(a1, a2, a3);
        assertThat(uuids(api.get("/audios?user=" + other.id()))).containsExactly(a2, a3);
        assertThat(uuids(api.get("/audios?languageSpoken=fr"))).containsExactly(a1);
        assertThat(uuids(api.get("/audios?status=failed"))).containsExactly(a2);
        assertThat(uuids(api.get(url("/audios?status[]=failed&status[]=transcribing")))).containsExactly(a2, a3);
        assertThat(uuids(api.get("/audios?search=fievre"))).containsExactly(a1, a2);
        assertThat(uuids(api.get("/audios?search=Fi%C3%A8vre%20hier"))).containsExactly(a1);
        assertThat(uuids(api.get("/audios?search=%C3%A9pilepsie"))).isEmpty();
        assertThat(uuids(api.get("/audios?search=100%25"))).isEmpty();
        assertThat(uuids(api.get(url("/audios?createdAt[after]=2026-01-10T10:30:00%2B00:00")))).containsExactly(a2, a3);
        assertThat(uuids(api.get(url("/audios?createdAt[lt]=2026-01-10T11:00:00Z")))).containsExactly(a1);
        assertThat(uuids(api.get(url("/audios?createdAt[between]=2026-01-10T10:30:00Z..2026-01-10T11:30:00Z"))))
                .containsExactly(a2);
        assertThat(uuids(api.get(url("/audios?updatedAt[strictly_after]=2026-01-10T12:00:00Z")))).containsExactly(a3);
        assertThat(uuids(api.get(url("/audios?order[createdAt]=desc")))).containsExactly(a3, a2, a1);

        JsonNode page = api.get("/audios?itemsPerPage=2&page=2").json();
        assertThat(page.get("totalItems").asInt()).isEqualTo(3);
        assertThat(page.get("member").get(0).get("uuid").asString()).isEqualTo(a3);
        assertThat(page.get("view").get("previous").asString()).contains("page=1");
        assertThat(api.get("/audios", "application/json").json().isArray()).isTrue();

        assertProblem(api.get("/audios?status=lost"), 400);
        assertProblem(api.get("/audios?patient=123"), 400);
        assertProblem(api.get(url("/audios?patient[gt]=" + p1)), 400);
        assertProblem(api.get(url("/audios?createdAt[soon]=2026-01-01")), 400);
        assertProblem(api.get(url("/audios?order[size]=asc")), 400);
        assertProblem(api.get("/audios?search=" + "x".repeat(201)), 400);
    }

    // ---- deletion and the storage sweep ------------------------------------------------------------------

    @Test
    void aDeletedAudioIsGoneWithItsTranscriptionAndRecordingWhileItsNoteStays() throws IOException {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String uuid = uploaded(api, t, TRANSCRIPT);
        JsonNode completed = AudioStates.awaitFinal(api, uuid);
        assertThat(completed.get("status").asString()).as(completed.toString()).isEqualTo("completed");
        String noteId = completed.get("note").asString();
        Path recording = storageRoot().resolve(storageKey(uuid));
        assertThat(recording).exists();

        Http.Response deleted = api.delete("/audios/" + uuid);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);

        assertThat(assertProblem(api.get("/audios/" + uuid), 404).get("detail").asString())
                .isEqualTo("Audio not found.");
        assertProblem(api.get("/audios/" + uuid + "/file"), 404);
        assertThat(uuids(api.get("/audios"))).doesNotContain(uuid);
        assertThat(audioRows(t)).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pipeline_jobs WHERE audio_id = ?").param(UUID.fromString(uuid))
                .query(Long.class).single()).isZero();
        assertThat(recording).doesNotExist();
        // The note is the clinical record: it stays, and still says which audio it came from.
        JsonNode note = api.get("/notes/" + noteId).json();
        assertThat(note.get("audio").asString()).isEqualTo(uuid);
        assertThat(note.get("content").asString()).startsWith("DRAFT - not AI");

        assertProblem(api.delete("/audios/" + uuid), 404);
        assertProblem(api.delete("/audios/" + UUID.randomUUID()), 404);
        assertProblem(api.delete("/audios/not-a-uuid"), 400);
    }

    @Test
    void aFailedAudioIsDeletedToo() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String uuid = uploaded(api, t, null);
        assertThat(AudioStates.awaitFinal(api, uuid).get("status").asString()).isEqualTo("failed");

        assertThat(api.delete("/audios/" + uuid).status()).isEqualTo(204);
        assertProblem(api.get("/audios/" + uuid), 404);
        assertThat(audioRows(t)).isZero();
    }

    @Test
    void theSweepRemovesOnlyOldRecordingsNoAudioRefersToAndOldPartialUploads(@TempDir Path root) throws IOException {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String uuid = uploaded(api, t, null);
        String org = t.organization().id().toString();
        FileTime old = FileTime.from(Instant.now().minus(AudioSweep.GRACE).minusSeconds(60));

        Path referenced = file(root, storageKey(uuid), old);
        Path orphan = file(root, org + "/" + UUID.randomUUID() + ".wav", old);
        Path sameAudioOtherKey = file(root, org + "/" + uuid + ".mp3", old);
        Path recentOrphan = file(root, org + "/" + UUID.randomUUID() + ".wav", null); // an upload about to commit
        Path stalePartial = file(root, org + "/.upload-123.part", old);
        Path recentPartial = file(root, org + "/.upload-456.part", null); // an upload being copied
        Path foreign = file(root, "operator/readme.txt", old);
        Path notAUuid = file(root, org + "/" + "0".repeat(36) + ".wav", old);
        Path anotherInstallations = file(root, UUID.randomUUID() + "/" + UUID.randomUUID() + ".wav", old);

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AudioSweep sweep = sweep(root, meters);
        AudioSweep.Swept swept = sweep.sweep(Instant.now().minus(AudioSweep.GRACE));

        assertThat(swept).isEqualTo(new AudioSweep.Swept(2, 1));
        assertThat(orphan).doesNotExist();
        assertThat(sameAudioOtherKey).doesNotExist();
        assertThat(stalePartial).doesNotExist();
        assertThat(referenced).exists();
        assertThat(recentOrphan).exists();
        assertThat(recentPartial).exists();
        assertThat(foreign).exists();
        assertThat(notAUuid).exists();
        assertThat(anotherInstallations).as("an organization this database does not know").exists();
        assertThat(meters.get("notesync.audio.files.swept").tag("kind", "orphan").counter().count()).isEqualTo(2);
        assertThat(meters.get("notesync.audio.files.swept").tag("kind", "incomplete").counter().count())
                .isEqualTo(1);

        // Once its audio is deleted, the copy under its key is the sweep's too; a second sweep finds nothing else.
        assertThat(api.delete("/audios/" + uuid).status()).isEqualTo(204);
        assertThat(sweep.sweep(Instant.now().minus(AudioSweep.GRACE))).isEqualTo(new AudioSweep.Swept(1, 0));
        assertThat(referenced).doesNotExist();
        assertThat(sweep.sweep(Instant.now().minus(AudioSweep.GRACE))).isEqualTo(new AudioSweep.Swept(0, 0));
    }

    @Test
    void theSweepChecksTheKeysInBatches(@TempDir Path root) throws IOException {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String kept = uploaded(api, t, null);
        String org = t.organization().id().toString();
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        file(root, storageKey(kept), old);
        int orphans = AudioSweep.BATCH * 2 + 7;
        for (int i = 0; i < orphans; i++) {
            file(root, org + "/" + UUID.randomUUID() + ".wav", old);
        }

        AudioSweep sweep = sweep(root, new SimpleMeterRegistry());
        assertThat(sweep.sweep(Instant.now().minus(AudioSweep.GRACE)).orphans()).isEqualTo(orphans);
        try (Stream<Path> left = Files.list(root.resolve(org))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(kept + ".wav");
        }
    }

    @Test
    void pastItsRetentionAnEndedAudiosRecordingGoesWhileTheAudioItsTranscriptionAndNoteStay() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String completed = uploaded(api, t, TRANSCRIPT);
        String failed = uploaded(api, t, null);
        String recent = uploaded(api, t, TRANSCRIPT);
        JsonNode before = AudioStates.awaitFinal(api, completed);
        assertThat(before.get("status").asString()).isEqualTo("completed");
        assertThat(AudioStates.awaitFinal(api, failed).get("status").asString()).isEqualTo("failed");
        assertThat(AudioStates.awaitFinal(api, recent).get("status").asString()).isEqualTo("completed");
        assertThat(before.get("fileDeletedAt").isNull()).isTrue();
        Path completedFile = storageRoot().resolve(storageKey(completed));
        Path failedFile = storageRoot().resolve(storageKey(failed));
        Path recentFile = storageRoot().resolve(storageKey(recent));
        endedDaysAgo(31, completed, failed);
        endedDaysAgo(29, recent);

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AudioSweep sweep = sweep(storage, meters);
        // At least these two: the database is shared with other test classes.
        assertThat(sweep.expire(Instant.now().minus(Duration.ofDays(30)))).isGreaterThanOrEqualTo(2);

        assertThat(completedFile).doesNotExist();
        assertThat(failedFile).doesNotExist();
        assertThat(recentFile).exists();
        JsonNode after = api.get("/audios/" + completed).json();
        assertThat(after.get("fileDeletedAt").asString()).matches(DATE_TIME);
        assertThat(after.get("status").asString()).isEqualTo("completed");
        assertThat(after.get("transcription").asString()).isEqualTo(TRANSCRIPT);
        assertThat(after.get("note").asString()).isEqualTo(before.get("note").asString());
        assertThat(after.get("size").asLong()).isEqualTo(before.get("size").asLong());
        assertThat(Instant.parse(after.get("updatedAt").asString().replace("+00:00", "Z")))
                .isAfterOrEqualTo(Instant.parse(before.get("updatedAt").asString().replace("+00:00", "Z")));
        assertThat(api.get("/notes/" + after.get("note").asString()).status()).isEqualTo(200);
        JsonNode gone = assertProblem(api.get("/audios/" + completed + "/file"), 410);
        assertThat(gone.get("detail").asString()).contains("retention period")
                .contains(after.get("fileDeletedAt").asString().substring(0, 10));
        assertProblem(api.get("/audios/" + failed + "/file"), 410);
        assertThat(api.get("/audios/" + recent).json().get("fileDeletedAt").isNull()).isTrue();
        assertThat(bytes(api, "/audios/" + recent + "/file")).isEqualTo(AudioSamples.wav());
        assertThat(meters.get("notesync.audio.files.swept").tag("kind", "expired").counter().count())
                .isGreaterThanOrEqualTo(2);

        String expiredAt = after.get("fileDeletedAt").asString();
        sweep.expire(Instant.now().minus(Duration.ofDays(30)));
        assertThat(api.get("/audios/" + completed).json().get("fileDeletedAt").asString())
                .as("an expired audio is not expired again").isEqualTo(expiredAt);
        assertThat(api.delete("/audios/" + completed).status()).isEqualTo(204);
    }

    @Test
    void anExpirySkipsTheAudiosAnotherNodeHoldsOnPostgresAndWaitsForThemOnH2() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String held = uploaded(api, t, TRANSCRIPT);
        String free = uploaded(api, t, TRANSCRIPT);
        assertThat(AudioStates.awaitFinal(api, held).get("status").asString()).isEqualTo("completed");
        assertThat(AudioStates.awaitFinal(api, free).get("status").asString()).isEqualTo("completed");
        endedDaysAgo(40, held, free);
        AudioSweep sweep = sweep(storage, new SimpleMeterRegistry());

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // Another node's expiry (or anything) holding one of the rows.
            Future<?> holder = threads.submit(() -> transactions.executeWithoutResult(tx -> {
                jdbc.sql("SELECT id FROM audios WHERE id = ? FOR UPDATE").param(UUID.fromString(held))
                        .query(UUID.class).single();
                locked.countDown();
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Integer> expiring = threads.submit(() -> sweep.expire(Instant.now().minus(Duration.ofDays(30))));
            if (Databases.isPostgres(dataSource)) {
                expiring.get(30, TimeUnit.SECONDS); // did not wait for the held row
                assertThat(expired(free)).as("the free audio's recording went").isTrue();
                assertThat(expired(held)).as("the held one is left for a later run").isFalse();
                release.countDown();
                holder.get(30, TimeUnit.SECONDS);
                sweep.expire(Instant.now().minus(Duration.ofDays(30)));
            } else {
                // H2 has no SKIP LOCKED: the expiry waits for the row, then takes it.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("""
                        SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL
                        AND executing_statement LIKE 'SELECT id, storage_key FROM audios%'""")
                        .query(Long.class).single() > 0);
                assertThat(expiring).isNotDone();
                release.countDown();
                holder.get(30, TimeUnit.SECONDS);
                expiring.get(30, TimeUnit.SECONDS);
            }
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        assertThat(expired(held)).isTrue();
        assertThat(expired(free)).isTrue();
    }

    private boolean expired(String audio) {
        return jdbc.sql("SELECT file_deleted_at IS NOT NULL FROM audios WHERE id = ?").param(UUID.fromString(audio))
                .query(Boolean.class).single();
    }

    @Test
    void anExpiryGoesOnBatchAfterBatchAndTheSweepRemovesAFileItLeftBehind(@TempDir Path root) throws IOException {
        Tenants.Tenant t = tenants.create();
        UUID patient = patient(t);
        java.time.OffsetDateTime ended = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(40);
        String org = t.organization().id().toString();
        int audios = AudioSweep.BATCH * 2 + 1;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < audios; i++) {
            UUID id = UUID.randomUUID();
            String key = org + "/" + id + ".wav";
            jdbc.sql("""
                    INSERT INTO audios (id, organization_id, patient_id, user_id, status, note_type, content_type,
                                        size_bytes, storage_key, created_at, updated_at, completed_at)
                    VALUES (?, ?, ?, ?, 'failed', 'consultation_summary', 'audio/wav', 44, ?, ?, ?, ?)""")
                    .params(id, t.organization().id(), patient, t.clinician().id(), key, ended, ended, ended)
                    .update();
            file(root, key, null);
            keys.add(key);
        }

        AudioSweep sweep = sweep(root, new SimpleMeterRegistry());
        assertThat(sweep.expire(Instant.now().minus(Duration.ofDays(30)))).isGreaterThanOrEqualTo(audios);
        assertThat(audioRows(t)).isEqualTo(audios);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audios WHERE organization_id = ? AND file_deleted_at IS NULL")
                .param(t.organization().id()).query(Long.class).single()).isZero();
        try (Stream<Path> left = Files.list(root.resolve(org))) {
            assertThat(left).isEmpty();
        }

        // A file the expiry could not remove after its commit is no longer referenced: the sweep takes it.
        Path leftBehind = file(root, keys.get(0), FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        assertThat(sweep.sweep(Instant.now().minus(AudioSweep.GRACE))).isEqualTo(new AudioSweep.Swept(1, 0));
        assertThat(leftBehind).doesNotExist();
    }

    // ---- scopes, organizations, private patients ---------------------------------------------------------

    @Test
    void everyAudioEndpointNeedsItsScope() {
        Tenants.Tenant t = tenants.create();
        String uuid = Upload.to(t.clinicianApi(port)).wav(AudioSamples.wav()).field("patient", patient(t)).send()
                .json().get("uuid").asString();
        Http reader = t.api(port, Scopes.READ_AUDIOS);
        Http writerOnly = t.api(port, Scopes.WRITE_AUDIOS);
        Http others = t.api(port, Scopes.READ_NOTES, Scopes.WRITE_NOTES, Scopes.READ_PATIENTS);
        Http anonymous = new Http(port, null);

        for (String path : List.of("/audios", "/audios/" + uuid, "/audios/" + uuid + "/file")) {
            assertThat(reader.get(path).status()).as(path).isEqualTo(200);
            assertProblem(writerOnly.get(path), 403);
            assertProblem(others.get(path), 403);
            assertProblem(anonymous.get(path), 401);
        }
        UUID patient = patient(t);
        assertProblem(Upload.to(reader).wav(AudioSamples.wav()).field("patient", patient)
                .field("user", t.clinician().id()).send(), 403);
        assertProblem(Upload.to(others).wav(AudioSamples.wav()).field("patient", patient)
                .field("user", t.clinician().id()).send(), 403);
        assertProblem(Upload.to(anonymous).wav(AudioSamples.wav()).field("patient", patient).send(), 401);
        assertThat(Upload.to(writerOnly).wav(AudioSamples.wav()).field("patient", patient)
                .field("user", t.clinician().id()).send().status()).isEqualTo(201);

        assertProblem(reader.delete("/audios/" + uuid), 403);
        assertProblem(others.delete("/audios/" + uuid), 403);
        assertProblem(anonymous.delete("/audios/" + uuid), 401);
        assertThat(reader.get("/audios/" + uuid).status()).isEqualTo(200);
        assertThat(writerOnly.delete("/audios/" + uuid).status()).isEqualTo(204);
        assertProblem(reader.get("/audios/" + uuid), 404);
    }

    @Test
    void anotherOrganizationsAudiosArePureNotFound() {
        Tenants.Tenant mine = tenants.create();
        Tenants.Tenant theirs = tenants.create();
        String theirAudio = Upload.to(theirs.clinicianApi(port)).wav(AudioSamples.wav())
                .field("patient", patient(theirs)).send().json().get("uuid").asString();
        Http api = mine.api(port);
        Http clinician = mine.clinicianApi(port);

        for (Http caller : List.of(api, clinician)) {
            JsonNode problem = assertProblem(caller.get("/audios/" + theirAudio), 404);
            assertThat(problem.get("detail").asString()).isEqualTo("Audio not found.");
            assertProblem(caller.get("/audios/" + theirAudio + "/file"), 404);
            assertThat(assertProblem(caller.delete("/audios/" + theirAudio), 404).get("detail").asString())
                    .isEqualTo("Audio not found.");
            assertThat(uuids(caller.get("/audios"))).doesNotContain(theirAudio);
            assertThat(uuids(caller.get("/audios?patient=" + patientOf(theirAudio)))).isEmpty();
        }
        assertProblem(api.get("/audios/" + UUID.randomUUID()), 404);
        assertProblem(api.get("/audios/not-a-uuid"), 400);
        assertThat(theirs.clinicianApi(port).get("/audios/" + theirAudio).status()).isEqualTo(200);
        assertViolation(Upload.to(clinician).wav(AudioSamples.wav()).field("patient", patientOf(theirAudio)).send(),
                "patient");
        assertViolation(Upload.to(api).wav(AudioSamples.wav()).field("patient", patient(mine))
                .field("user", theirs.clinician().id()).send(), "user");
    }

    @Test
    void aPrivatePatientsAudiosAreItsClinicianOnly() {
        Tenants.Tenant t = tenants.create();
        Accounts.User colleague = t.addClinician("Grace", "Hopper");
        UUID secret = PatientFixture.patientOf(jdbc, t.organization().id()).privateTo(t.clinician().id()).insert();
        Http owner = t.clinicianApi(port);
        Http other = t.clinicianApi(port, colleague);
        Http integration = t.api(port);

        Http.Response created = Upload.to(owner).wav(AudioSamples.wav()).field("patient", secret).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String uuid = created.json().get("uuid").asString();

        assertThat(owner.get("/audios/" + uuid).status()).isEqualTo(200);
        assertThat(owner.send(owner.builder("/audios/" + uuid + "/file").GET()).status()).isEqualTo(200);
        assertThat(uuids(owner.get("/audios"))).containsExactly(uuid);
        for (Http outsider : List.of(other, integration)) {
            assertProblem(outsider.get("/audios/" + uuid), 404);
            assertProblem(outsider.get("/audios/" + uuid + "/file"), 404);
            assertThat(uuids(outsider.get("/audios"))).isEmpty();
            assertThat(outsider.get("/audios").json().get("totalItems").asInt()).isZero();
            assertProblem(outsider.delete("/audios/" + uuid), 404);
        }
        assertThat(owner.get("/audios/" + uuid).status()).isEqualTo(200);
        assertThat(owner.delete("/audios/" + uuid).status()).isEqualTo(204);
        assertViolation(Upload.to(other).wav(AudioSamples.wav()).field("patient", secret).send(), "patient");
        assertViolation(Upload.to(integration).wav(AudioSamples.wav()).field("patient", secret)
                .field("user", t.clinician().id()).send(), "patient");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Uploads a WAV about a new patient of the tenant, with the transcript when not null; its uuid. */
    private String uploaded(Http api, Tenants.Tenant t, String transcript) {
        Upload upload = Upload.to(api).wav(AudioSamples.wav()).field("patient", patient(t));
        if (transcript != null) {
            upload.field("transcript", transcript);
        }
        Http.Response created = upload.send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("uuid").asString();
    }

    private UUID patient(Tenants.Tenant t) {
        return PatientFixture.patientOf(jdbc, t.organization().id()).ownedBy(t.clinician().id()).insert();
    }

    private UUID patientOf(String audio) {
        return jdbc.sql("SELECT patient_id FROM audios WHERE id = ?").param(UUID.fromString(audio))
                .query(UUID.class).single();
    }

    /** A sweep of its own over {@code root}, on the application's database. */
    private AudioSweep sweep(Path root, SimpleMeterRegistry meters) {
        return sweep(new DirectoryAudioStorage(root), meters);
    }

    private AudioSweep sweep(AudioStorage over, SimpleMeterRegistry meters) {
        return new AudioSweep(jdbc, transactions, dataSource, over, Clock.systemUTC(),
                new AudioProperties(null, Duration.ofDays(30), Duration.ofHours(1)), meters);
    }

    private void endedDaysAgo(int days, String... audios) {
        for (String audio : audios) {
            jdbc.sql("UPDATE audios SET completed_at = ? WHERE id = ?")
                    .params(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(days),
                            UUID.fromString(audio)).update();
        }
    }

    private String storageKey(String audio) {
        return jdbc.sql("SELECT storage_key FROM audios WHERE id = ?").param(UUID.fromString(audio))
                .query(String.class).single();
    }

    private Path storageRoot() {
        return ((DirectoryAudioStorage) storage).root();
    }

    /** A file under the key, written at {@code modified} (now when null). */
    private static Path file(Path root, String key, FileTime modified) throws IOException {
        Path path = root.resolve(key);
        Files.createDirectories(path.getParent());
        Files.write(path, AudioSamples.wav());
        if (modified != null) {
            Files.setLastModifiedTime(path, modified);
        }
        return path;
    }

    private long audioRows(Tenants.Tenant t) {
        return jdbc.sql("SELECT COUNT(*) FROM audios WHERE organization_id = ?").param(t.organization().id())
                .query(Long.class).single();
    }

    static Receiver.Request awaitDelivery(Receiver receiver, String noteId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            for (Receiver.Request r : receiver.requests()) {
                if (r.eventIds().contains(noteId)) {
                    return r;
                }
            }
            sleep(100);
        }
        throw new AssertionError("no webhook delivered note " + noteId + "; received " + receiver.eventIds());
    }

    /** The lines of one section of a rendered note. */
    static String section(String content, String title) {
        int start = content.indexOf(title + ":\n");
        assertThat(start).as(title + " in " + content).isNotNegative();
        int end = content.indexOf("\n\n", start);
        return end < 0 ? content.substring(start) : content.substring(start, end);
    }

    private static byte[] bytes(Http api, String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(api.builder(path).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> uuids(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> uuids = new ArrayList<>();
        response.json().get("member").forEach(m -> uuids.add(m.get("uuid").asString()));
        return uuids;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
