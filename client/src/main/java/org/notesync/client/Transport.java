package org.notesync.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one logical request, as many times as it takes: waits out 429s as the server asks, retries
 * 5xx and connection failures with backoff when that is safe, and fetches a fresh token once after a
 * 401. Returns the final response whatever its status; callers turn error statuses into exceptions.
 */
final class Transport {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private static final Duration MIN_RATE_LIMIT_WAIT = Duration.ofSeconds(1);
    static final String USER_AGENT = "notesync-java/0.1";

    /**
     * One request.
     *
     * @param retrySafe   the SDK knows repeating it cannot do harm although the method is not idempotent
     *                    (a client-credentials token request, a device-code poll)
     * @param tokens      where the bearer token comes from; null for the token endpoint itself
     * @param timeout     the least this request gets, when longer than the client's {@code requestTimeout};
     *                    null for that one
     */
    record Call(String method, URI uri, Map<String, String> headers, Body body, boolean retrySafe,
            AccessTokens tokens, Duration timeout) {

        Call {
            headers = Map.copyOf(headers);
        }

        static Call of(String method, URI uri, AccessTokens tokens) {
            return new Call(method, uri, Map.of(), null, false, tokens, null);
        }

        Call withBody(String contentType, byte[] content) {
            return withBody(contentType, () -> HttpRequest.BodyPublishers.ofByteArray(content));
        }

        Call withBody(String contentType, Body content) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Content-Type", contentType);
            return new Call(method, uri, h, content, retrySafe, tokens, timeout);
        }

        Call withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Call(method, uri, h, body, retrySafe, tokens, timeout);
        }

        Call markedRetrySafe() {
            return new Call(method, uri, headers, body, true, tokens, timeout);
        }

        Call withTimeoutAtLeast(Duration requestTimeout) {
            return new Call(method, uri, headers, body, retrySafe, tokens, requestTimeout);
        }

        boolean repeatable() {
            return retrySafe || IDEMPOTENT.contains(method);
        }

        /** For messages: the method and path, never the query (it may hold a patient's name in a search). */
        String describe() {
            return method + " " + uri.getRawPath();
        }
    }

    /** A request body, made afresh for each attempt: a file is read again from its start. */
    interface Body {
        HttpRequest.BodyPublisher publisher() throws IOException;

        /**
         * Whether it reads files, whose paths (in the JDK's exception messages) may name a patient: errors then
         * say the exception's type only and carry no cause.
         */
        default boolean readsFiles() {
            return false;
        }
    }

    private final HttpClient http;
    private final RetryPolicy policy;
    private final Backoff backoff;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration requestTimeout;
    private final AtomicReference<RateLimit> rateLimit = new AtomicReference<>();

    Transport(HttpClient http, RetryPolicy policy, Backoff backoff, Clock clock, Sleeper sleeper,
            Duration requestTimeout) {
        this.http = http;
        this.policy = policy;
        this.backoff = backoff;
        this.clock = clock;
        this.sleeper = sleeper;
        this.requestTimeout = requestTimeout;
    }

    Clock clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    Optional<RateLimit> lastRateLimit() {
        return Optional.ofNullable(rateLimit.get());
    }

    HttpResponse<byte[]> exchange(Call call) {
        int attempt = 1;
        boolean renewedToken = false;
        Duration rateLimitWaited = Duration.ZERO;
        while (true) {
            String token = call.tokens() == null ? null : call.tokens().accessToken();
            HttpResponse<byte[]> response;
            try {
                HttpRequest request;
                try {
                    request = request(call, token);
                } catch (IOException e) {
                    throw new TransportException(call.describe() + ": the request body cannot be read ("
                            + e.getClass().getSimpleName() + ")", call.body().readsFiles() ? null : e);
                }
                response = send(request);
            } catch (IOException e) {
                // A connection that was never made carried nothing: safe to repeat whatever the method.
                boolean neverSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                        || e.getCause() instanceof UnresolvedAddressException;
                if ((call.repeatable() || neverSent) && attempt < policy.maxAttempts()) {
                    pause(backoff.delay(attempt), call);
                    attempt++;
                    continue;
                }
                boolean files = call.body() != null && call.body().readsFiles();
                throw new TransportException(call.describe() + " failed after " + attempt + " attempt(s): "
                        + (files ? e.getClass().getName() : e), files ? null : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(call.describe() + " interrupted", e);
            }
            RateLimit.from(response.headers()).ifPresent(rateLimit::set);
            int status = response.statusCode();
            if (status == 401 && token != null && !renewedToken) {
                call.tokens().rejected(token);
                renewedToken = true;
                continue;
            }
            if (status == 429) {
                Duration wait = rateLimitWait(response.headers()).orElse(backoff.cap(attempt));
                wait = wait.compareTo(MIN_RATE_LIMIT_WAIT) < 0 ? MIN_RATE_LIMIT_WAIT : wait;
                if (rateLimitWaited.plus(wait).compareTo(policy.maxRateLimitWait()) > 0) {
                    return response;
                }
                pause(wait, call);
                rateLimitWaited = rateLimitWaited.plus(wait);
                continue;
            }
            if (status >= 500 && call.repeatable() && attempt < policy.maxAttempts()) {
                Duration wait = backoff.delay(attempt);
                Optional<Duration> asked = status == 503 ? retryAfter(response.headers()) : Optional.empty();
                if (asked.isPresent() && asked.get().compareTo(policy.maxBackoff()) > 0) {
                    return response; // asked to wait longer than this policy waits: not sooner than asked
                }
                if (asked.isPresent() && asked.get().compareTo(wait) > 0) {
                    wait = asked.get();
                }
                pause(wait, call);
                attempt++;
                continue;
            }
            return response;
        }
    }

    /** How long a 429 asks to wait: {@code Retry-After} (seconds or a date), else {@code x-ratelimit-reset}. */
    Optional<Duration> rateLimitWait(HttpHeaders headers) {
        Optional<Duration> retryAfter = retryAfter(headers);
        if (retryAfter.isPresent()) {
            return retryAfter;
        }
        OptionalLong reset = RateLimit.number(headers, "x-ratelimit-reset");
        if (reset.isPresent()) {
            Duration until = Duration.between(clock.instant(), Instant.ofEpochSecond(reset.getAsLong()));
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        }
        return Optional.empty();
    }

    Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(value.get());
            return Optional.of(Duration.ofSeconds(Math.max(seconds, 0)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration until = Duration.between(clock.instant(), at);
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /**
     * Sends a request and reads its answer within the request's timeout. {@link HttpRequest#timeout} bounds only
     * the wait for the answer's headers: a body that stops arriving (a connection dropped by a NAT or a proxy
     * after the headers) would hold the calling thread for good, so the whole exchange is bounded here, and
     * cancelled when it runs over.
     */
    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        Duration limit = request.timeout().orElse(requestTimeout);
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            return pending.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no whole answer within " + limit.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    private HttpRequest request(Call call, String token) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri())
                .timeout(call.timeout() != null && call.timeout().compareTo(requestTimeout) > 0 ? call.timeout()
                        : requestTimeout)
                .header("User-Agent", USER_AGENT);
        call.headers().forEach(builder::header);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        builder.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : call.body().publisher());
        return builder.build();
    }

    private void pause(Duration wait, Call call) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(call.describe() + " interrupted while waiting to retry", e);
        }
    }
}
