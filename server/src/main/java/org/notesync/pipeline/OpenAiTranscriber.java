package org.notesync.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Transcription by an OpenAI-compatible server: {@code POST {base}/v1/audio/transcriptions}, multipart
 * with {@code file}, {@code model}, {@code response_format} and {@code language} when known. OpenAI,
 * vLLM, faster-whisper servers (speaches) and LocalAI all take this request.
 */
final class OpenAiTranscriber implements Transcriber {

    private static final Pattern LANGUAGE = Pattern.compile("^([A-Za-z]{2,3})([-_].*)?$");

    private final OpenAiEndpoint endpoint;
    private final String model;
    private final String defaultLanguage;
    private final String responseFormat;
    private final JsonMapper json = JsonMapper.builder().build();

    OpenAiTranscriber(PipelineProperties.Transcription settings) {
        if (!"json".equals(settings.responseFormat()) && !"verbose_json".equals(settings.responseFormat())) {
            throw new IllegalArgumentException("notesync.pipeline.transcription.response-format must be json or "
                    + "verbose_json");
        }
        this.endpoint = new OpenAiEndpoint("transcription server", settings.baseUrl(), "/audio/transcriptions",
                settings.apiKey(), settings.connectTimeout(), settings.timeout());
        this.model = settings.model();
        this.defaultLanguage = settings.language();
        this.responseFormat = settings.responseFormat();
    }

    @Override
    public String name() {
        return "openai-compatible:" + model;
    }

    @Override
    public Transcript transcribe(AudioInput audio) throws EngineException, InterruptedException {
        String boundary = "notesync-" + UUID.randomUUID();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        field(head, boundary, "model", model);
        field(head, boundary, "response_format", responseFormat);
        String language = iso639(audio.language() != null ? audio.language() : defaultLanguage);
        if (language != null) {
            field(head, boundary, "language", language);
        }
        write(head, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio."
                + audio.format().extension() + "\"\r\nContent-Type: " + audio.format().mediaType() + "\r\n\r\n");
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] headBytes = head.toByteArray();
        // A known length: some servers refuse chunked uploads, and the file's size is known.
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(headBytes),
                HttpRequest.BodyPublishers.ofInputStream(() -> open(audio.content())),
                HttpRequest.BodyPublishers.ofByteArray(tail)), headBytes.length + audio.size() + tail.length);

        String answer = endpoint.send("multipart/form-data; boundary=" + boundary, body);
        JsonNode root;
        try {
            root = json.readTree(answer);
        } catch (JacksonException e) {
            throw EngineException.permanent("the transcription server's answer is not JSON (response_format "
                    + responseFormat + ")");
        }
        JsonNode text = root == null ? null : root.get("text");
        if (text == null || !text.isString()) {
            throw EngineException.permanent("the transcription server's answer has no \"text\"");
        }
        JsonNode seconds = root.get("duration");
        Duration duration = seconds != null && seconds.isNumber() && seconds.asDouble() >= 0
                ? Duration.ofMillis(Math.round(seconds.asDouble() * 1000)) : null;
        return new Transcript(text.stringValue().strip(), duration);
    }

    /** Whisper wants ISO 639-1: {@code fr-FR} → {@code fr}; anything unrecognisable is left to detection. */
    static String iso639(String language) {
        if (language == null || language.isBlank()) {
            return null;
        }
        var m = LANGUAGE.matcher(language.strip());
        return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    private static InputStream open(Content content) {
        try {
            return content.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
