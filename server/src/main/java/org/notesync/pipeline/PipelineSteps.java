package org.notesync.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.audio.AudioFormat;
import org.notesync.audio.AudioProgress;
import org.notesync.audio.AudioStatus;
import org.notesync.audio.PendingAudio;
import org.notesync.note.NewNote;
import org.notesync.note.Note;
import org.notesync.note.Notes;
import org.notesync.web.Dates;
import org.notesync.web.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one claimed step and writes its outcome. The engines run outside any transaction; the outcome is
 * written in one transaction fenced on the lease, with the audio's new status, and for the last step
 * with the note itself (whose {@code NoteEvent}, and so its {@code new_note} webhook, commits with it).
 */
final class PipelineSteps {

    static final String NO_TRANSCRIBER = "no transcription engine configured";
    private static final Logger log = LoggerFactory.getLogger(PipelineSteps.class);

    /** The engines in use; {@code transcriber} is null when none is configured. */
    record Engines(Transcriber transcriber, NoteGenerator generator) {
    }

    /** How often a step is tried, and how long to wait between tries. */
    record Retries(int maxAttempts, Duration backoff, Duration maxBackoff) {
        Duration after(int attempts) {
            Duration wait = backoff.multipliedBy(1L << Math.min(attempts - 1, 20));
            return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
        }
    }

    private final PipelineJobs jobs;
    private final AudioProgress audios;
    private final Notes notes;
    private final NoteTemplates templates;
    private final Engines engines;
    private final Retries retries;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final MeterRegistry meters;

    PipelineSteps(PipelineJobs jobs, AudioProgress audios, Notes notes, NoteTemplates templates, Engines engines,
            Retries retries, TransactionTemplate transaction, Clock clock, MeterRegistry meters) {
        this.jobs = jobs;
        this.audios = audios;
        this.notes = notes;
        this.templates = templates;
        this.engines = engines;
        this.retries = retries;
        this.transaction = transaction;
        this.clock = clock;
        this.meters = meters;
        for (PipelineJobs.Step step : PipelineJobs.Step.values()) {
            for (String outcome : new String[] {"done", "retried", "failed", "skipped"}) {
                counter(step, outcome); // shown at 0 from the start, so that a rate or an alert has a series
            }
        }
    }

    /**
     * {@code notesync_pipeline_steps_total{step,outcome}}: the outcomes committed, so that an operator sees audios
     * failing (an engine refusing the key, a server down for good) without reading every audio.
     */
    private Counter counter(PipelineJobs.Step step, String outcome) {
        return Counter.builder("notesync.pipeline.steps")
                .description("Pipeline steps by the outcome committed (done, retried, failed, skipped)")
                .tag("step", step.wireName()).tag("outcome", outcome).register(meters);
    }

    /**
     * Runs the step and records what came of it. Interrupted (the worker is stopping), it gives the step
     * back so that the next worker to start takes it again.
     */
    void run(PipelineJobs.Job job, String owner) {
        Optional<PendingAudio> found = audios.find(job.audioId());
        if (found.isEmpty() || found.get().status().isFinal()) {
            record(job, owner, null, new StepOutcome.Skip());
            return;
        }
        PendingAudio audio = found.get();
        if (job.attempts() > retries.maxAttempts()) {
            // Only reached when earlier claims never recorded an outcome: their worker died or stalled.
            record(job, owner, audio, new StepOutcome.Fail("gave up after " + retries.maxAttempts()
                    + " attempts: the " + job.step().wireName() + " step was interrupted each time"));
            return;
        }
        StepOutcome outcome;
        try {
            outcome = switch (job.step()) {
                case TRANSCRIBE -> transcribe(job, owner, audio);
                case GENERATE -> generate(job, owner, audio);
            };
        } catch (InterruptedException e) {
            jobs.release(owner, job.id(), Dates.now(clock));
            Thread.currentThread().interrupt();
            return;
        }
        record(job, owner, audio, outcome);
    }

    private StepOutcome transcribe(PipelineJobs.Job job, String owner, PendingAudio audio)
            throws InterruptedException {
        if (audio.transcription() != null) {
            return new StepOutcome.Transcribed(audio.transcription(), wavDuration(audio), "upload");
        }
        Transcriber transcriber = engines.transcriber();
        if (transcriber == null) {
            return new StepOutcome.Fail(NO_TRANSCRIBER);
        }
        if (!begin(job, owner, audio, AudioStatus.TRANSCRIBING)) {
            return new StepOutcome.Skip();
        }
        try {
            Transcriber.Transcript transcript = transcriber.transcribe(new Transcriber.AudioInput(audio.format(),
                    audio.size(), audio.languageSpoken(), () -> audios.open(audio)));
            if (transcript.text().isBlank()) {
                return new StepOutcome.Fail("the transcription engine heard no speech in this audio");
            }
            Duration duration = transcript.duration() != null ? transcript.duration() : wavDuration(audio);
            return new StepOutcome.Transcribed(withoutNul(transcript.text()), duration, transcriber.name());
        } catch (EngineException e) {
            return e.retryable() ? new StepOutcome.Retry(e.reason()) : new StepOutcome.Fail(e.reason());
        }
    }

    private StepOutcome generate(PipelineJobs.Job job, String owner, PendingAudio audio)
            throws InterruptedException {
        Optional<NoteTemplate> template = templates.get(audio.noteType());
        if (template.isEmpty()) {
            return new StepOutcome.Fail("no prompt template for note type " + audio.noteType());
        }
        if (!begin(job, owner, audio, AudioStatus.GENERATING)) {
            return new StepOutcome.Skip();
        }
        try {
            return new StepOutcome.Generated(fitted(engines.generator().generate(new NoteGenerator.NoteRequest(
                    template.get(), audio.transcription(), audio.languageSpoken()))));
        } catch (EngineException e) {
            return e.retryable() ? new StepOutcome.Retry(e.reason()) : new StepOutcome.Fail(e.reason());
        }
    }

