package org.notesync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.notesync.audio.AudioFormat;
import org.notesync.audio.AudioSamples;

class OpenAiTranscriberTest {

    private final FakeServer server = new FakeServer();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void sendsTheFileModelLanguageAndFormatAsMultipartWithTheBearerKey() throws Exception {
        server.answers(FakeServer.Answer.json("{\"text\":\" Bonjour docteur. \",\"language\":\"french\","
                + "\"duration\":12.48,\"segments\":[]}"));
        byte[] wav = AudioSamples.wav();
        Transcriber transcriber = new OpenAiTranscriber(settings(server.baseUrl() + "/", "sk-test-123",
                "verbose_json", Duration.ofSeconds(5)));

        Transcriber.Transcript transcript = transcriber.transcribe(input(wav, AudioFormat.WAV, "fr-FR"));

        assertThat(transcript.text()).isEqualTo("Bonjour docteur.");
        assertThat(transcript.duration()).isEqualTo(Duration.ofMillis(12_480));
        assertThat(transcriber.name()).isEqualTo("openai-compatible:whisper-1");
        FakeServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/audio/transcriptions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-123");
        assertThat(request.header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(request.header("Content-Length")).isEqualTo(String.valueOf(request.body().length));
        MultipartBody body = MultipartBody.parse(request.header("Content-Type"), request.body());
        assertThat(body.parts()).containsOnlyKeys("model", "response_format", "language", "file");
        assertThat(body.parts().get("model").text()).isEqualTo("whisper-1");
        assertThat(body.parts().get("response_format").text()).isEqualTo("verbose_json");
        assertThat(body.parts().get("language").text()).isEqualTo("fr");
        assertThat(body.parts().get("file").fileName()).isEqualTo("audio.wav");
        assertThat(body.parts().get("file").contentType()).isEqualTo("audio/wav");
        assertThat(body.parts().get("file").content()).isEqualTo(wav);
    }

    @Test
    void withoutAKeyOrLanguageSendsNeitherAndAPlainJsonAnswerHasNoDuration() throws Exception {
        server.answers(FakeServer.Answer.json("{\"text\":\"Hello.\"}"));
        Transcriber transcriber = new OpenAiTranscriber(settings(server.baseUrl() + "/v1", "", "json",
                Duration.ofSeconds(5)));

        Transcriber.Transcript transcript = transcriber.transcribe(input(AudioSamples.mp3(), AudioFormat.MP3, null));

        assertThat(transcript).isEqualTo(new Transcriber.Transcript("Hello.", null));
        FakeServer.Request request = server.requests().get(0);
        assertThat(request.path()).isEqualTo("/v1/audio/transcriptions");
        assertThat(request.header("Authorization")).isNull();
        MultipartBody body = MultipartBody.parse(request.header("Content-Type"), request.body());
        assertThat(body.parts()).doesNotContainKey("language");
        assertThat(body.parts().get("response_format").text()).isEqualTo("json");
        assertThat(body.parts().get("file").fileName()).isEqualTo("audio.mp3");
        assertThat(body.parts().get("file").contentType()).isEqualTo("audio/mpeg");
    }

    @Test
    void serverErrorsTimeoutsAndRefusedConnectionsAreRetryableWithoutEchoingTheAnswer() throws Exception {
        Transcriber transcriber = new OpenAiTranscriber(settings(server.baseUrl(), "k", "json", Duration.ofSeconds(5)));
        for (int status : new int[] {500, 502, 503, 429, 408}) {
            server.answers(FakeServer.Answer.status(status));
            assertThatThrownBy(() -> transcriber.transcribe(input(AudioSamples.wav(), AudioFormat.WAV, null)))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.retryable()).as("status " + status).isTrue();
                        assertThat(e.reason()).isEqualTo("the transcription server answered HTTP " + status)
                                .doesNotContain("Zebulon");
                    });
        }

        server.answers(new FakeServer.Answer(200, "{\"text\":\"late\"}", 3_000));
        Transcriber impatient = new OpenAiTranscriber(settings(server.baseUrl(), "k", "json",
                Duration.ofMillis(300)));
        assertThatThrownBy(() -> impatient.transcribe(input(AudioSamples.wav(), AudioFormat.WAV, null)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.reason()).isEqualTo("the transcription server did not answer within 300 ms");
                });

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Transcriber nobody = new OpenAiTranscriber(settings("http://127.0.0.1:" + closedPort, "k", "json",
                Duration.ofSeconds(5)));
        assertThatThrownBy(() -> nobody.transcribe(input(AudioSamples.wav(), AudioFormat.WAV, null)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.reason()).startsWith("cannot connect to the transcription server at http://127.0.0.1:");
                });
    }

    @Test
    void refusalsAndUnreadableAnswersArePermanent() {
        Transcriber transcriber = new OpenAiTranscriber(settings(server.baseUrl(), "k", "json", Duration.ofSeconds(5)));
        server.answers(FakeServer.Answer.status(401));
        assertPermanent(transcriber, "the transcription server refused the credentials (HTTP 401): check the API key");
        server.answers(FakeServer.Answer.status(400));
        assertPermanent(transcriber, "the transcription server refused the request (HTTP 400)");
        server.answers(FakeServer.Answer.json("Hello as plain text"));
        assertPermanent(transcriber, "the transcription server's answer is not JSON (response_format json)");
        server.answers(FakeServer.Answer.json("{\"transcript\":\"x\"}"));
        assertPermanent(transcriber, "the transcription server's answer has no \"text\"");
    }

    @Test
    void languagesAreSentAsIso639Codes() {
        assertThat(OpenAiTranscriber.iso639("fr-FR")).isEqualTo("fr");
        assertThat(OpenAiTranscriber.iso639("EN_us")).isEqualTo("en");
        assertThat(OpenAiTranscriber.iso639("de")).isEqualTo("de");
        assertThat(OpenAiTranscriber.iso639("French")).isNull();
        assertThat(OpenAiTranscriber.iso639(" ")).isNull();
    }

    @Test
    void aBadBaseUrlOrFormatIsAConfigurationError() {
        assertThatThrownBy(() -> new OpenAiTranscriber(settings("ftp://host", "k", "json", Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenAiTranscriber(settings(server.baseUrl(), "k", "srt", Duration.ofSeconds(1))))
                .hasMessageContaining("response-format");
    }

    private static void assertPermanent(Transcriber transcriber, String reason) {
        assertThatThrownBy(() -> transcriber.transcribe(input(AudioSamples.wav(), AudioFormat.WAV, null)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    static Transcriber.AudioInput input(byte[] bytes, AudioFormat format, String language) {
        return new Transcriber.AudioInput(format, bytes.length, language, () -> new ByteArrayInputStream(bytes));
    }

    static PipelineProperties.Transcription settings(String baseUrl, String key, String format, Duration timeout) {
        return new PipelineProperties.Transcription("openai", baseUrl, key, "whisper-1", null, format,
                Duration.ofSeconds(2), timeout);
    }
}
