package org.notesync.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.sound.sampled.UnsupportedAudioFileException;

import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import org.notesync.audio.AudioFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transcription in this process by whisper.cpp, through whisper-jni (its jar carries the native library
 * for Linux, macOS and Windows on x86-64 and ARM). The model file is checked when the server starts; it is
 * loaded on the first transcription. Only WAV is decoded (see {@link Pcm16kMono}): any other format fails
 * at once with a reason saying so.
 */
final class WhisperCppTranscriber implements Transcriber {

    private static final Logger log = LoggerFactory.getLogger(WhisperCppTranscriber.class);
    /** whisper.cpp's GGML_FILE_MAGIC 0x67676d6c, written little-endian at the start of every ggml model. */
    private static final byte[] GGML_MAGIC = {0x6c, 0x6d, 0x67, 0x67};

    private final Path model;
    private final int threads;
    private final String defaultLanguage;
    private WhisperJNI whisper;
    private WhisperContext context;

    /** @throws IllegalArgumentException when the file is missing, unreadable or not a ggml model */
    WhisperCppTranscriber(Path model, int threads, String defaultLanguage) {
        checkModel(model);
        this.model = model;
        this.threads = threads > 0 ? threads : Math.min(4, Runtime.getRuntime().availableProcessors());
        this.defaultLanguage = defaultLanguage;
    }

    static void checkModel(Path model) {
        String property = "notesync.pipeline.whisper.model";
        if (!Files.exists(model)) {
            throw new IllegalArgumentException(property + ": no file at " + model.toAbsolutePath());
        }
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            throw new IllegalArgumentException(property + ": " + model.toAbsolutePath() + " is not a readable file");
        }
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(model)) {
            if (in.readNBytes(magic, 0, 4) < 4 || !java.util.Arrays.equals(magic, GGML_MAGIC)) {
                throw new IllegalArgumentException(property + ": " + model.toAbsolutePath()
                        + " is not a whisper.cpp ggml model (wrong magic number); download one such as ggml-base.bin");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + model.toAbsolutePath(), e);
        }
    }

    @Override
    public String name() {
        return "whisper.cpp:" + model.getFileName();
    }

    /**
     * One transcription at a time: a whisper.cpp context is not thread-safe, and one transcription
     * already uses the configured threads.
     */
    @Override
    public synchronized Transcript transcribe(AudioInput audio) throws EngineException, InterruptedException {
        if (audio.format() != AudioFormat.WAV) {
            throw EngineException.permanent("the in-process whisper.cpp engine reads WAV only, and this audio is "
                    + audio.format().name() + ": use an OpenAI-compatible transcription server for it");
        }
        float[] samples;
        try (InputStream in = audio.content().open()) {
            samples = Pcm16kMono.decode(in);
        } catch (Pcm16kMono.Refused e) {
            throw EngineException.permanent("the in-process whisper.cpp engine does not read this WAV file: "
                    + e.getMessage());
        } catch (UnsupportedAudioFileException e) {
            throw EngineException.permanent("the in-process whisper.cpp engine cannot decode this WAV file "
                    + "(only PCM, µ-law and A-law WAV are read)");
        } catch (IOException e) {
            throw EngineException.retryable("cannot read the audio file", e);
        }
        if (samples.length == 0) {
            throw EngineException.permanent("the WAV file holds no samples");
        }
        WhisperContext ctx = context();
        WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        params.nThreads = threads;
        String language = OpenAiTranscriber.iso639(audio.language() != null ? audio.language() : defaultLanguage);
        params.language = language != null ? language : "auto";
        params.printProgress = false;
        params.printRealtime = false;
        params.printTimestamps = false;
        int result = whisper.full(ctx, params, samples, samples.length);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (result != 0) {
            throw EngineException.permanent("whisper.cpp failed to transcribe (code " + result + ")");
        }
        StringBuilder text = new StringBuilder();
        int segments = whisper.fullNSegments(ctx);
        for (int i = 0; i < segments; i++) {
            text.append(whisper.fullGetSegmentText(ctx, i));
        }
        return new Transcript(text.toString().strip(),
                Duration.ofMillis(Math.round(samples.length * 1000.0 / Pcm16kMono.RATE)));
    }

    private WhisperContext context() throws EngineException {
        if (context != null) {
            return context;
        }
        try {
            WhisperJNI.loadLibrary();
            WhisperJNI.setLibraryLogger(message -> log.debug("whisper.cpp: {}", message));
            whisper = new WhisperJNI();
            context = whisper.init(model);
        } catch (IOException | UnsatisfiedLinkError e) {
            throw EngineException.permanent("the whisper.cpp native library cannot be loaded on this platform", e);
        }
        if (context == null) {
            throw EngineException.permanent("whisper.cpp could not load the model " + model.getFileName());
        }
        log.info("whisper.cpp model {} loaded", model.getFileName());
        return context;
    }
}
