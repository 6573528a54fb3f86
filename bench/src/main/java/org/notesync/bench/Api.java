package org.notesync.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The notesync API over plain HTTP/1.1 keep-alive connections (java.net.http), as an integration calls it. */
final class Api implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String INTEGRATION_SCOPES = "profile organization read:notes write:notes read:patients "
            + "write:patients read:webhooks write:webhooks";

    record Response(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        Response expect(int... statuses) {
            for (int s : statuses) {
                if (s == status) {
                    return this;
                }
            }
            throw new IllegalStateException("HTTP " + status + ": " + (body.length() > 500 ? body.substring(0, 500) : body));
        }
    }

    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "api-client");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).executor(executor)
            .build();
    /** Whether creates carry a new random {@code Idempotency-Key}, as the SDK's do. */
    private final boolean idempotencyKeys;

    Api(boolean idempotencyKeys) {
        this.idempotencyKeys = idempotencyKeys;
    }

    Response get(URI base, String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().header("Authorization", "Bearer " + token)
                .header("Accept", "application/ld+json"));
    }

    Response post(URI base, String path, String token, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json"));
    }

    /** A client-credentials token. */
    String token(URI base, String clientId, String secret, String scope) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        Response response = send(HttpRequest.newBuilder(base.resolve("/oauth2/token"))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
                        + URLEncoder.encode(scope, StandardCharsets.UTF_8)))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")).expect(200);
        return response.json().get("access_token").asString();
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers());
    }

    /** {@code POST /notes} without waiting: the open-loop generator sends on the clock. */
    CompletableFuture<HttpResponse<Void>> createNote(URI base, String token, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/notes"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
        if (idempotencyKeys) {
            request.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** A GET whose body is read and dropped (throughput runs): the status code. */
    int getDiscarding(URI uri, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().header("Authorization", "Bearer " + token)
                .header("Accept", "application/ld+json").timeout(Duration.ofSeconds(30)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
