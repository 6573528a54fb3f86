package org.notesync.audio;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.notesync.support.Http;

/** A multipart upload to {@code POST /audios}, built field by field as a practice system would send it. */
public final class Upload {

    private record Part(String name, String fileName, String contentType, byte[] content) {
    }

    private final Http api;
    private final List<Part> parts = new ArrayList<>();
    private String query = "";
    private final List<String[]> headers = new ArrayList<>();

    private Upload(Http api) {
        this.api = api;
    }

    public static Upload to(Http api) {
        return new Upload(api);
    }

    public Upload field(String name, Object value) {
        parts.add(new Part(name, null, null, String.valueOf(value).getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** Fields sent in the query string rather than as parts ({@code patient=...&user=...}). */
    public Upload query(String query) {
        this.query = "?" + query;
        return this;
    }

    /** A text field of these exact bytes, with a part Content-Type when {@code contentType} is not null. */
    public Upload rawField(String name, byte[] content, String contentType) {
        parts.add(new Part(name, null, contentType, content));
        return this;
    }

    public Upload file(byte[] content, String fileName, String contentType) {
        parts.add(new Part("file", fileName, contentType, content));
        return this;
    }

    public Upload header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    public Upload wav(byte[] content) {
        return file(content, "consultation.wav", "audio/wav");
    }

    public Http.Response send() {
        return send("application/ld+json");
    }

    public Http.Response send(String accept) {
        String boundary = "test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
            if (p.fileName() != null) {
                head.append("; filename=\"").append(p.fileName()).append('"');
            }
            head.append("\r\n");
            if (p.contentType() != null) {
                head.append("Content-Type: ").append(p.contentType()).append("\r\n");
            }
            head.append("\r\n");
            body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            body.writeBytes(p.content());
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest.Builder request = api.builder("/audios" + query)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Accept", accept);
        headers.forEach(h -> request.header(h[0], h[1]));
        return api.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }
}