    /**
     * Shows the step under way on its audio, fenced on the lease as the outcome is: a worker that lost the job to
     * another (its lease ran out while it stalled) set the audio back, generating to transcribing, say. False when
     * the job is no longer this worker's: the step is not run, and {@link #record} drops its outcome.
     */
    private boolean begin(PipelineJobs.Job job, String owner, PendingAudio audio, AudioStatus status) {
        return Boolean.TRUE.equals(transaction.execute(tx -> {
            if (!jobs.hold(owner, job.id())) {
                return false;
            }
            audios.begin(audio.id(), status);
            return true;
        }));
    }

    /** Said at the end of a generated note cut to fit: what was left out is in the audio's transcription. */
    static final String CUT = "\n\n[The generated note was longer than a note holds (" + Notes.MAX_CONTENT
            + " characters) and was cut here; the whole transcription is on its audio.]";

    /**
     * A generated note as it is saved: without NUL characters, and within a note's length, cut at a line where
     * one is near, with {@link #CUT} after it. An engine's long transcript (an upload's may have the note's own
     * length) made a note that was refused, and its audio failed, however often retried.
     */
    static String fitted(String generated) {
        String content = withoutNul(generated);
        if (content.length() <= Notes.MAX_CONTENT) {
            return content;
        }
        int room = Notes.MAX_CONTENT - CUT.length();
        int cut = content.lastIndexOf('\n', room);
        if (cut < room - 2_000) {
            cut = Character.isHighSurrogate(content.charAt(room - 1)) ? room - 1 : room;
        }
        return content.substring(0, cut).stripTrailing() + CUT;
    }

    /**
     * An engine's text without NUL characters, which carry nothing in speech or a note and which PostgreSQL
     * refuses in text: the step failed outside validation, and was retried at each lease until it gave up.
     */
    static String withoutNul(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace("\0", "");
    }

    private void record(PipelineJobs.Job job, String owner, PendingAudio audio, StepOutcome outcome) {
        try {
            String committed = transaction.execute(tx -> {
                if (!jobs.hold(owner, job.id())) {
                    log.info("Pipeline job {} ({}) is no longer this worker's (another took it over, or its audio "
                            + "was deleted); its outcome here is dropped", job.id(), job.step().wireName());
                    return null;
                }
                return write(job, audio, outcome);
            });
            if (committed != null) {
                counter(job.step(), committed).increment();
            }
        } catch (ValidationException e) {
            // The note was refused (its patient was deleted meanwhile, say): that transaction rolled back.
            String why = e.violations().stream().map(v -> v.propertyPath() + ": " + v.message())
                    .collect(Collectors.joining("; "));
            record(job, owner, audio, new StepOutcome.Fail("the note could not be saved (" + why + ")"));
        }
    }

    /** Writes the outcome; returns it as {@code notesync_pipeline_steps_total} counts it. */
    private String write(PipelineJobs.Job job, PendingAudio audio, StepOutcome outcome) {
        Instant now = Dates.now(clock);
        if (outcome instanceof StepOutcome.Skip) {
            jobs.done(job.id(), now);
            return "skipped";
        } else if (outcome instanceof StepOutcome.Transcribed t) {
            audios.transcribed(audio.id(), t.text(), t.duration(), t.source());
            jobs.done(job.id(), now);
            jobs.enqueue(audio.id(), PipelineJobs.Step.GENERATE, now);
            return "done";
        } else if (outcome instanceof StepOutcome.Generated g) {
            Note note = notes.create(new NewNote(audio.organizationId(), audio.patientId(), audio.userId(),
                    audio.id(), audio.noteType(), g.content()));
            audios.completed(audio.id(), note.uuid());
            jobs.done(job.id(), now);
            log.info("Audio {} completed: note {}", audio.id(), note.uuid());
            return "done";
        } else if (outcome instanceof StepOutcome.Retry r && job.attempts() < retries.maxAttempts()) {
            Duration wait = retries.after(job.attempts());
            jobs.retry(job.id(), now.plus(wait), r.reason(), now);
            log.warn("Audio {}: {} attempt {} failed ({}); next try in {}", audio.id(), job.step().wireName(),
                    job.attempts(), r.reason(), wait);
            return "retried";
        } else if (outcome instanceof StepOutcome.Retry r) {
            fail(job, audio, r.reason() + " (gave up after " + job.attempts() + " attempts)", now);
            return "failed";
        } else if (outcome instanceof StepOutcome.Fail f) {
            fail(job, audio, f.reason(), now);
            return "failed";
        }
        throw new IllegalStateException("an outcome of another kind: " + outcome.getClass().getSimpleName());
    }

    private void fail(PipelineJobs.Job job, PendingAudio audio, String reason, Instant now) {
        jobs.failed(job.id(), reason, now);
        audios.failed(audio.id(), reason);
        log.warn("Audio {} failed at the {} step: {}", audio.id(), job.step().wireName(), reason);
    }

    private Duration wavDuration(PendingAudio audio) {
        if (audio.duration() != null || audio.format() != AudioFormat.WAV) {
            return audio.duration();
        }
        try (InputStream in = audios.open(audio)) {
            return Pcm16kMono.wavDuration(in);
        } catch (IOException e) {
            return null;
        }
    }
}
