package org.notesync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.notesync.audio.AudioProgress;
import org.notesync.audio.AudioSamples;
import org.notesync.audio.AudioStates;
import org.notesync.audio.Upload;
import org.notesync.note.Notes;
import org.notesync.patient.PatientFixture;
import org.notesync.support.HeldTransaction;
import org.notesync.support.Http;
import org.notesync.support.LockWaits;
import org.notesync.support.ServerTest;
import org.notesync.support.SettableClock;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The pipeline survives its workers: a step claimed by a worker that died is taken over once the lease
 * runs out (on a settable clock), and a worker stopped mid-transcription gives its step back to the next
 * start. Each ends with exactly one note. The application's own worker is stopped during each test.
 */
@ServerTest
abstract class PipelineRestartContract {

    private static final String TRANSCRIPT = "I have had a cough for a week. I'll prescribe a syrup, 10 ml daily.";

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PipelineWorker applicationWorker;

    @Autowired
    PipelineJobs jobs;

    @Autowired
    PipelineSteps steps;

    @Autowired
    AudioProgress audios;

    @Autowired
    Notes notes;

    @Autowired
    NoteTemplates templates;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    java.time.Clock applicationClock;

    @Autowired
    DataSource dataSource;

    @BeforeEach
    void stopTheApplicationsWorker() {
        applicationWorker.stop(Duration.ofSeconds(10));
    }

    @AfterEach
    void startItAgain() {
        applicationWorker.start();
    }

