package org.notesync.pipeline;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.notesync.BackgroundCount;
import org.notesync.audio.AudioProgress;
import org.notesync.note.Notes;
import org.notesync.web.Databases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the pipeline: the job queue, the engines chosen by configuration, the steps and the worker.
 * A configuration mistake (an unknown engine, a missing model file) stops the server at start-up.
 */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PipelineConfiguration.class);

    @Bean
    NoteTemplates noteTemplates() {
        return NoteTemplates.fromClasspath();
    }

    @Bean
    PipelineJobs pipelineJobs(DataSource dataSource) {
        return new PipelineJobs(new NamedParameterJdbcTemplate(dataSource),
                Databases.isPostgres(dataSource) ? PipelineJobs.POSTGRES : PipelineJobs.GENERIC);
    }

    @Bean
    PipelineSteps.Engines pipelineEngines(PipelineProperties properties) {
        PipelineSteps.Engines engines = new PipelineSteps.Engines(transcriber(properties),
                generator(properties.generation()));
        log.info("Audio pipeline engines: transcription {}, note generation {}",
                engines.transcriber() == null ? "none (audios need a transcript with the upload)"
                        : engines.transcriber().name(), engines.generator().name());
        return engines;
    }

    static Transcriber transcriber(PipelineProperties properties) {
        PipelineProperties.Transcription t = properties.transcription();
        String model = properties.whisper().model();
        boolean hasServer = t.baseUrl() != null && !t.baseUrl().isBlank();
        boolean hasModel = model != null && !model.isBlank();
        String engine = t.engine() == null ? "auto" : t.engine();
        if ("auto".equals(engine)) {
            engine = hasServer ? "openai" : hasModel ? "whisper-cpp" : "none";
        }
        switch (engine) {
            case "openai":
                if (!hasServer) {
                    throw new IllegalStateException("notesync.pipeline.transcription.engine=openai needs "
                            + "notesync.pipeline.transcription.base-url");
                }
                return new OpenAiTranscriber(t);
            case "whisper-cpp":
                if (!hasModel) {
                    throw new IllegalStateException("notesync.pipeline.transcription.engine=whisper-cpp needs "
                            + "notesync.pipeline.whisper.model (the path of a ggml model file)");
                }
                return new WhisperCppTranscriber(Path.of(model), properties.whisper().threads(), t.language());
            case "none":
                return null;
            default:
                throw new IllegalStateException("notesync.pipeline.transcription.engine must be auto, openai, "
                        + "whisper-cpp or none");
        }
    }

    static NoteGenerator generator(PipelineProperties.Generation g) {
        boolean hasServer = g.baseUrl() != null && !g.baseUrl().isBlank();
        String engine = g.engine() == null ? "auto" : g.engine();
        if ("auto".equals(engine)) {
            engine = hasServer ? "openai" : "extractive";
        }
        switch (engine) {
            case "openai":
                if (!hasServer) {
                    throw new IllegalStateException("notesync.pipeline.generation.engine=openai needs "
                            + "notesync.pipeline.generation.base-url");
                }
                return new ChatCompletionsNoteGenerator(g);
            case "extractive":
                return new ExtractiveNoteGenerator();
            default:
                throw new IllegalStateException("notesync.pipeline.generation.engine must be auto, openai or "
                        + "extractive");
        }
    }

    /**
     * {@code notesync_pipeline_steps_waiting}: the steps due that no worker holds, counted at most every 10 s in the
     * background; one that stays above 0 means no node takes them (their workers stalled, or none runs).
     */
    @Bean
    Gauge pipelineStepsWaiting(MeterRegistry meters, PipelineJobs jobs, Clock clock) {
        return BackgroundCount.register(meters, "notesync.pipeline.steps.waiting",
                "Pipeline steps due that no worker holds", "pipeline-steps-count", () -> jobs.waiting(clock.instant()),
                Duration.ofSeconds(10));
    }

    @Bean
    PipelineSteps pipelineSteps(PipelineJobs jobs, AudioProgress audios, Notes notes, NoteTemplates templates,
            PipelineSteps.Engines engines, PipelineProperties p, PlatformTransactionManager transactions,
            Clock clock, MeterRegistry meters) {
        if (p.maxAttempts() < 1) {
            throw new IllegalStateException("notesync.pipeline.max-attempts must be 1 or more");
        }
        return new PipelineSteps(jobs, audios, notes, templates, engines,
                new PipelineSteps.Retries(p.maxAttempts(), p.retryBackoff(), p.maxBackoff()),
                new TransactionTemplate(transactions), clock, meters);
    }

    @Bean
    @ConditionalOnProperty(name = "notesync.pipeline.enabled", matchIfMissing = true)
    PipelineWorker pipelineWorker(PipelineJobs jobs, PipelineSteps steps, Clock clock, PipelineProperties p) {
        String nodeId = p.nodeId() != null && !p.nodeId().isBlank() ? p.nodeId() : defaultNodeId();
        return new PipelineWorker(jobs, steps, clock,
                new PipelineWorker.Settings(nodeId, Math.max(1, p.workers()), p.pollInterval(), p.lease()));
    }

    @Bean
    @ConditionalOnProperty(name = "notesync.pipeline.enabled", matchIfMissing = true)
    SmartLifecycle pipelineWorkerLifecycle(PipelineWorker worker) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                worker.start();
            }

            @Override
            public void stop() {
                // A step still running after this is interrupted and given back for the next start.
                worker.stop(Duration.ofSeconds(10));
            }

            @Override
            public boolean isRunning() {
                return worker.isRunning();
            }
        };
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        if (host.length() > 60) {
            host = host.substring(0, 60);
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
