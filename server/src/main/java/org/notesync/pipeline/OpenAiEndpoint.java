package org.notesync.pipeline;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One OpenAI-compatible API endpoint ({@code {base}/v1/...}) and what its answers mean for a retry: a
 * timeout, a refused connection, 408, 429 and 5xx are worth another try; any other refusal is not.
 * Reasons name the server's role and the status, never its body (it may echo patient data).
 */
final class OpenAiEndpoint {

    private final String role;
    private final URI uri;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient client;

    OpenAiEndpoint(String role, String baseUrl, String path, String apiKey, Duration connectTimeout,
            Duration timeout) {
        this.role = role;
        this.uri = uri(baseUrl, path);
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code http://host:8000}, {@code http://host:8000/} and {@code http://host:8000/v1} all work. */
    static URI uri(String baseUrl, String path) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("no base URL");
        }
        String base = baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (!base.endsWith("/v1")) {
            base += "/v1";
        }
        URI uri = URI.create(base + path);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("base URL must be http(s)://host[:port]");
        }
        return uri;
    }

    URI uri() {
        return uri;
    }

    /** Sends and returns the body of a 2xx answer; anything else becomes an {@link EngineException}. */
    String send(String contentType, HttpRequest.BodyPublisher body) throws EngineException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", contentType).header("Accept", "application/json")
                .POST(body);
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        // The whole exchange within the timeout: the request's own timeout bounds only the wait for the answer's
        // headers, and an answer whose body stopped arriving held the step, its worker and its renewed lease for
        // good (the audio never retried, never failed).
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            try {
                response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new HttpTimeoutException("no whole answer within " + human(timeout));
            } catch (InterruptedException e) {
                pending.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getCause());
            } finally {
                pending.cancel(true); // a no-op once it completed
            }
        } catch (HttpTimeoutException e) {
            throw EngineException.retryable("the " + role + " did not answer within " + human(timeout), e);
        } catch (ConnectException e) {
            throw EngineException.retryable("cannot connect to the " + role + " at " + origin(), e);
        } catch (IOException e) {
            throw EngineException.retryable("the connection to the " + role + " failed (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        if (status == 408 || status == 429 || status >= 500) {
            throw EngineException.retryable("the " + role + " answered HTTP " + status);
        }
        if (status == 401 || status == 403) {
            throw EngineException.permanent("the " + role + " refused the credentials (HTTP " + status
                    + "): check the API key");
        }
        throw EngineException.permanent("the " + role + " refused the request (HTTP " + status + ")");
    }

    private String origin() {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
