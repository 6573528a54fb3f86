package org.notesync.client;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@code multipart/form-data} body (RFC 7578) of text fields and files, streamed: each file is read from
 * disk as the request is sent, afresh for each attempt. Written here because {@code java.net.http} has no
 * form builder and {@link HttpRequest.BodyPublishers#concat} makes one a few lines; the SDK takes no HTTP
 * library for it.
 */
final class MultipartForm {

    private final String boundary = "notesync-" + UUID.randomUUID();
    private final List<Part> parts = new ArrayList<>();

    private record Part(String head, Path file, String text) {
        @Override
        public String toString() {
            return "Part"; // never the text (a transcript) nor the file's path (it may name the patient)
        }
    }

    /** A text field, sent as UTF-8. Names are the SDK's own and never need escaping. */
    MultipartForm field(String name, String value) {
        parts.add(new Part("Content-Disposition: form-data; name=\"" + name + "\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n", null, value));
        return this;
    }

    /**
     * A file, under a neutral name: a recording's file name may name the patient, and the server recognises
     * the format from the bytes, not from the name.
     */
    MultipartForm file(String name, Path file) {
        parts.add(new Part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"recording\"\r\n"
                + "Content-Type: application/octet-stream\r\n", file, null));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    Transport.Body body() {
        return new Transport.Body() {
            @Override
            public HttpRequest.BodyPublisher publisher() throws IOException {
                return publish();
            }

            @Override
            public boolean readsFiles() {
                return parts.stream().anyMatch(part -> part.file() != null);
            }
        };
    }

    private HttpRequest.BodyPublisher publish() throws IOException {
        List<HttpRequest.BodyPublisher> publishers = new ArrayList<>();
        for (Part part : parts) {
            publishers.add(bytes("--" + boundary + "\r\n" + part.head() + "\r\n"));
            publishers.add(part.file() != null ? HttpRequest.BodyPublishers.ofFile(part.file()) : bytes(part.text()));
            publishers.add(bytes("\r\n"));
        }
        publishers.add(bytes("--" + boundary + "--\r\n"));
        return HttpRequest.BodyPublishers.concat(publishers.toArray(HttpRequest.BodyPublisher[]::new));
    }

    private static HttpRequest.BodyPublisher bytes(String text) {
        return HttpRequest.BodyPublishers.ofByteArray(text.getBytes(StandardCharsets.UTF_8));
    }
}
