package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multipart body of an upload: its parts, its length known ahead, and no file name that could leak. */
class MultipartFormTest {

    @TempDir
    Path dir;

    @Test
    void fieldsAndTheFileAreItsPartsUnderANeutralFileName() throws Exception {
        Path recording = Files.write(dir.resolve("jane-doe-2026-02-24.wav"), new byte[] {'R', 'I', 'F', 'F', 0, 1});
        UUID patient = UUID.randomUUID();
        AudioUpload upload = AudioUpload.of(recording, patient).transcript("Fièvre à 38,2 °C");
        MultipartForm form = upload.form();
        String boundary = form.contentType().substring("multipart/form-data; boundary=".length());

        HttpRequest.BodyPublisher publisher = form.body().publisher();
        byte[] body = collect(publisher);
        assertThat(publisher.contentLength()).as("known ahead, so it is sent with a Content-Length")
                .isEqualTo(body.length);
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"patient\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
                + patient + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"transcript\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
                + "Fièvre à 38,2 °C\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"recording\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "RIFF\u0000\u0001\r\n"
                + "--" + boundary + "--\r\n");
        assertThat(text).doesNotContain("jane");
        assertThat(upload.toString()).doesNotContain("Fièvre").doesNotContain("jane");
    }

    @Test
    void eachAttemptReadsTheFileAgainFromItsStart() throws Exception {
        Path recording = Files.write(dir.resolve("a.wav"), new byte[] {1, 2, 3});
        Transport.Body body = AudioUpload.of(recording, UUID.randomUUID()).form().body();
        assertThat(collect(body.publisher())).isEqualTo(collect(body.publisher()));
    }

    private static byte[] collect(HttpRequest.BodyPublisher publisher) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                out.write(bytes, 0, bytes.length);
            }

            @Override
            public void onError(Throwable e) {
                done.completeExceptionally(e);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(10, TimeUnit.SECONDS);
        return out.toByteArray();
    }
}
