package org.notesync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.notesync.client.Loopback.Reply;

class TransportTest {

    static final String NOTE = "{\"uuid\":\"6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11\",\"type\":\"consultation_summary\","
            + "\"content\":\"x\",\"createdAt\":\"2026-02-24T10:30:00+00:00\",\"updatedAt\":\"2026-02-24T10:30:00+00:00\"}";
    static final UUID NOTE_ID = UUID.fromString("6f1c1b1e-8a4e-4f57-9c53-1d2a0f9b7e11");

    final Loopback server = newLoopback();
    final SettableClock clock = new SettableClock(Instant.parse("2026-02-24T10:00:00Z"));
    final RecordingSleeper sleeper = new RecordingSleeper(clock);
    final RetryPolicy policy = RetryPolicy.defaults().withMaxAttempts(3)
            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(5)).withMaxRateLimitWait(Duration.ofMinutes(2));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aGetIsRetriedOn5xxWithJitteredBackoffThenSucceeds() {
        server.then(Reply.problem(503, "{\"title\":\"Service Unavailable\",\"status\":503}"))
                .then(Reply.json(502, "<html>proxy</html>"))
                .then(Reply.json(200, NOTE));

        Note note = client(policy).notes().get(NOTE_ID);

        assertThat(note.uuid()).isEqualTo(NOTE_ID);
        assertThat(server.received()).hasSize(3);
        assertThat(sleeper.waits()).hasSize(2);
        assertThat(sleeper.waits().get(0)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(sleeper.waits().get(1)).isBetween(Duration.ZERO, Duration.ofMillis(400));
    }

    @Test
    void aGetGivesUpAfterMaxAttemptsWithTheServersProblem() {
        for (int i = 0; i < 3; i++) {
            server.then(Reply.problem(500, "{\"type\":\"/errors/500\",\"title\":\"Internal Server Error\",\"status\":500,"
                    + "\"detail\":\"An unexpected error occurred.\",\"instance\":\"/notes\"}"));
        }

        assertThatThrownBy(() -> client(policy).notes().get(NOTE_ID))
                .isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.problem().detail()).isEqualTo("An unexpected error occurred.");
                });
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void aPostIsNotRetriedOn5xx() {
        server.then(Reply.problem(500, "{\"title\":\"Internal Server Error\",\"status\":500}"))
                .then(Reply.json(201, "{}"));

        assertThatThrownBy(() -> client(policy).webhooks().create(WebhookInput.create().url("https://pms.example/in")))
                .isInstanceOf(ServerErrorException.class);
        assertThat(server.received()).hasSize(1);
        assertThat(server.received().get(0).header("Idempotency-Key")).isNull();
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void aCreateCarriesANewIdempotencyKeyAndIsRepeatedWithItOn5xxOnceTheServerEchoedAKey() {
        server.then(Reply.json(201, NOTE).with("Idempotency-Key", "first"))
                .then(Reply.problem(503, "{\"title\":\"Service Unavailable\",\"status\":503}"))
                .then(Reply.problem(500, "{\"title\":\"Internal Server Error\",\"status\":500}"))
                .then(Reply.json(201, NOTE))
                .then(Reply.json(201, NOTE));

        NotesyncClient client = client(policy);
        client.notes().create(NoteInput.create().type("t").content("c"), "first"); // the server honours keys
        assertThat(client.notes().create(NoteInput.create().type("t").content("c")).uuid()).isEqualTo(NOTE_ID);
        client.notes().create(NoteInput.create().type("t").content("c"));

        List<String> keys = server.received().stream().map(r -> r.header("Idempotency-Key")).toList();
        assertThat(keys).hasSize(5).doesNotContainNull();
        assertThat(keys.subList(1, 4)).as("one create, repeated with its key").containsOnly(keys.get(1));
        assertThat(keys.get(4)).as("another create, another key").isNotEqualTo(keys.get(1));
        assertThat(UUID.fromString(keys.get(1))).isNotNull();
    }

    @Test
    void aCreateIsNotRepeatedOn5xxBeforeTheServerEchoedAKeyOrAfterOneAnsweredWithout() {
        server.then(Reply.problem(503, "{\"title\":\"Service Unavailable\",\"status\":503}"))
                .then(Reply.json(201, NOTE).with("Idempotency-Key", "k1"))
                .then(Reply.json(201, NOTE)) // a node that ignores keys (an older version, a rolling upgrade)
                .then(Reply.problem(503, "{\"title\":\"Service Unavailable\",\"status\":503}"));

        NotesyncClient client = client(policy);
        assertThatThrownBy(() -> client.notes().create(NoteInput.create().type("t"), "k0"))
                .isInstanceOf(ServerErrorException.class);
        client.notes().create(NoteInput.create().type("t"), "k1");
        client.notes().create(NoteInput.create().type("t"), "k2");
        assertThatThrownBy(() -> client.notes().create(NoteInput.create().type("t"), "k3"))
                .isInstanceOf(ServerErrorException.class);
        assertThat(server.received()).hasSize(4);
    }

    @Test
    void anUploadIsRepeatedOn5xxWithItsKeyAndTheWholeFileAgain(@TempDir Path dir) throws IOException {
        Path recording = dir.resolve("jane-doe.wav");
        Files.write(recording, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4});
        String patient = "{\"uuid\":\"" + NOTE_ID + "\",\"firstName\":\"A\",\"lastName\":\"B\"}";
        server.then(Reply.json(201, patient).with("Idempotency-Key", "p"))
                .then(Reply.problem(502, "{}")).then(Reply.json(201, "{\"uuid\":\"" + NOTE_ID + "\"}"));
        NotesyncClient client = client(policy);
        client.patients().create(PatientInput.create().firstName("A").lastName("B"), "p");

        Audio audio = client.audios().upload(AudioUpload.of(recording, UUID.randomUUID()));

        assertThat(audio.uuid()).isEqualTo(NOTE_ID);
        assertThat(server.received()).hasSize(3);
        assertThat(server.received().get(2).header("Idempotency-Key")).isNotBlank()
                .isEqualTo(server.received().get(1).header("Idempotency-Key"));
        assertThat(server.received().get(2).body()).isEqualTo(server.received().get(1).body()).contains("RIFF");
    }

    @Test
    void aCreateSendsTheCallersIdempotencyKeyAndRefusesOneTheServerWould() {
        server.then(Reply.json(201, "{\"uuid\":\"" + NOTE_ID + "\",\"firstName\":\"A\",\"lastName\":\"B\"}"));

        client(policy).patients().create(PatientInput.create().firstName("A").lastName("B"), "pms-order-1042");

        assertThat(server.received()).singleElement()
                .satisfies(r -> assertThat(r.header("Idempotency-Key")).isEqualTo("pms-order-1042"));
        for (String refused : new String[] {"", "a b", "k".repeat(256), "caf\u00e9", "a\"b", "a,b", null}) {
            assertThatThrownBy(() -> client(policy).notes().create(NoteInput.create().type("t"), refused))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void putAndDeleteAreRetriedLikeGet() {
        server.then(Reply.problem(503, "{}")).then(new Reply(204, java.util.Map.of(), null));

        client(policy).patients().delete(UUID.randomUUID());

        assertThat(server.received()).extracting(Loopback.Received::method).containsExactly("DELETE", "DELETE");
    }

    @Test
    void aConnectionThatCannotBeMadeIsRetriedEvenForAPostAndEndsInATransportException() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + closedPort)
                .accessTokens(AccessTokens.of("t")).retryPolicy(policy).clock(clock).sleeper(sleeper)
                .random(new Random(3)).build();

        assertThatThrownBy(() -> client.notes().create(NoteInput.create().type("t").content("secret content")))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("POST /notes")
                .hasMessageContaining("3 attempt(s)")
                .hasMessageNotContaining("secret content");
        assertThat(sleeper.waits()).hasSize(2);
    }

    /**
     * An answer whose body stops halfway (a connection dropped after the headers) ends in a TransportException
     * once the request timeout has passed, after the GET's retries; {@code HttpRequest.timeout} alone covers
     * only the headers, and the call waited for good.
     */
    @Test
    void anAnswerWhoseBodyStopsArrivingEndsInATransportException() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> accepted = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        java.net.Socket connection = socket.accept();
                        accepted.add(connection);
                        connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + (NOTE.length() * 2) + "\r\n\r\n" + NOTE)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        connection.getOutputStream().flush(); // and then nothing more
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            NotesyncClient client = NotesyncClient.builder("http://127.0.0.1:" + socket.getLocalPort())
                    .accessTokens(AccessTokens.of("t")).retryPolicy(policy).clock(clock).sleeper(sleeper)
                    .random(new Random(5)).requestTimeout(Duration.ofMillis(500)).build();

            java.util.concurrent.CompletableFuture<Throwable> call = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            client.notes().get(NOTE_ID);
                            return null;
                        } catch (RuntimeException e) {
                            return e;
                        }
                    });
            // A bound for a hang only (three attempts of 0.5 s each): not a measure of speed.
            assertThat(call.get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("GET /notes/")
                    .hasMessageContaining("3 attempt(s)");
            assertThat(accepted).hasSize(3);
            for (java.net.Socket connection : accepted) {
                connection.close();
            }
        }
    }

    /**
     * A 503 whose Retry-After asks for a shorter wait than the backoff's cap is waited out; one asking for longer
     * is not retried sooner than asked (it was, after the backoff's own delay), and its answer comes back.
     */
    @Test
    void a503IsRetriedNoSoonerThanItsRetryAfterAsks() {
        server.then(Reply.problem(503, "{}").with("Retry-After", "3")).then(Reply.json(200, NOTE));
        client(policy).notes().get(NOTE_ID);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3));

        server.then(Reply.problem(503, "{\"title\":\"Service Unavailable\",\"status\":503}").with("Retry-After", "600"))
                .then(Reply.json(200, NOTE));
        assertThatThrownBy(() -> client(policy).notes().get(NOTE_ID))
                .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(server.received()).hasSize(3);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void a429IsWaitedOutForAsLongAsRetryAfterSays() {
        server.then(Reply.problem(429, "{\"title\":\"Too Many Requests\",\"status\":429}").with("Retry-After", "7"))
                .then(Reply.json(200, NOTE));

        client(policy).notes().get(NOTE_ID);

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void withoutRetryAfterA429WaitsUntilTheRateLimitReset() {
        long reset = clock.instant().plusSeconds(42).getEpochSecond();
        server.then(Reply.problem(429, "{}").with("x-ratelimit-limit", "5000").with("x-ratelimit-remaining", "0")
                        .with("x-ratelimit-reset", Long.toString(reset)))
                .then(Reply.json(200, NOTE).with("x-ratelimit-limit", "5000").with("x-ratelimit-remaining", "499")
                        .with("x-ratelimit-reset", Long.toString(reset + 900)));

        NotesyncClient client = client(policy);
        client.notes().get(NOTE_ID);

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(42));
        assertThat(client.rateLimit()).contains(new RateLimit(5000, 499, Instant.ofEpochSecond(reset + 900)));
    }

    @Test
    void a429AskingForLongerThanTheMaximumFailsAtOnce() {
        server.then(Reply.problem(429, "{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"Slow down.\"}")
                .with("Retry-After", "900"));

        assertThatThrownBy(() -> client(policy).notes().get(NOTE_ID))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> {
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(900));
                    assertThat(e.problem().detail()).isEqualTo("Slow down.");
                });
        assertThat(sleeper.waits()).isEmpty();
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void repeated429sStopWhenTheirTotalWaitWouldPassTheMaximum() {
        for (int i = 0; i < 5; i++) {
            server.then(Reply.problem(429, "{}").with("Retry-After", "50"));
        }

        assertThatThrownBy(() -> client(policy).notes().get(NOTE_ID)).isInstanceOf(RateLimitedException.class);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(50), Duration.ofSeconds(50));
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void a401GetsOneFreshTokenAndOneRetry() {
        AtomicInteger issued = new AtomicInteger();
        RenewingAccessTokens tokens = new RenewingAccessTokens(
                current -> new Token("token-" + issued.incrementAndGet(), "Bearer", clock.instant().plusSeconds(3600),
                        null, null), clock, Duration.ofSeconds(60), null);
        server.then(Reply.problem(401, "{\"title\":\"Unauthorized\",\"status\":401}")).then(Reply.json(200, NOTE))
                .then(Reply.problem(401, "{\"title\":\"Unauthorized\",\"status\":401}"))
                .then(Reply.problem(401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"The access token is invalid or has expired.\"}"));
        NotesyncClient client = NotesyncClient.builder(server.base()).accessTokens(tokens).retryPolicy(policy)
                .clock(clock).sleeper(sleeper).build();

        client.notes().get(NOTE_ID);
        assertThat(server.received()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");

        assertThatThrownBy(() -> client.notes().get(NOTE_ID)).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("invalid or has expired");
        assertThat(server.received()).hasSize(4);
    }

    @Test
    void errorStatusesBecomeTypedExceptionsCarryingTheProblem() {
        server.then(Reply.problem(422, """
                {"type":"/errors/422","title":"Validation Failed","status":422,"detail":"lastName: required",
                 "instance":"/patients","violations":[{"propertyPath":"lastName","message":"This value should not be blank.","code":"c1"}]}"""))
                .then(Reply.problem(404, "{\"type\":\"/errors/404\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"Note not found.\"}"))
                .then(Reply.problem(400, "{\"title\":\"Invalid query parameter\",\"status\":400}"))
                .then(Reply.problem(403, "{\"title\":\"Forbidden\",\"status\":403}"))
                .then(Reply.problem(409, "{\"title\":\"Conflict\",\"status\":409}"))
                .then(new Reply(418, java.util.Map.of("Content-Type", "text/plain"), "Ada Lovelace"))
                .then(new Reply(302, java.util.Map.of("Location", "http://elsewhere.example/notes"), null));
        NotesyncClient client = client(policy);

        assertThatThrownBy(() -> client.patients().create(PatientInput.create().firstName("Ada")))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.violations()).containsExactly(
                            new Problem.Violation("lastName", "This value should not be blank.", "c1"));
                    assertThat(e.problem().instance()).hasToString("/patients");
                    assertThat(e.problem().type()).hasToString("/errors/422");
                });
        assertThatThrownBy(() -> client.notes().get(NOTE_ID)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Note not found.");
        assertThatThrownBy(() -> client.notes().list().firstPage()).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> client.notes().get(NOTE_ID)).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> client.notes().get(NOTE_ID)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> client.notes().get(NOTE_ID))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(418))
                .hasMessageNotContaining("Lovelace");
        assertThatThrownBy(() -> client.notes().get(NOTE_ID)).as("a redirect is not followed with the token")
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(302));
        assertThat(server.received()).hasSize(7);
    }

    @Test
    void pagesFollowRelativeNextLinksAndAPlainArrayIsOnePage() {
        server.then(Reply.json(200, "{\"totalItems\":3,\"member\":[" + NOTE + "," + NOTE + "],"
                        + "\"view\":{\"next\":\"/notes?itemsPerPage=2&page=2\"}}"))
                .then(Reply.json(200, "{\"hydra:totalItems\":3,\"hydra:member\":[" + NOTE + "],"
                        + "\"hydra:view\":{}}"))
                .then(Reply.json(200, "[" + NOTE + "]"));
        NotesyncClient client = client(policy);

        assertThat(client.notes().list(NoteQuery.create().itemsPerPage(2)).stream().toList()).hasSize(3);
        assertThat(server.received()).extracting(Loopback.Received::uri)
                .containsExactly("/notes?itemsPerPage=2", "/notes?itemsPerPage=2&page=2");
        assertThat(client.notes().list().firstPage().items()).hasSize(1);
        assertThat(server.received().get(0).header("Accept")).isEqualTo("application/ld+json");
    }

    private NotesyncClient client(RetryPolicy policy) {
        return NotesyncClient.builder(server.base()).accessTokens(AccessTokens.of("test-token")).retryPolicy(policy)
                .clock(clock).sleeper(sleeper).random(new Random(11)).build();
    }

    private static Loopback newLoopback() {
        try {
            return new Loopback();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