    @Test
    void aStepClaimedByAWorkerThatDiedIsTakenOverWhenItsLeaseRunsOutAndCompletesOnce() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, TRANSCRIPT);
        SettableClock clock = new SettableClock().freeze();

        long waiting = jobs.waiting(clock.instant()); // notesync_pipeline_steps_waiting: this step among them

        // The dead worker claims the step for five minutes, and is never heard of again.
        PipelineJobs.Job claimedByTheDead = claim(audio, "dead-node", clock);
        assertThat(claimedByTheDead.attempts()).isEqualTo(1);
        assertThat(jobs.waiting(clock.instant())).as("held by a worker").isEqualTo(waiting - 1);

        PipelineWorker survivor = new PipelineWorker(jobs, steps, clock,
                new PipelineWorker.Settings("survivor", 4, Duration.ofSeconds(1), Duration.ofMinutes(5)));
        survivor.runDue();
        assertThat(status(api, audio)).isEqualTo("uploaded"); // the lease still holds
        assertThat(lockedBy(audio, "transcribe")).isEqualTo("dead-node");

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(jobs.waiting(clock.instant())).as("its lease ran out").isGreaterThanOrEqualTo(waiting);
        survivor.runDue(); // transcribe (taken over), which queues generate
        survivor.runDue(); // generate

        JsonNode done = api.get("/audios/" + audio).json();
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(notesOf(audio)).hasSize(1);
        assertThat(jdbc.sql("SELECT attempts FROM pipeline_jobs WHERE audio_id = ? AND step = 'transcribe'")
                .param(audio).query(Integer.class).single()).isEqualTo(2);

        // The dead worker comes back and reports its stale claim: its lease is gone, nothing changes.
        steps.run(claimedByTheDead, "dead-node");
        JsonNode after = api.get("/audios/" + audio).json();
        assertThat(after.get("status").asString()).isEqualTo("completed");
        assertThat(after.get("note").asString()).isEqualTo(done.get("note").asString());
        assertThat(notesOf(audio)).hasSize(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pipeline_jobs WHERE audio_id = ?").param(audio)
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void aWorkerThatLostItsLeaseAsItsStepBeganDoesNotSetTheAudiosStatusBack() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, null);
        PipelineJobs.Job stalled = claim(audio, "stalled-node", new SettableClock().freeze());
        PipelineSteps stalledSteps = steps(new NamedTranscriber("works",
                input -> new Transcriber.Transcript(TRANSCRIPT, Duration.ofSeconds(42))), applicationClock);

        ExecutorService thread = Executors.newSingleThreadExecutor();
        // Another worker took the step over (the lease ran out) and has gone on to generating the note; the stalled
        // worker read the audio before that committed, and begins its step after.
        try (HeldTransaction survivor = HeldTransaction.begin(new TransactionTemplate(transactions), () -> {
            jdbc.sql("UPDATE pipeline_jobs SET locked_by = 'survivor' WHERE id = ?").param(stalled.id()).update();
            jdbc.sql("UPDATE audios SET status = 'generating', transcription = ? WHERE id = ?")
                    .params(TRANSCRIPT, audio).update();
        })) {
            Future<?> run = thread.submit(() -> stalledSteps.run(stalled, "stalled-node"));
            await().atMost(Duration.ofSeconds(30)).until(() -> LockWaits.waiting(jdbc, dataSource, "UPDATE audios")
                    || LockWaits.waiting(jdbc, dataSource, "SELECT id FROM pipeline_jobs"));
            survivor.commit();
            run.get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }

        assertThat(status(api, audio)).isEqualTo("generating");
    }

    @Test
    void aWorkerStoppedMidTranscriptionGivesTheStepBackAndTheNextStartFinishesIt() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, null);

        CountDownLatch transcribing = new CountDownLatch(1);
        Transcriber hangs = new NamedTranscriber("hangs", input -> {
            transcribing.countDown();
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
        PipelineWorker first = worker("first-node", hangs);
        first.start();
        assertThat(transcribing.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(status(api, audio)).isEqualTo("transcribing");
        first.stop(Duration.ofMillis(200)); // the "restart": interrupts the transcription

        assertThat(lockedBy(audio, "transcribe")).isNull();
        assertThat(jdbc.sql("SELECT attempts FROM pipeline_jobs WHERE audio_id = ? AND step = 'transcribe'")
                .param(audio).query(Integer.class).single()).isZero();

        PipelineWorker second = worker("second-node", new NamedTranscriber("works",
                input -> new Transcriber.Transcript(TRANSCRIPT, Duration.ofSeconds(42))));
        second.start();
        try {
            JsonNode done = AudioStates.awaitFinal(api, audio);
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
            assertThat(done.get("transcriptSource").asString()).isEqualTo("works");
            assertThat(done.get("transcription").asString()).isEqualTo(TRANSCRIPT);
            assertThat(done.get("duration").asDouble()).isEqualTo(42.0);
        } finally {
            second.stop(Duration.ofSeconds(5));
        }
        assertThat(notesOf(audio)).hasSize(1);
    }

    @Test
    void aStoppingWorkerKeepsRenewingTheLeasesOfTheStepsItLetsFinish() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, null);

        CountDownLatch transcribing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Transcriber slow = new NamedTranscriber("slow", input -> {
            transcribing.countDown();
            finish.await();
            return new Transcriber.Transcript(TRANSCRIPT, Duration.ofSeconds(42));
        });
        // A lease far shorter than the grace: the step still runs when it would have run out.
        PipelineWorker stopping = new PipelineWorker(jobs, steps(slow, applicationClock), applicationClock,
                new PipelineWorker.Settings("stopping-node", 8, Duration.ofMillis(100), Duration.ofMillis(900)));
        stopping.start();
        assertThat(transcribing.await(30, TimeUnit.SECONDS)).isTrue();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<?> stop = thread.submit(() -> stopping.stop(Duration.ofSeconds(30)));
            Thread.sleep(2_000); // two leases into the grace

            java.time.Instant now = applicationClock.instant();
            List<PipelineJobs.Job> takenOver = jobs.claim("other-node", now, now.plus(Duration.ofMinutes(5)), 100);
            takenOver.stream().filter(j -> !j.audioId().equals(audio))
                    .forEach(j -> jobs.release("other-node", j.id(), now));
            assertThat(takenOver).noneMatch(j -> j.audioId().equals(audio));

            finish.countDown();
            stop.get(30, TimeUnit.SECONDS);
        } finally {
            finish.countDown();
            thread.shutdownNow();
        }
        JsonNode after = api.get("/audios/" + audio).json();
        assertThat(after.get("status").asString()).as(after.toString()).isEqualTo("transcribed");
        assertThat(after.get("transcriptSource").asString()).isEqualTo("slow");
        assertThat(jdbc.sql("SELECT status FROM pipeline_jobs WHERE audio_id = ? AND step = 'transcribe'")
                .param(audio).query(String.class).single()).isEqualTo("done");
    }

    @Test
    void uploadsWaitWhileNoWorkerRunsAndTheApplicationsWorkerFinishesThemWhenItStarts() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, TRANSCRIPT);
        Thread.sleep(500);
        assertThat(status(api, audio)).isEqualTo("uploaded");
        assertThat(jdbc.sql("SELECT status FROM pipeline_jobs WHERE audio_id = ?").param(audio).query(String.class)
                .list()).containsExactly("pending");

        applicationWorker.start();
        assertThat(AudioStates.awaitFinal(api, audio).get("status").asString()).isEqualTo("completed");
        assertThat(notesOf(audio)).hasSize(1);
    }

    /**
     * An uploaded transcript of the longest length taken makes an offline note longer than a note holds: the note
     * is cut to fit, saying so, and the audio completes (it failed, however often retried).
     */
    @Test
    void aTranscriptLongerThanANoteHoldsMakesANoteCutToFitAndSaysSo() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        StringBuilder text = new StringBuilder();
        while (text.length() < 99_990) {
            text.append("Cough. ");
        }
        UUID audio = upload(api, t, text.toString());
        applicationWorker.start();
        JsonNode done = AudioStates.awaitFinal(api, audio);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
        String content = api.get("/notes/" + done.get("note").asString().replaceFirst(".*/", "")).json()
                .get("content").asString();
        assertThat(content.length()).isLessThanOrEqualTo(100_000);
        assertThat(content).endsWith(PipelineSteps.CUT);
    }

    /**
     * A NUL in an engine's transcript (PostgreSQL refuses it in text) is left out, not a step that fails outside
     * validation and is retried at each lease until it gives up with another reason.
     */
    @Test
    void aNulInAnEnginesTranscriptIsLeftOut() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, null);
        PipelineWorker nul = worker("nul-node", new NamedTranscriber("nul",
                input -> new Transcriber.Transcript("I have had a cough\u0000 for a week.", null)));
        nul.start();
        try {
            JsonNode done = AudioStates.awaitFinal(api, audio);
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
            assertThat(done.get("transcription").asString()).isEqualTo("I have had a cough for a week.");
        } finally {
            nul.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void anAudioDeletedWhileItIsTranscribedLeavesNoNoteAndTheWorkerGoesOn() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, null);

        CountDownLatch transcribing = new CountDownLatch(1);
        CountDownLatch deleted = new CountDownLatch(1);
        PipelineWorker worker = worker("node", new NamedTranscriber("slow", input -> {
            transcribing.countDown();
            assertThat(deleted.await(30, TimeUnit.SECONDS)).isTrue();
            return new Transcriber.Transcript(TRANSCRIPT, Duration.ofSeconds(3));
        }));
        worker.start();
        try {
            assertThat(transcribing.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(status(api, audio)).isEqualTo("transcribing");
            Http.Response response = api.delete("/audios/" + audio);
            assertThat(response.status()).as(response.toString()).isEqualTo(204);
            deleted.countDown();
        } finally {
            worker.stop(Duration.ofSeconds(10)); // lets the step finish and write (or drop) its outcome
        }

        assertThat(api.get("/audios/" + audio).status()).isEqualTo(404);
        assertThat(notesOf(audio)).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pipeline_jobs WHERE audio_id = ?").param(audio)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audios WHERE id = ?").param(audio).query(Long.class).single())
                .isZero();

        // The same worker's next audio goes through.
        UUID next = upload(api, t, TRANSCRIPT);
        PipelineWorker again = worker("node", new NamedTranscriber("unused", input -> null));
        again.start();
        try {
            assertThat(AudioStates.awaitFinal(api, next).get("status").asString()).isEqualTo("completed");
        } finally {
            again.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aStepClaimedBeforeItsAudioWasDeletedIsSkipped() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, TRANSCRIPT);
        SettableClock clock = new SettableClock().freeze();
        PipelineJobs.Job job = claim(audio, "node", clock);

        assertThat(api.delete("/audios/" + audio).status()).isEqualTo(204);
        steps.run(job, "node");

        assertThat(notesOf(audio)).isEmpty();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pipeline_jobs WHERE audio_id = ?").param(audio)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aDeletionWaitsForAStepWritingItsOutcomeAndNeitherDeadlocks() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID audio = upload(api, t, TRANSCRIPT);
        SettableClock clock = new SettableClock().freeze();
        PipelineJobs.Job job = claim(audio, "node", clock);

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch write = new CountDownLatch(1);
        try {
            // A step writing its outcome, as PipelineSteps does: the job's row locked first, then the audio's.
            Future<?> outcome = threads.submit(() -> new TransactionTemplate(transactions).executeWithoutResult(tx -> {
                assertThat(jobs.hold("node", job.id())).isTrue();
                held.countDown();
                awaitLatch(write);
                assertThat(audios.transcribed(audio, TRANSCRIPT, null, "upload")).isTrue();
                jobs.done(job.id(), clock.instant());
            }));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Http.Response> deletion = threads.submit(() -> api.delete("/audios/" + audio));
            await().atMost(Duration.ofSeconds(30)).until(this::theDeletionWaitsForALock);
            assertThat(deletion).isNotDone();

            write.countDown();
            outcome.get(30, TimeUnit.SECONDS);
            Http.Response deleted = deletion.get(30, TimeUnit.SECONDS);
            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        } finally {
            write.countDown();
            threads.shutdownNow();
        }
        assertThat(api.get("/audios/" + audio).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pipeline_jobs WHERE audio_id = ?").param(audio)
                .query(Long.class).single()).isZero();
    }

    private boolean theDeletionWaitsForALock() {
        // The deletion's first statement, waiting: nothing else of this database's sessions runs it.
        return LockWaits.waiting(jdbc, dataSource, "SELECT id FROM pipeline_jobs WHERE audio_id");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Claims the audio's due step as {@code node} for five minutes, giving back other tests' leftovers. */
    private PipelineJobs.Job claim(UUID audio, String node, SettableClock clock) {
        List<PipelineJobs.Job> claimed = jobs.claim(node, clock.instant(), clock.instant().plus(Duration.ofMinutes(5)),
                100);
        claimed.stream().filter(j -> !j.audioId().equals(audio))
                .forEach(j -> jobs.release(node, j.id(), clock.instant()));
        return claimed.stream().filter(j -> j.audioId().equals(audio)).findFirst().orElseThrow();
    }

    private PipelineWorker worker(String node, Transcriber transcriber) {
        return new PipelineWorker(jobs, steps(transcriber, applicationClock), applicationClock,
                new PipelineWorker.Settings(node, 8, Duration.ofMillis(100), Duration.ofMinutes(5)));
    }

    private PipelineSteps steps(Transcriber transcriber, java.time.Clock clock) {
        return new PipelineSteps(jobs, audios, notes, templates,
                new PipelineSteps.Engines(transcriber, new ExtractiveNoteGenerator()),
                new PipelineSteps.Retries(3, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new TransactionTemplate(transactions), clock,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private UUID upload(Http api, Tenants.Tenant t, String transcript) {
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).ownedBy(t.clinician().id()).insert();
        Upload upload = Upload.to(api).wav(AudioSamples.wav()).field("patient", patient);
        if (transcript != null) {
            upload.field("transcript", transcript);
        }
        Http.Response created = upload.send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return UUID.fromString(created.json().get("uuid").asString());
    }

    private String status(Http api, UUID audio) {
        return api.get("/audios/" + audio).json().get("status").asString();
    }

    private String lockedBy(UUID audio, String step) {
        return jdbc.sql("SELECT locked_by FROM pipeline_jobs WHERE audio_id = ? AND step = ?").params(audio, step)
                .query(String.class).optional().orElse(null);
    }

    private List<Map<String, Object>> notesOf(UUID audio) {
        return jdbc.sql("SELECT id FROM notes WHERE audio_id = ?").param(audio).query().listOfRows();
    }

    /** A transcriber made of a lambda, for the tests. */
    record NamedTranscriber(String name, Body body) implements Transcriber {
        interface Body {
            Transcript transcribe(AudioInput input) throws EngineException, InterruptedException;
        }

        @Override
        public Transcript transcribe(AudioInput audio) throws EngineException, InterruptedException {
            return body.transcribe(audio);
        }
    }
}
