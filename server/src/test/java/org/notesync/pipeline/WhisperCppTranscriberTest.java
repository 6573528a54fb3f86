package org.notesync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.givimad.whisperjni.WhisperJNI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.audio.AudioFormat;
import org.notesync.audio.AudioSamples;

/**
 * The in-process whisper.cpp engine without a model (none can be downloaded here): its configuration and
 * error paths. A real transcription needs a ggml model file; see docs/pipeline.md.
 */
class WhisperCppTranscriberTest {

    @TempDir
    Path dir;

    @Test
    void aMissingModelFileStopsTheServerNamingThePropertyAndThePath() {
        Path missing = dir.resolve("ggml-base.bin");
        assertThatThrownBy(() -> new WhisperCppTranscriber(missing, 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("notesync.pipeline.whisper.model: no file at " + missing.toAbsolutePath());
        assertThatThrownBy(() -> PipelineConfiguration.transcriber(properties("auto", null, missing.toString())))
                .hasMessageContaining("no file at");
    }

    @Test
    void aFileThatIsNotAGgmlModelIsRefusedBeforeAnyNativeCode() throws Exception {
        Path text = Files.writeString(dir.resolve("model.bin"), "not a model at all");
        assertThatThrownBy(() -> new WhisperCppTranscriber(text, 0, null))
                .hasMessageContaining("is not a whisper.cpp ggml model (wrong magic number)");
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertThatThrownBy(() -> new WhisperCppTranscriber(empty, 0, null))
                .hasMessageContaining("is not a whisper.cpp ggml model");
        assertThatThrownBy(() -> new WhisperCppTranscriber(dir, 0, null)).hasMessageContaining("is not a readable file");
    }

    @Test
    void theEngineIsChosenWhenAModelIsConfiguredAndAServerTakesPrecedence() throws Exception {
        Path model = ggmlLooking();
        assertThat(PipelineConfiguration.transcriber(properties("auto", null, model.toString())))
                .isInstanceOf(WhisperCppTranscriber.class)
                .extracting(Transcriber::name).isEqualTo("whisper.cpp:ggml-tiny.bin");
        assertThat(PipelineConfiguration.transcriber(properties("auto", "http://127.0.0.1:9", model.toString())))
                .isInstanceOf(OpenAiTranscriber.class);
        assertThat(PipelineConfiguration.transcriber(properties("auto", null, null))).isNull();
        assertThat(PipelineConfiguration.transcriber(properties("none", "http://127.0.0.1:9", model.toString())))
                .isNull();
        assertThatThrownBy(() -> PipelineConfiguration.transcriber(properties("whisper-cpp", null, null)))
                .hasMessageContaining("notesync.pipeline.whisper.model");
        assertThatThrownBy(() -> PipelineConfiguration.transcriber(properties("openai", null, null)))
                .hasMessageContaining("notesync.pipeline.transcription.base-url");
        assertThatThrownBy(() -> PipelineConfiguration.transcriber(properties("whisper", null, null)))
                .hasMessageContaining("auto, openai, whisper-cpp or none");
    }

    @Test
    void formatsTheJdkCannotDecodeFailAtOnceWithAReasonSayingSo() throws Exception {
        WhisperCppTranscriber whisper = new WhisperCppTranscriber(ggmlLooking(), 1, null);
        for (AudioFormat format : new AudioFormat[] {AudioFormat.MP3, AudioFormat.OGG, AudioFormat.WEBM,
                AudioFormat.M4A, AudioFormat.AAC}) {
            assertThatThrownBy(() -> whisper.transcribe(OpenAiTranscriberTest.input(AudioSamples.mp3(), format, null)))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.reason()).isEqualTo("the in-process whisper.cpp engine reads WAV only, and this "
                                + "audio is " + format.name() + ": use an OpenAI-compatible transcription server for it");
                    });
        }
        byte[] notReallyWav = AudioSamples.text();
        System.arraycopy("RIFF\0\0\0\0WAVEfmt ".getBytes(), 0, notReallyWav, 0, 16);
        assertThatThrownBy(() -> whisper.transcribe(OpenAiTranscriberTest.input(notReallyWav, AudioFormat.WAV, null)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.reason()).contains("cannot decode this WAV file");
                });
    }

    @Test
    void theNativeLibraryInTheJarLoadsOnThisPlatform() throws Exception {
        WhisperJNI.loadLibrary();
        assertThat(new WhisperJNI().getSystemInfo()).contains("AVX");
    }

    /** A file with the ggml magic number: passes the start-up check; never handed to native code here. */
    private Path ggmlLooking() throws Exception {
        byte[] bytes = new byte[64];
        System.arraycopy(new byte[] {0x6c, 0x6d, 0x67, 0x67}, 0, bytes, 0, 4);
        return Files.write(dir.resolve("ggml-tiny.bin"), bytes);
    }

    private static PipelineProperties properties(String engine, String baseUrl, String model) {
        return new PipelineProperties(true, null, 1, Duration.ofSeconds(1), Duration.ofMinutes(1), 3,
                Duration.ofSeconds(1), Duration.ofMinutes(1),
                new PipelineProperties.Transcription(engine, baseUrl, null, "whisper-1", null, "json",
                        Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new PipelineProperties.Whisper(model, 0),
                new PipelineProperties.Generation("auto", null, null, null, true, 0, Duration.ofSeconds(1),
                        Duration.ofSeconds(1)));
    }
}
