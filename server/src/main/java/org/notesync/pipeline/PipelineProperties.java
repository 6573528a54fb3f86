package org.notesync.pipeline;

import java.time.Duration;

import org.notesync.DurationSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audio pipeline: its worker, its retry schedule and its two engines. See docs/pipeline.md.
 *
 * @param enabled       run a pipeline worker on this node (every node may: jobs are leased, not shared)
 * @param nodeId        this node's name in job leases; host name and a random suffix when empty
 * @param workers       steps run at once on this node
 * @param pollInterval  how often the worker looks for due jobs (it is also woken by new uploads)
 * @param lease         how long a claimed step is held; renewed while the step runs, reclaimed by any
 *                      node once it expires (the node died)
 * @param maxAttempts   tries of one step before the audio is marked failed
 * @param retryBackoff  wait before the second try; doubled for each further one
 * @param maxBackoff    longest wait between two tries
 */
@ConfigurationProperties("notesync.pipeline")
record PipelineProperties(
        @DefaultValue("true") boolean enabled,
        String nodeId,
        @DefaultValue("2") int workers,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("5m") Duration lease,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("30s") Duration retryBackoff,
        @DefaultValue("30m") Duration maxBackoff,
        @DefaultValue Transcription transcription,
        @DefaultValue Whisper whisper,
        @DefaultValue Generation generation) {

    PipelineProperties {
        // A duration written without its unit is milliseconds: lease=5 for 5m would hand every running step to
        // another worker (a second paid transcription), a timeout of 10 would fail every engine call.
        atLeast("poll-interval", pollInterval, Duration.ofMillis(100), "2s");
        atLeast("lease", lease, Duration.ofSeconds(10), "5m");
        atLeast("retry-backoff", retryBackoff, Duration.ofMillis(100), "30s");
        atLeast("max-backoff", maxBackoff, retryBackoff, "30m");
        if (transcription != null) {
            atLeast("transcription.connect-timeout", transcription.connectTimeout(), Duration.ofSeconds(1), "10s");
            atLeast("transcription.timeout", transcription.timeout(), Duration.ofSeconds(1), "10m");
        }
        if (generation != null) {
            atLeast("generation.connect-timeout", generation.connectTimeout(), Duration.ofSeconds(1), "10s");
            atLeast("generation.timeout", generation.timeout(), Duration.ofSeconds(1), "3m");
        }
    }

    private static void atLeast(String name, Duration value, Duration floor, String example) {
        DurationSettings.atLeast("notesync.pipeline." + name, value, floor, example);
    }

    /**
     * Speech to text.
     *
     * @param engine         {@code auto} (an OpenAI-compatible server when {@code base-url} is set, else
     *                       whisper.cpp when {@code notesync.pipeline.whisper.model} is set, else none),
     *                       {@code openai}, {@code whisper-cpp} or {@code none}
     * @param baseUrl        the server, e.g. {@code https://api.openai.com} or {@code http://127.0.0.1:8000};
     *                       {@code /v1/audio/transcriptions} is appended
     * @param apiKey         sent as {@code Authorization: Bearer}; none when empty
     * @param model          e.g. {@code whisper-1}, {@code Systran/faster-whisper-small}
     * @param language       language when the audio has no {@code languageSpoken} (ISO 639-1); the server
     *                       detects it when empty
     * @param responseFormat {@code verbose_json} (gives the duration) or {@code json}
     */
    record Transcription(
            @DefaultValue("auto") String engine,
            String baseUrl,
            String apiKey,
            @DefaultValue("whisper-1") String model,
            String language,
            @DefaultValue("verbose_json") String responseFormat,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("10m") Duration timeout) {
    }

    /**
     * In-process whisper.cpp (whisper-jni).
     *
     * @param model   path of a ggml model file (e.g. ggml-base.bin); whisper.cpp is used when set
     * @param threads CPU threads per transcription; 0 picks min(4, processors)
     */
    record Whisper(String model, @DefaultValue("0") int threads) {
    }

    /**
     * Note generation.
     *
     * @param engine   {@code auto} (chat completions when {@code base-url} is set, else the offline
     *                 extractive draft), {@code openai} or {@code extractive}
     * @param baseUrl  e.g. {@code http://127.0.0.1:11434} (Ollama), {@code https://api.mistral.ai};
     *                 {@code /v1/chat/completions} is appended
     * @param model    required with a server, e.g. {@code llama3.1:8b}, {@code gpt-4o-mini}
     * @param jsonMode send {@code response_format: {"type": "json_object"}}; turn off for a server that
     *                 refuses it (the output is validated either way)
     */
    record Generation(
            @DefaultValue("auto") String engine,
            String baseUrl,
            String apiKey,
            String model,
            @DefaultValue("true") boolean jsonMode,
            @DefaultValue("0") double temperature,
            @DefaultValue("10s") Duration connectTimeout,
            @DefaultValue("3m") Duration timeout) {
    }
}
